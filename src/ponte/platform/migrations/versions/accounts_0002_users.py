"""accounts: people (users with passwords and TOTP), their memberships in tenants with roles, invitations, and
console sessions kept on the server

Revision ID: accounts_0002
Revises: accounts_0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "accounts_0002"
down_revision = "accounts_0001"
branch_labels = None
depends_on = None

UTC_TIME = ponte.platform.types.UtcDateTime(timezone=True)
SECRET = ponte.platform.types.Encrypted()


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("email_index", sa.String(64), nullable=False),
        sa.Column("email", SECRET, nullable=False),
        sa.Column("name", SECRET, nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("password_changed_at", UTC_TIME, nullable=True),
        sa.Column("totp_secret", SECRET, nullable=True),
        sa.Column("totp_pending", SECRET, nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("disabled_at", UTC_TIME, nullable=True),
        sa.UniqueConstraint("email_index", name="uq_users_email_index"),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "user_id",
            sa.String(40),
            sa.ForeignKey("users.id", name="fk_memberships_user_id_users"),
            nullable=False,
        ),
        sa.Column(
            "tenant_id",
            sa.String(40),
            sa.ForeignKey("tenants.id", name="fk_memberships_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("user_id", "tenant_id", name="uq_memberships_user_id"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_index("ix_memberships_tenant_id", "memberships", ["tenant_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(40),
            sa.ForeignKey("tenants.id", name="fk_invitations_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("email_index", sa.String(64), nullable=False),
        sa.Column("email", SECRET, nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "invited_by",
            sa.String(40),
            sa.ForeignKey("users.id", name="fk_invitations_invited_by_users"),
            nullable=True,
        ),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("accepted_at", UTC_TIME, nullable=True),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_invitations_token_hash"),
    )
    op.create_index("ix_invitations_tenant_id", "invitations", ["tenant_id"])
    op.create_index("ix_invitations_email_index", "invitations", ["email_index"])
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column(
            "user_id",
            sa.String(40),
            sa.ForeignKey("users.id", name="fk_console_sessions_user_id_users"),
            nullable=True,
        ),
        sa.Column("key_id", sa.String(40), nullable=True),
        sa.Column(
            "tenant_id",
            sa.String(40),
            sa.ForeignKey("tenants.id", name="fk_console_sessions_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("last_seen_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_console_sessions_token_hash"),
    )
    op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])
    op.create_index("ix_console_sessions_tenant_id", "console_sessions", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("console_sessions")
    op.drop_table("invitations")
    op.drop_table("memberships")
    op.drop_table("users")
