"""logistics: AWB stock ranges and issued numbers, shipments with their parcels, tracking events

Revision ID: logistics_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "logistics_0001"
down_revision = "0001"
branch_labels = ("logistics",)
depends_on = None

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
        "logistics_awb_ranges",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_awb_ranges"),
        sa.Column("prefix", sa.String(3), nullable=False),
        sa.Column("first_serial", sa.Integer(), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_logistics_awb_ranges_tenant_id", "logistics_awb_ranges", ["tenant_id"])
    op.create_table(
        "logistics_awb_issued",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_awb_issued"),
        sa.Column("prefix", sa.String(3), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("awb", sa.String(12), nullable=False),
        sa.Column("issued_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint(
            "tenant_id", "prefix", "serial", name="uq_logistics_awb_issued_tenant_id_prefix_serial"
        ),
    )
    op.create_index("ix_logistics_awb_issued_tenant_id", "logistics_awb_issued", ["tenant_id"])
    op.create_table(
        "logistics_shipments",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_shipments"),
        sa.Column("consolidation_id", sa.String(40), nullable=False),
        sa.Column("mawb", sa.String(12), nullable=False),
        sa.Column("hawbs", sa.Text(), nullable=False),
        sa.Column("flight", sa.String(60), nullable=False),
        sa.Column("carrier", sa.String(3), nullable=False),
        sa.Column("origin", sa.String(3), nullable=False),
        sa.Column("destination", sa.String(3), nullable=False),
        sa.Column("departs", UTC_TIME, nullable=False),
        sa.Column("arrives", UTC_TIME, nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("gross_kg", AMOUNT, nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_logistics_shipments_tenant_id", "logistics_shipments", ["tenant_id"])
    op.create_index("ix_logistics_shipments_consolidation_id", "logistics_shipments", ["consolidation_id"])
    op.create_index("ix_logistics_shipments_mawb", "logistics_shipments", ["mawb"])
    op.create_table(
        "logistics_shipment_parcels",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_shipment_parcels"),
        sa.Column(
            "shipment_id",
            sa.String(40),
            sa.ForeignKey(
                "logistics_shipments.id", name="fk_logistics_shipment_parcels_shipment_id_logistics_shipments"
            ),
            nullable=False,
        ),
        sa.Column("parcel_ref", sa.String(80), nullable=False),
        sa.Column("hawb", sa.String(16), nullable=False),
        sa.Column("weight_kg", AMOUNT, nullable=False),
    )
    op.create_index("ix_logistics_shipment_parcels_tenant_id", "logistics_shipment_parcels", ["tenant_id"])
    op.create_index(
        "ix_logistics_shipment_parcels_shipment_id", "logistics_shipment_parcels", ["shipment_id"]
    )
    op.create_index("ix_logistics_shipment_parcels_parcel_ref", "logistics_shipment_parcels", ["parcel_ref"])
    op.create_table(
        "logistics_tracking_events",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_tracking_events"),
        sa.Column("subject", sa.String(8), nullable=False),
        sa.Column("subject_id", sa.String(80), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("location", sa.String(3), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("flight", sa.String(60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_logistics_tracking_events_tenant_id", "logistics_tracking_events", ["tenant_id"])
    op.create_index("ix_logistics_tracking_events_subject_id", "logistics_tracking_events", ["subject_id"])


def downgrade() -> None:
    op.drop_table("logistics_tracking_events")
    op.drop_table("logistics_shipment_parcels")
    op.drop_table("logistics_shipments")
    op.drop_table("logistics_awb_issued")
    op.drop_table("logistics_awb_ranges")
