"""warehouses: warehouses, locations, lots, the stock ledger and its level cache, reservations, inbound legs

Revision ID: warehouses_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "warehouses_0001"
down_revision = "0001"
branch_labels = ("warehouses",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wh_warehouses",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("address", sa.JSON(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("bonded", sa.Boolean(), nullable=False),
        sa.Column("trade_mode", sa.String(length=4), nullable=False),
        sa.Column("cut_off_local", sa.String(length=5), nullable=True),
        sa.Column("handling_days", sa.Integer(), nullable=False),
        sa.Column("temperature_zones", sa.JSON(), nullable=False),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_wh_warehouses_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_warehouses")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_wh_warehouses_tenant_id_code")),
    )
    with op.batch_alter_table("wh_warehouses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wh_warehouses_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "wh_inbound",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("warehouse_id", sa.String(length=40), nullable=False),
        sa.Column("asn_number", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=4), nullable=False),
        sa.Column("origin_country", sa.String(length=2), nullable=False),
        sa.Column("trade_mode", sa.String(length=4), nullable=False),
        sa.Column("declaration_id", sa.String(length=64), nullable=True),
        sa.Column("awb", sa.String(length=20), nullable=True),
        sa.Column("bill_of_lading", sa.String(length=64), nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("departed_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("expected_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("discrepancies", sa.JSON(), nullable=False),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_wh_inbound_tenant_id_tenants")),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["wh_warehouses.id"], name=op.f("fk_wh_inbound_warehouse_id_wh_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_inbound")),
        sa.UniqueConstraint("tenant_id", "asn_number", name=op.f("uq_wh_inbound_tenant_id_asn_number")),
    )
    with op.batch_alter_table("wh_inbound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wh_inbound_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wh_inbound_warehouse_id"), ["warehouse_id"], unique=False)

    op.create_table(
        "wh_locations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("warehouse_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("zone", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_wh_locations_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["wh_warehouses.id"], name=op.f("fk_wh_locations_warehouse_id_wh_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_locations")),
        sa.UniqueConstraint("warehouse_id", "code", name=op.f("uq_wh_locations_warehouse_id_code")),
    )
    with op.batch_alter_table("wh_locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wh_locations_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wh_locations_warehouse_id"), ["warehouse_id"], unique=False)

    op.create_table(
        "wh_reservations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("warehouse_id", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=True),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_wh_reservations_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["wh_warehouses.id"], name=op.f("fk_wh_reservations_warehouse_id_wh_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_reservations")),
        sa.UniqueConstraint(
            "tenant_id",
            "warehouse_id",
            "order_id",
            name=op.f("uq_wh_reservations_tenant_id_warehouse_id_order_id"),
        ),
    )
    with op.batch_alter_table("wh_reservations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wh_reservations_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wh_reservations_warehouse_id"), ["warehouse_id"], unique=False)

    op.create_table(
        "wh_lots",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("warehouse_id", sa.String(length=40), nullable=False),
        sa.Column("location_id", sa.String(length=40), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("lot_code", sa.String(length=64), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["wh_locations.id"], name=op.f("fk_wh_lots_location_id_wh_locations")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_wh_lots_tenant_id_tenants")),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["wh_warehouses.id"], name=op.f("fk_wh_lots_warehouse_id_wh_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_lots")),
        sa.UniqueConstraint(
            "warehouse_id", "sku", "lot_code", name=op.f("uq_wh_lots_warehouse_id_sku_lot_code")
        ),
    )
    with op.batch_alter_table("wh_lots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wh_lots_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_wh_lots_warehouse_sku", ["warehouse_id", "sku"], unique=False)

    op.create_table(
        "wh_levels",
        sa.Column("lot_id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("picked", sa.Integer(), nullable=False),
        sa.Column("packed", sa.Integer(), nullable=False),
        sa.CheckConstraint("available >= 0", name=op.f("ck_wh_levels_available_not_negative")),
        sa.CheckConstraint("packed >= 0", name=op.f("ck_wh_levels_packed_not_negative")),
        sa.CheckConstraint("picked >= 0", name=op.f("ck_wh_levels_picked_not_negative")),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_wh_levels_reserved_not_negative")),
        sa.ForeignKeyConstraint(["lot_id"], ["wh_lots.id"], name=op.f("fk_wh_levels_lot_id_wh_lots")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_wh_levels_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("lot_id", name=op.f("pk_wh_levels")),
    )
    with op.batch_alter_table("wh_levels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wh_levels_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "wh_movements",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("warehouse_id", sa.String(length=40), nullable=False),
        sa.Column("lot_id", sa.String(length=40), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=12), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=True),
        sa.Column("reservation_id", sa.String(length=40), nullable=True),
        sa.Column("inbound_id", sa.String(length=40), nullable=True),
        sa.Column("transfer_id", sa.String(length=40), nullable=True),
        sa.Column("at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_wh_movements_quantity_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["wh_lots.id"], name=op.f("fk_wh_movements_lot_id_wh_lots")),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_wh_movements_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["wh_warehouses.id"], name=op.f("fk_wh_movements_warehouse_id_wh_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wh_movements")),
    )
    with op.batch_alter_table("wh_movements", schema=None) as batch_op:
        batch_op.create_index("ix_wh_movements_lot", ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wh_movements_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_wh_movements_reservation", ["reservation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wh_movements_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_wh_movements_warehouse_at", ["warehouse_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wh_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_wh_movements_warehouse_at")
        batch_op.drop_index(batch_op.f("ix_wh_movements_tenant_id"))
        batch_op.drop_index("ix_wh_movements_reservation")
        batch_op.drop_index(batch_op.f("ix_wh_movements_order_id"))
        batch_op.drop_index("ix_wh_movements_lot")

    op.drop_table("wh_movements")
    with op.batch_alter_table("wh_levels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_levels_tenant_id"))

    op.drop_table("wh_levels")
    with op.batch_alter_table("wh_lots", schema=None) as batch_op:
        batch_op.drop_index("ix_wh_lots_warehouse_sku")
        batch_op.drop_index(batch_op.f("ix_wh_lots_tenant_id"))

    op.drop_table("wh_lots")
    with op.batch_alter_table("wh_reservations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_reservations_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_wh_reservations_tenant_id"))

    op.drop_table("wh_reservations")
    with op.batch_alter_table("wh_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_locations_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_wh_locations_tenant_id"))

    op.drop_table("wh_locations")
    with op.batch_alter_table("wh_inbound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_inbound_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_wh_inbound_tenant_id"))

    op.drop_table("wh_inbound")
    with op.batch_alter_table("wh_warehouses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wh_warehouses_tenant_id"))

    op.drop_table("wh_warehouses")
