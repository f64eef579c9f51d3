"""customs: what the annual CBEC import limit sums per buyer (blind index of the ID number, the day,
the dutiable value in CNY)

Revision ID: customs_0004
Revises: customs_0003
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "customs_0004"
down_revision = "customs_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customs_declarations") as batch:
        batch.add_column(sa.Column("buyer_index", sa.String(64), nullable=True))
        batch.add_column(sa.Column("placed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("value_cny", ponte.platform.types.Amount(), nullable=True))
        batch.create_index("ix_customs_declarations_buyer_index", ["buyer_index"])


def downgrade() -> None:
    with op.batch_alter_table("customs_declarations") as batch:
        batch.drop_index("ix_customs_declarations_buyer_index")
        for name in ("value_cny", "placed_on", "buyer_index"):
            batch.drop_column(name)
