"""Carrier events: when and where the scan happened; a return's letterbox collection date

Revision ID: c6e60001
Revises: c0a10001
Create Date: 2026-12-01 12:45:00

"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

# revision identifiers, used by Alembic.
revision = "c6e60001"
down_revision = "c0a10001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("carrier_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("occurred_at", portal.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("description", sa.String(length=300), nullable=True))
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("collection_date", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.drop_column("collection_date")
    with op.batch_alter_table("carrier_events", schema=None) as batch_op:
        batch_op.drop_column("description")
        batch_op.drop_column("location")
        batch_op.drop_column("occurred_at")
