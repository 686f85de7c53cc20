"""Relay points: kind, structured hours, when fetched live; tracking polls

Revision ID: c0a10001
Revises: f0e10001
Create Date: 2026-12-01 09:50:00

"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

# revision identifiers, used by Alembic.
revision = "c0a10001"
down_revision = "f0e10001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tracking_polls",
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("last_polled_at", portal.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["label_id"], ["labels.id"], name=op.f("fk_tracking_polls_label_id_labels")
        ),
        sa.PrimaryKeyConstraint("label_id", name=op.f("pk_tracking_polls")),
    )
    with op.batch_alter_table("tracking_polls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tracking_polls_next_poll_at"), ["next_poll_at"], unique=False
        )
    with op.batch_alter_table("relay_points", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="relay")
        )
        batch_op.add_column(sa.Column("hours", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("fetched_at", portal.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("tracking_polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_polls_next_poll_at"))
    op.drop_table("tracking_polls")
    with op.batch_alter_table("relay_points", schema=None) as batch_op:
        batch_op.drop_column("fetched_at")
        batch_op.drop_column("hours")
        batch_op.drop_column("kind")
