"""logistics: webhook subscriptions of sellers and the outbox of their deliveries

Revision ID: logistics_0002
Revises: logistics_0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "logistics_0002"
down_revision = "logistics_0001"
branch_labels = None
depends_on = None

UTC_TIME = ponte.platform.types.UtcDateTime(timezone=True)


def _tenant(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "tenant_id",
        sa.String(40),
        sa.ForeignKey("tenants.id", name=f"fk_{table}_tenant_id_tenants"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "logistics_webhook_subscriptions",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_webhook_subscriptions"),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret", ponte.platform.types.Encrypted(), nullable=False),
        sa.Column("kinds", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("deleted_at", UTC_TIME, nullable=True),
    )
    op.create_index(
        "ix_logistics_webhook_subscriptions_tenant_id", "logistics_webhook_subscriptions", ["tenant_id"]
    )
    op.create_table(
        "logistics_webhook_deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("logistics_webhook_deliveries"),
        sa.Column(
            "subscription_id",
            sa.String(40),
            sa.ForeignKey(
                "logistics_webhook_subscriptions.id",
                name="fk_logistics_webhook_deliveries_subscription",
            ),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("event_at", UTC_TIME, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=True),
    )
    op.create_index(
        "ix_logistics_webhook_deliveries_tenant_id", "logistics_webhook_deliveries", ["tenant_id"]
    )
    op.create_index(
        "ix_logistics_webhook_deliveries_subscription_id", "logistics_webhook_deliveries", ["subscription_id"]
    )
    op.create_index(
        "ix_logistics_webhook_deliveries_due", "logistics_webhook_deliveries", ["status", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_table("logistics_webhook_deliveries")
    op.drop_table("logistics_webhook_subscriptions")
