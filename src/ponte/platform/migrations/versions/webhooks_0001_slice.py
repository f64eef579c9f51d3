"""webhooks: subscriptions and the delivery outbox as a slice of their own (moved from logistics, rows kept)

Revision ID: webhooks_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "webhooks_0001"
down_revision = "0001"
branch_labels = ("webhooks",)
depends_on = "logistics_0002"

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
        "webhook_subscriptions",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("webhook_subscriptions"),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret", ponte.platform.types.Encrypted(), nullable=False),
        sa.Column("kinds", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("deleted_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_webhook_subscriptions_tenant_id", "webhook_subscriptions", ["tenant_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("webhook_deliveries"),
        sa.Column(
            "subscription_id",
            sa.String(40),
            sa.ForeignKey(
                "webhook_subscriptions.id", name="fk_webhook_deliveries_subscription_id_webhook_subscriptions"
            ),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("event_at", UTC_TIME, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_webhook_deliveries_tenant_id", "webhook_deliveries", ["tenant_id"])
    op.create_index("ix_webhook_deliveries_subscription_id", "webhook_deliveries", ["subscription_id"])
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"])
    # the rows of the old logistics tables come along (the secret keeps its ciphertext: the same key reads it)
    op.execute(
        "INSERT INTO webhook_subscriptions (id, tenant_id, url, secret, kinds, created_at, deleted_at) "
        "SELECT id, tenant_id, url, secret, kinds, created_at, deleted_at FROM logistics_webhook_subscriptions"
    )
    op.execute(
        "INSERT INTO webhook_deliveries (id, tenant_id, subscription_id, event_id, event_at, kind, body, status, "
        "attempts, next_attempt_at, last_status, last_error, created_at, finished_at) "
        "SELECT id, tenant_id, subscription_id, event_id, event_at, kind, body, status, attempts, next_attempt_at, "
        "last_status, last_error, created_at, finished_at FROM logistics_webhook_deliveries"
    )


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
