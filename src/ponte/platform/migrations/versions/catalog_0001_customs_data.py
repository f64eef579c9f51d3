"""catalog: per-SKU customs data (China commodity code, goods name, declaration elements, legal units),
handling class (batteries, dry ice, perishables) and destination tariff lines

Revision ID: catalog_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "catalog_0001"
down_revision = "0001"
branch_labels = ("catalog",)
depends_on = None

STRINGS = {
    "cn_code": 10,
    "cn_name": 250,
    "cn_elements": 510,
    "cn_unit": 3,
    "cn_unit1": 3,
    "cn_unit2": 3,
    "cn_record_no": 40,
    "barcode": 50,
    "battery": 16,
    "battery_packing": 16,
}
AMOUNTS = ("cn_qty1", "cn_qty2", "battery_wh", "lithium_g", "dry_ice_kg")


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        for name, length in STRINGS.items():
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
        for name in AMOUNTS:
            batch.add_column(sa.Column(name, ponte.platform.types.Amount(), nullable=True))
        batch.add_column(sa.Column("perishable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("temperature", sa.String(10), nullable=False, server_default="ambient"))
        batch.add_column(sa.Column("tariff_codes", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        for name in ("tariff_codes", "temperature", "perishable", *AMOUNTS, *STRINGS):
            batch.drop_column(name)
