"""logistics: parcels (one per order, or a forwarder's own), house waybills, shipment parcels by parcel id

Revision ID: logistics_0003
Revises: logistics_0002

Parcels on shipments stored before this revision (a free-text reference and a weight) become parcel rows with
that reference and weight; their box is unknown (empty). The webhook tables moved to the webhooks slice
(``webhooks_0001`` copied their rows) and are dropped here.
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "logistics_0003"
down_revision = "logistics_0002"
branch_labels = None
depends_on = "webhooks_0001"

UTC_TIME = ponte.platform.types.UtcDateTime(timezone=True)
AMOUNT = ponte.platform.types.Amount(precision=24, scale=6)


def _tenant(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "tenant_id",
        sa.String(40),
        sa.ForeignKey("tenants.id", name=f"fk_{table}_tenant_id_tenants"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "logistics_parcels",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_parcels"),
        sa.Column(
            "order_id",
            sa.String(40),
            sa.ForeignKey("orders.id", name="fk_logistics_parcels_order_id_orders"),
            nullable=True,
        ),
        sa.Column("ref", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("gross_kg", AMOUNT, nullable=False),
        sa.Column("net_kg", AMOUNT, nullable=False),
        sa.Column("length_cm", AMOUNT, nullable=True),
        sa.Column("width_cm", AMOUNT, nullable=True),
        sa.Column("height_cm", AMOUNT, nullable=True),
        sa.Column("handling_class", sa.String(8), nullable=False),
        sa.Column("shc", sa.Text(), nullable=False),
        sa.Column("dangerous_goods", sa.Text(), nullable=False),
        sa.Column("cargo_aircraft_only", sa.Boolean(), nullable=False),
        sa.Column("perishable", sa.Boolean(), nullable=False),
        sa.Column("dry_ice_kg", AMOUNT, nullable=False),
        sa.Column("origin", sa.String(3), nullable=False),
        sa.Column("destination", sa.String(3), nullable=False),
        sa.Column("ready_at", UTC_TIME, nullable=False),
        sa.Column("shipper", sa.String(200), nullable=False),
        sa.Column("goods", sa.Text(), nullable=False),
        sa.Column("hs_codes", sa.Text(), nullable=False),
        sa.Column(
            "shipment_id",
            sa.String(40),
            sa.ForeignKey(
                "logistics_shipments.id", name="fk_logistics_parcels_shipment_id_logistics_shipments"
            ),
            nullable=True,
        ),
        sa.Column("house", sa.String(40), nullable=True),
        sa.Column("carrier", sa.String(20), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("tenant_id", "ref", name="uq_logistics_parcels_tenant_id_ref"),
        sa.UniqueConstraint("order_id", name="uq_logistics_parcels_order_id"),
    )
    op.create_index("ix_logistics_parcels_tenant_id", "logistics_parcels", ["tenant_id"])
    op.create_index("ix_logistics_parcels_shipment_id", "logistics_parcels", ["shipment_id"])
    op.create_table(
        "logistics_house_waybills",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_house_waybills"),
        sa.Column(
            "shipment_id",
            sa.String(40),
            sa.ForeignKey(
                "logistics_shipments.id", name="fk_logistics_house_waybills_shipment_id_logistics_shipments"
            ),
            nullable=False,
        ),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("shipper", sa.String(200), nullable=False),
        sa.Column("pieces", sa.Integer(), nullable=False),
        sa.Column("gross_kg", AMOUNT, nullable=False),
        sa.UniqueConstraint("tenant_id", "number", name="uq_logistics_house_waybills_tenant_id_number"),
    )
    op.create_index("ix_logistics_house_waybills_tenant_id", "logistics_house_waybills", ["tenant_id"])
    op.create_index("ix_logistics_house_waybills_shipment_id", "logistics_house_waybills", ["shipment_id"])
    # parcels on shipments stored before: one parcel row per reference, with the shipment's route and time
    op.execute(
        "INSERT INTO logistics_parcels (id, tenant_id, order_id, ref, status, gross_kg, net_kg, handling_class, shc, "
        "dangerous_goods, cargo_aircraft_only, perishable, dry_ice_kg, origin, destination, ready_at, shipper, goods, "
        "hs_codes, shipment_id, house, created_at, updated_at) "
        "SELECT 'pcl_' || sp.id, sp.tenant_id, NULL, sp.parcel_ref, 'booked', sp.weight_kg, sp.weight_kg, 'GEN', '[]', "
        "'', false, false, 0, s.origin, s.destination, s.departs, '', '', '[]', sp.shipment_id, sp.hawb, "
        "s.created_at, s.created_at FROM logistics_shipment_parcels sp JOIN logistics_shipments s ON s.id = sp.shipment_id"
    )
    with op.batch_alter_table("logistics_shipment_parcels") as batch:
        batch.add_column(sa.Column("parcel_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("bag", sa.String(16), nullable=True))
        batch.add_column(sa.Column("uld", sa.String(16), nullable=True))
        batch.add_column(sa.Column("uld_type", sa.String(8), nullable=True))
    op.execute("UPDATE logistics_shipment_parcels SET parcel_id = 'pcl_' || id")
    with op.batch_alter_table("logistics_shipment_parcels") as batch:
        batch.drop_index("ix_logistics_shipment_parcels_parcel_ref")
        batch.drop_column("parcel_ref")
        batch.alter_column("parcel_id", existing_type=sa.String(40), nullable=False)
        batch.create_foreign_key(
            "fk_logistics_shipment_parcels_parcel_id_logistics_parcels",
            "logistics_parcels",
            ["parcel_id"],
            ["id"],
        )
        batch.create_index("ix_logistics_shipment_parcels_parcel_id", ["parcel_id"])
    op.drop_table("logistics_webhook_deliveries")
    op.drop_table("logistics_webhook_subscriptions")


def downgrade() -> None:
    raise NotImplementedError("parcels and their links cannot be folded back into free-text references")
