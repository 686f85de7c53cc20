"""Shop platforms out: calls made after commit (gift cards, stock holds, replacement
orders), and the webhooks a platform has registered for us

Revision ID: shop10001
Revises: kee10001
Create Date: 2026-12-01 15:45:00

"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

# revision identifiers, used by Alembic.
revision = "shop10001"
down_revision = "kee10001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhooks", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "webhooks_checked_at", portal.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.create_table(
        "platform_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("return_item_id", sa.Integer(), nullable=True),
        sa.Column("store_credit_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", portal.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("tracking_code", sa.String(length=64), nullable=True),
        sa.Column("created_at", portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", portal.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'done', 'refused')", name=op.f("ck_platform_calls_status")
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_requests.id"],
            name=op.f("fk_platform_calls_return_id_return_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["return_item_id"],
            ["return_items.id"],
            name=op.f("fk_platform_calls_return_item_id_return_items"),
        ),
        sa.ForeignKeyConstraint(
            ["store_credit_id"],
            ["store_credits.id"],
            name=op.f("fk_platform_calls_store_credit_id_store_credits"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_calls")),
        sa.UniqueConstraint("key", name=op.f("uq_platform_calls_key")),
    )
    with op.batch_alter_table("platform_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_calls_return_id"), ["return_id"])
        batch_op.create_index(batch_op.f("ix_platform_calls_return_item_id"), ["return_item_id"])
        batch_op.create_index(batch_op.f("ix_platform_calls_next_attempt_at"), ["next_attempt_at"])
        batch_op.create_index(batch_op.f("ix_platform_calls_external_id"), ["external_id"])


def downgrade():
    op.drop_table("platform_calls")
    with op.batch_alter_table("shop_connections", schema=None) as batch_op:
        batch_op.drop_column("webhooks_checked_at")
        batch_op.drop_column("webhooks")
