"""accounts: which key minted which (revoking a key revokes what it minted), and the shared revocation version

Revision ID: accounts_keys_0001
Revises: accounts_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "accounts_keys_0001"
down_revision = "accounts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(40), nullable=True))
        batch.create_foreign_key("fk_api_keys_parent_id_api_keys", "api_keys", ["parent_id"], ["id"])
        batch.create_index("ix_api_keys_parent_id", ["parent_id"])
    table = op.create_table(
        "api_key_revocations",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_key_revocations"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("api_key_revocations")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_index("ix_api_keys_parent_id")
        batch.drop_constraint("fk_api_keys_parent_id_api_keys", type_="foreignkey")
        batch.drop_column("parent_id")
