"""journey: the landed-cost quote frozen with each order, every revision kept

Revision ID: journey_0001
Revises: orders_0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "journey_0001"
down_revision = "orders_0001"
branch_labels = ("journey",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_quotes",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(40), nullable=False),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(12), nullable=False),
        sa.Column("rules_version", sa.String(80), nullable=False),
        sa.Column("frozen_json", sa.Text(), nullable=False),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_order_quotes_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_quotes_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_quotes")),
        sa.UniqueConstraint(
            "tenant_id", "order_id", "revision", name=op.f("uq_order_quotes_tenant_id_order_id_revision")
        ),
    )
    op.create_index(op.f("ix_order_quotes_tenant_id"), "order_quotes", ["tenant_id"])
    op.create_index(op.f("ix_order_quotes_order_id"), "order_quotes", ["order_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_order_quotes_order_id"), table_name="order_quotes")
    op.drop_index(op.f("ix_order_quotes_tenant_id"), table_name="order_quotes")
    op.drop_table("order_quotes")
