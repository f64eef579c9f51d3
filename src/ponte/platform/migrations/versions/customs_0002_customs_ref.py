"""customs: the number customs gives a declared message (e.g. sumNo of a CEB701 summary application)

Revision ID: customs_0002
Revises: customs_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "customs_0002"
down_revision = "customs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customs_messages") as batch:
        batch.add_column(sa.Column("customs_ref", sa.String(60), nullable=True))
    op.create_index("ix_customs_messages_customs_ref", "customs_messages", ["customs_ref"])


def downgrade() -> None:
    op.drop_index("ix_customs_messages_customs_ref", table_name="customs_messages")
    with op.batch_alter_table("customs_messages") as batch:
        batch.drop_column("customs_ref")
