"""duties: a seller's tax registrations (IOSS, Remessa Conforme, Chile SII)

Revision ID: duties_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "duties_0001"
down_revision = "0001"
branch_labels = ("duties",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duties_tax_registrations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("scheme", sa.String(length=30), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("created_at", ponte.platform.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_duties_tax_registrations_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duties_tax_registrations")),
        sa.UniqueConstraint(
            "tenant_id",
            "scheme",
            "valid_from",
            name=op.f("uq_duties_tax_registrations_tenant_id_scheme_valid_from"),
        ),
    )
    with op.batch_alter_table("duties_tax_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_duties_tax_registrations_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("duties_tax_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duties_tax_registrations_tenant_id"))
    op.drop_table("duties_tax_registrations")
