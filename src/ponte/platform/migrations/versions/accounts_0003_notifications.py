"""accounts: notifications of a tenant (kind, the scope that sees it, what it is about) and who read each

Revision ID: accounts_0003
Revises: accounts_0002
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "accounts_0003"
down_revision = "accounts_0002"
branch_labels = None
depends_on = None

UTC_TIME = ponte.platform.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(40),
            sa.ForeignKey("tenants.id", name="fk_notifications_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(60), nullable=False),
        sa.Column("event", sa.String(80), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("tenant_id", "kind", "subject_id", "event", name="uq_notifications_tenant_id"),
    )
    op.create_index("ix_notifications_tenant_id", "notifications", ["tenant_id"])
    op.create_table(
        "notification_reads",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "notification_id",
            sa.String(40),
            sa.ForeignKey("notifications.id", name="fk_notification_reads_notification_id_notifications"),
            nullable=False,
        ),
        sa.Column("reader", sa.String(60), nullable=False),
        sa.Column("read_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("notification_id", "reader", name="uq_notification_reads_notification_id"),
    )
    op.create_index("ix_notification_reads_notification_id", "notification_reads", ["notification_id"])


def downgrade() -> None:
    op.drop_index("ix_notification_reads_notification_id", "notification_reads")
    op.drop_table("notification_reads")
    op.drop_index("ix_notifications_tenant_id", "notifications")
    op.drop_table("notifications")
