"""accounts: a tenant's legal name and enterprise code (USCC or tax ID)

Revision ID: accounts_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "accounts_0001"
down_revision = "0001"
branch_labels = ("accounts",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("legal_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("enterprise_code", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("enterprise_code")
        batch.drop_column("legal_name")
