"""logistics: the booking ledger of flight-leg capacity (per forwarder, leg and resource)

Revision ID: logistics_0004
Revises: logistics_0003
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "logistics_0004"
down_revision = "logistics_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "logistics_leg_ledger",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(40),
            sa.ForeignKey("tenants.id", name="fk_logistics_leg_ledger_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("leg", sa.String(60), nullable=False),
        sa.Column("resource", sa.String(12), nullable=False),
        sa.Column("offered", sa.BigInteger(), nullable=False),
        sa.Column("booked", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "tenant_id", "leg", "resource", name="uq_logistics_leg_ledger_tenant_id_leg_resource"
        ),
    )
    op.create_index("ix_logistics_leg_ledger_tenant_id", "logistics_leg_ledger", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("logistics_leg_ledger")
