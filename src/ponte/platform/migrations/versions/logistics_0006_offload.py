"""logistics: a shipment's status (booked, offloaded)

Revision ID: logistics_0006
Revises: logistics_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "logistics_0006"
down_revision = "logistics_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("logistics_shipments") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="booked"))


def downgrade() -> None:
    with op.batch_alter_table("logistics_shipments") as batch:
        batch.drop_column("status")
