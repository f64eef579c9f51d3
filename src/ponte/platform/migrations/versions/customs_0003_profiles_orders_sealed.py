"""customs: the tenants' customs profiles; declarations linked to the stored order they declare;
messages and declared orders encrypted at rest (they hold buyers' names, ID numbers and addresses)

Revision ID: customs_0003
Revises: customs_0002
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types
from ponte.platform.crypto import cipher

revision = "customs_0003"
down_revision = "customs_0002"
branch_labels = None
depends_on = None

UTC_TIME = ponte.platform.types.UtcDateTime(timezone=True)


def _seal(table: str, key: str, column: str) -> None:
    """Encrypt the existing values of ``column`` (the data key comes from the process's bootstrap)."""
    conn = op.get_bind()
    for pk, value in conn.execute(sa.text(f"SELECT {key}, {column} FROM {table}")).fetchall():
        conn.execute(
            sa.text(f"UPDATE {table} SET {column} = :v WHERE {key} = :k"),
            {"v": cipher().encrypt(str(value)), "k": pk},
        )


def upgrade() -> None:
    op.create_table(
        "customs_profiles",
        sa.Column(
            "tenant_id",
            sa.String(40),
            sa.ForeignKey("tenants.id", name="fk_customs_profiles_tenant_id_tenants"),
            primary_key=True,
        ),
        sa.Column("profile_json", sa.Text(), nullable=False),
        sa.Column("signing_key", sa.Text(), nullable=True),
        sa.Column("device_password", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
    )
    with op.batch_alter_table("customs_declarations") as batch:
        batch.add_column(sa.Column("order_id", sa.String(40), nullable=True))
        batch.create_foreign_key("fk_customs_declarations_order_id_orders", "orders", ["order_id"], ["id"])
        batch.create_index("ix_customs_declarations_order_id", ["order_id"])
    _seal("customs_declarations", "id", "order_json")
    conn = op.get_bind()
    old = conn.execute(sa.text("SELECT guid, xml FROM customs_messages")).fetchall()
    with op.batch_alter_table("customs_messages") as batch:
        batch.drop_column("xml")
        batch.add_column(sa.Column("xml", sa.Text(), nullable=True))
    for guid, xml in old:
        conn.execute(
            sa.text("UPDATE customs_messages SET xml = :v WHERE guid = :k"),
            {"v": cipher().encrypt(bytes(xml).decode("utf-8")), "k": guid},
        )
    with op.batch_alter_table("customs_messages") as batch:
        batch.alter_column("xml", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    raise NotImplementedError("encrypted customs messages are not decrypted back into plain columns")
