"""orders: each order keeps the delivery address and contact given with it

A returning buyer (found by tax ID) may give another address; until now every order of that buyer
showed, labelled and declared the first one. Existing orders take their buyer's stored address and
contact: the encrypted values are copied as they are, never decrypted.

Revision ID: orders_0002
Revises: orders_0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "orders_0002"
down_revision = "orders_0001"
branch_labels = None
depends_on = None

COLUMNS = (("ship_address", "address"), ("ship_phone", "phone"), ("ship_email", "email"))


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        for column, _ in COLUMNS:
            batch.add_column(sa.Column(column, ponte.platform.types.Encrypted(), nullable=True))
    for column, source in COLUMNS:
        op.execute(
            f"UPDATE orders SET {column} = (SELECT buyers.{source} FROM buyers WHERE buyers.id = orders.buyer_id)"
        )
    with op.batch_alter_table("orders") as batch:
        batch.alter_column("ship_address", existing_type=ponte.platform.types.Encrypted(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        for column, _ in reversed(COLUMNS):
            batch.drop_column(column)
