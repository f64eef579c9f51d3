"""classify: a tenant's confirmed HS classifications and broker overrides (with reasons), and whether it
shares them with other tenants

Revision ID: classify_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "classify_0001"
down_revision = "0001"
branch_labels = ("classify",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hs_classifications",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("product_id", sa.String(40), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("hs_code", sa.String(6), nullable=False),
        sa.Column("cn_code", sa.String(10), nullable=True),
        sa.Column("previous_code", sa.String(6), nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("vectors", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(), nullable=False),
    )
    op.create_index("ix_hs_classifications_tenant_id", "hs_classifications", ["tenant_id"])
    op.create_index("ix_hs_classifications_product_id", "hs_classifications", ["product_id"])
    op.create_table(
        "hs_sharing",
        sa.Column("tenant_id", sa.String(40), sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column("share", sa.Boolean(), nullable=False),
        sa.Column("updated_at", ponte.platform.types.UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hs_sharing")
    op.drop_index("ix_hs_classifications_product_id", "hs_classifications")
    op.drop_index("ix_hs_classifications_tenant_id", "hs_classifications")
    op.drop_table("hs_classifications")
