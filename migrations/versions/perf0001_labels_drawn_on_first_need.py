"""Labels: a label we draw ourselves is drawn on first need, from what it says (drawing)

Revision ID: perf0001
Revises: shop10001
Create Date: 2026-12-01 15:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "perf0001"
down_revision = "shop10001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drawing", sa.JSON(), nullable=True))
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # a label not drawn yet is drawn by the code that knows how; here it cannot be
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("drawing")
