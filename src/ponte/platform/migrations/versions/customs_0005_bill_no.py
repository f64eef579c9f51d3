"""customs: the master air waybill a declaration's inventory names, to find declarations by AWB

Revision ID: customs_0005
Revises: customs_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "customs_0005"
down_revision = "customs_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customs_declarations") as batch:
        batch.add_column(sa.Column("bill_no", sa.String(40), nullable=True))
        batch.create_index("ix_customs_declarations_bill_no", ["bill_no"])


def downgrade() -> None:
    with op.batch_alter_table("customs_declarations") as batch:
        batch.drop_index("ix_customs_declarations_bill_no")
        batch.drop_column("bill_no")
