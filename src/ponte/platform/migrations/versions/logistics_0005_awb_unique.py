"""logistics: AWB ranges and numbers unique across forwarders (a lock row per prefix, a unique number index)

Revision ID: logistics_0005
Revises: logistics_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "logistics_0005"
down_revision = "logistics_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("logistics_awb_prefixes", sa.Column("prefix", sa.String(3), primary_key=True))
    op.create_index(
        "ix_logistics_awb_issued_number", "logistics_awb_issued", ["prefix", "serial"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_logistics_awb_issued_number", table_name="logistics_awb_issued")
    op.drop_table("logistics_awb_prefixes")
