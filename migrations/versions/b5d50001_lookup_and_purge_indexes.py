"""Indexes for the gift lookup and the purge of abandoned draft photos

Revision ID: b5d50001
Revises: e1b30001
Create Date: 2026-12-01 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5d50001"
down_revision = "e1b30001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_orders_gift_code_key",
        "orders",
        [sa.text("upper(replace(gift_code, '-', ''))")],
    )
    op.create_index(
        op.f("ix_draft_photos_created_at"), "draft_photos", ["created_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_draft_photos_created_at"), table_name="draft_photos")
    op.drop_index("ix_orders_gift_code_key", table_name="orders")
