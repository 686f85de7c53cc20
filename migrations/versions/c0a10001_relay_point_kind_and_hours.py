"""Relay points: kind (relay, locker, post office), structured hours, when fetched live

Revision ID: c0a10001
Revises: 78bc294698c0
Create Date: 2026-12-01 09:50:00

"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

# revision identifiers, used by Alembic.
revision = "c0a10001"
down_revision = "78bc294698c0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("relay_points", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="relay")
        )
        batch_op.add_column(sa.Column("hours", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("fetched_at", portal.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("relay_points", schema=None) as batch_op:
        batch_op.drop_column("fetched_at")
        batch_op.drop_column("hours")
        batch_op.drop_column("kind")
