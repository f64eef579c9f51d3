"""live: streamers, sessions, flash-sale offers, stock buckets, buyer counters, reservations

Revision ID: live_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "live_0001"
down_revision = "0001"
branch_labels = ("live",)
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
        "live_streamers",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("live_streamers"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_live_streamers_tenant_id", "live_streamers", ["tenant_id"])
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("live_sessions"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column(
            "streamer_id",
            sa.String(40),
            sa.ForeignKey("live_streamers.id", name="fk_live_sessions_streamer_id_live_streamers"),
            nullable=False,
        ),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("pinned_offer_id", sa.String(40), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_live_sessions_tenant_id", "live_sessions", ["tenant_id"])
    op.create_table(
        "live_offers",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("live_offers"),
        sa.Column(
            "session_id",
            sa.String(40),
            sa.ForeignKey("live_sessions.id", name="fk_live_offers_session_id_live_sessions"),
            nullable=False,
        ),
        sa.Column(
            "product_id",
            sa.String(40),
            sa.ForeignKey("products.id", name="fk_live_offers_product_id_products"),
            nullable=False,
        ),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("price", AMOUNT, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("quantity_cap", sa.Integer(), nullable=False),
        sa.Column("per_buyer_limit", sa.Integer(), nullable=False),
        sa.Column("opens_at", UTC_TIME, nullable=False),
        sa.Column("closes_at", UTC_TIME, nullable=False),
        sa.Column("hold_seconds", sa.Integer(), nullable=False),
        sa.Column("buckets", sa.Integer(), nullable=False),
        sa.Column("closed_early", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
    )
    op.create_index("ix_live_offers_tenant_id", "live_offers", ["tenant_id"])
    op.create_index("ix_live_offers_session_id", "live_offers", ["session_id"])
    op.create_table(
        "live_stock_buckets",
        sa.Column(
            "offer_id",
            sa.String(40),
            sa.ForeignKey("live_offers.id", name="fk_live_stock_buckets_offer_id_live_offers"),
            primary_key=True,
        ),
        sa.Column("bucket", sa.Integer(), primary_key=True),
        _tenant("live_stock_buckets"),
        sa.Column("available", sa.Integer(), nullable=False),
        sa.CheckConstraint("available >= 0", name="ck_live_stock_buckets_available_not_negative"),
    )
    op.create_table(
        "live_buyer_counts",
        sa.Column(
            "offer_id",
            sa.String(40),
            sa.ForeignKey("live_offers.id", name="fk_live_buyer_counts_offer_id_live_offers"),
            primary_key=True,
        ),
        sa.Column("buyer_ref", sa.String(64), primary_key=True),
        _tenant("live_buyer_counts"),
        sa.Column("bought", sa.Integer(), nullable=False),
        sa.CheckConstraint("bought >= 0", name="ck_live_buyer_counts_bought_not_negative"),
    )
    op.create_table(
        "live_reservations",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("live_reservations"),
        sa.Column(
            "offer_id",
            sa.String(40),
            sa.ForeignKey("live_offers.id", name="fk_live_reservations_offer_id_live_offers"),
            nullable=False,
        ),
        sa.Column("session_id", sa.String(40), nullable=False),
        sa.Column("buyer_ref", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("order_id", sa.String(40), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint(
            "tenant_id", "idempotency_key", name="uq_live_reservations_tenant_id_idempotency_key"
        ),
    )
    op.create_index("ix_live_reservations_due", "live_reservations", ["status", "expires_at"])
    op.create_index("ix_live_reservations_offer", "live_reservations", ["offer_id", "status"])


def downgrade() -> None:
    for table in (
        "live_reservations",
        "live_buyer_counts",
        "live_stock_buckets",
        "live_offers",
        "live_sessions",
        "live_streamers",
    ):
        op.drop_table(table)
