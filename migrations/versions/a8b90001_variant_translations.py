"""Variants: the catalogue's names in other languages (translations)

Revision ID: a8b90001
Revises: f7a70001
Create Date: 2026-12-01 14:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a8b90001"
down_revision = "f7a70001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_column("translations")
