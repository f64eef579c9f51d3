"""fulfilment: the choice made for each order (every revision kept) and a tenant's rules and import facts

Revision ID: fulfilment_0001
Revises: journey_0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "fulfilment_0001"
down_revision = "journey_0001"
branch_labels = ("fulfilment",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fulfilment_choices",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(40), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.String(80), nullable=True),
        sa.Column("mode", sa.String(4), nullable=True),
        sa.Column("site", sa.String(32), nullable=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("reservation_id", sa.String(40), nullable=True),
        sa.Column("frozen_json", sa.Text(), nullable=False),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_fulfilment_choices_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_fulfilment_choices_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fulfilment_choices")),
        sa.UniqueConstraint(
            "tenant_id",
            "order_id",
            "revision",
            name=op.f("uq_fulfilment_choices_tenant_id_order_id_revision"),
        ),
    )
    op.create_index(op.f("ix_fulfilment_choices_tenant_id"), "fulfilment_choices", ["tenant_id"])
    op.create_index(op.f("ix_fulfilment_choices_order_id"), "fulfilment_choices", ["order_id"])
    op.create_table(
        "fulfilment_settings",
        sa.Column("tenant_id", sa.String(40), nullable=False),
        sa.Column("rules_json", sa.Text(), nullable=False),
        sa.Column("imports_json", sa.Text(), nullable=False),
        sa.Column("updated_at", ponte.platform.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_fulfilment_settings_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_fulfilment_settings")),
    )


def downgrade() -> None:
    op.drop_table("fulfilment_settings")
    op.drop_index(op.f("ix_fulfilment_choices_order_id"), table_name="fulfilment_choices")
    op.drop_index(op.f("ix_fulfilment_choices_tenant_id"), table_name="fulfilment_choices")
    op.drop_table("fulfilment_choices")
