"""journey: CSV order imports run in the background (the job, its progress, its row errors)

Revision ID: journey_0002
Revises: journey_0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "journey_0002"
down_revision = "journey_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_imports",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(40), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_failed", sa.Integer(), nullable=False),
        sa.Column("orders_stored", sa.Integer(), nullable=False),
        sa.Column("chunk_rows", sa.Integer(), nullable=False),
        sa.Column("content", ponte.platform.types.Encrypted(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("claimed_by", sa.String(40), nullable=True),
        sa.Column("lease_until", ponte.platform.types.UtcDateTime(), nullable=True),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(), nullable=False),
        sa.Column("started_at", ponte.platform.types.UtcDateTime(), nullable=True),
        sa.Column("finished_at", ponte.platform.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_order_imports_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_imports")),
    )
    op.create_index(op.f("ix_order_imports_tenant_id"), "order_imports", ["tenant_id"])
    op.create_index(op.f("ix_order_imports_state"), "order_imports", ["state"])
    op.create_table(
        "order_import_errors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("import_id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(40), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(80), nullable=False),
        sa.Column("message", ponte.platform.types.Encrypted(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["order_imports.id"], name=op.f("fk_order_import_errors_import_id_order_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_order_import_errors_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_import_errors")),
    )  # fmt: skip
    op.create_index(op.f("ix_order_import_errors_import_id"), "order_import_errors", ["import_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_order_import_errors_import_id"), table_name="order_import_errors")
    op.drop_table("order_import_errors")
    op.drop_index(op.f("ix_order_imports_state"), table_name="order_imports")
    op.drop_index(op.f("ix_order_imports_tenant_id"), table_name="order_imports")
    op.drop_table("order_imports")
