"""Variants: the shop's picture (image_url)

Revision ID: e1b30001
Revises: d7f70001
Create Date: 2026-12-01 12:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e1b30001"
down_revision = "d7f70001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_url", sa.String(length=2000), nullable=True))


def downgrade():
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_column("image_url")
