"""Outbox: the row keeps what the message says (locale, context); the worker builds it;
a claim token for an atomic claim on every database

Revision ID: f7a70001
Revises: b5d50001
Create Date: 2026-12-01 12:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f7a70001"
down_revision = "b5d50001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.alter_column("raw", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.create_index(batch_op.f("ix_outbox_claim_token"), ["claim_token"], unique=False)


def downgrade():
    # rows queued unbuilt cannot be kept by the old layout: they are given up
    op.execute("DELETE FROM outbox WHERE raw IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_claim_token"))
        batch_op.alter_column("raw", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("claim_token")
        batch_op.drop_column("context")
        batch_op.drop_column("locale")
