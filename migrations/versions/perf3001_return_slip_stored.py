"""Labels: the return slip drawn for a label's confirmation is stored with it (slip_pdf)

Revision ID: perf3001
Revises: rp2a0001
Create Date: 2026-12-01 19:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "perf3001"
down_revision = "rp2a0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slip_pdf", sa.LargeBinary(), nullable=True))


def downgrade():
    # a slip not stored is drawn again from the return (portal.services.return_slip)
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_column("slip_pdf")
