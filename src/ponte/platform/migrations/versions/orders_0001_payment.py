"""orders: the buyer's payment (transaction id, time, amount, payment company)

Revision ID: orders_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "orders_0001"
down_revision = "0001"
branch_labels = ("orders",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("paid_at", ponte.platform.types.UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("payment_ref", sa.String(60), nullable=True))
        batch.add_column(sa.Column("paid_amount", ponte.platform.types.Amount(), nullable=True))
        batch.add_column(sa.Column("payment_company", sa.String(18), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        for name in ("payment_company", "paid_amount", "payment_ref", "paid_at"):
            batch.drop_column(name)
