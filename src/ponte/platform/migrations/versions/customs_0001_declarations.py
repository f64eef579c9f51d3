"""customs: declarations, declared message snapshots (outbox) and receipts

Revision ID: customs_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import ponte.platform.types

revision = "customs_0001"
down_revision = "0001"
branch_labels = ("customs",)
depends_on = None

UTC_TIME = ponte.platform.types.UtcDateTime(timezone=True)


def _tenant(table: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "tenant_id",
        sa.String(40),
        sa.ForeignKey("tenants.id", name=f"fk_{table}_tenant_id_tenants"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "customs_declarations",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("customs_declarations"),
        sa.Column("order_no", sa.String(60), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(6), nullable=False),
        sa.Column("trade_mode", sa.String(4), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("order_json", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint(
            "tenant_id", "order_no", "revision", name="uq_customs_declarations_tenant_id_order_no_revision"
        ),
    )
    op.create_index("ix_customs_declarations_tenant_id", "customs_declarations", ["tenant_id"])
    op.create_table(
        "customs_messages",
        sa.Column("guid", sa.String(36), primary_key=True),
        _tenant("customs_messages"),
        sa.Column(
            "declaration_id",
            sa.String(40),
            sa.ForeignKey(
                "customs_declarations.id", name="fk_customs_messages_declaration_id_customs_declarations"
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
    )
    op.create_index("ix_customs_messages_tenant_id", "customs_messages", ["tenant_id"])
    op.create_index("ix_customs_messages_declaration_id", "customs_messages", ["declaration_id"])
    op.create_index("ix_customs_messages_key", "customs_messages", ["key"])
    op.create_table(
        "customs_receipts",
        sa.Column("id", sa.String(40), primary_key=True),
        _tenant("customs_receipts"),
        sa.Column(
            "message_guid",
            sa.String(36),
            sa.ForeignKey("customs_messages.guid", name="fk_customs_receipts_message_guid_customs_messages"),
            nullable=True,
        ),
        sa.Column("receipt", sa.String(16), nullable=False),
        sa.Column("answers", sa.String(3), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=True),
        sa.Column("return_time", sa.String(17), nullable=False),
        sa.Column("info", sa.Text(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint(
            "tenant_id",
            "receipt",
            "key",
            "status",
            "return_time",
            name="uq_customs_receipts_tenant_id_receipt_key_status_return_time",
        ),
    )
    op.create_index("ix_customs_receipts_tenant_id", "customs_receipts", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("customs_receipts")
    op.drop_table("customs_messages")
    op.drop_table("customs_declarations")
