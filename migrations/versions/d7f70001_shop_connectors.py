"""Shop connectors: platform ids on orders and lines, connections, webhook deliveries

Revision ID: d7f70001
Revises: d1a20001
Create Date: 2026-12-01 13:00:00

"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

# revision identifiers, used by Alembic.
revision = "d7f70001"
down_revision = "d1a20001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "external_updated_at", portal.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "delivery_estimated", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.create_unique_constraint(
            "uq_orders_source_external_id", ["source", "external_id"]
        )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_order_lines_order_variant", type_="unique")
        batch_op.create_unique_constraint(
            "uq_order_lines_order_external_id", ["order_id", "external_id"]
        )
    op.create_table(
        "shop_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("token_encrypted", sa.Text(), nullable=False),
        sa.Column("connected_at", portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_sync_at", portal.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sync_ok", sa.Boolean(), nullable=True),
        sa.Column("last_sync_counts", sa.JSON(), nullable=True),
        sa.Column("last_sync_errors", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_connections")),
        sa.UniqueConstraint("platform", name=op.f("uq_shop_connections_platform")),
    )
    op.create_table(
        "shop_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("webhook_id", sa.String(length=128), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("received_at", portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_webhooks")),
        sa.UniqueConstraint("webhook_id", name=op.f("uq_shop_webhooks_webhook_id")),
    )


def downgrade():
    op.drop_table("shop_webhooks")
    op.drop_table("shop_connections")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_constraint("uq_order_lines_order_external_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_order_lines_order_variant", ["order_id", "variant_id"]
        )
        batch_op.drop_column("external_id")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint("uq_orders_source_external_id", type_="unique")
        batch_op.drop_column("delivery_estimated")
        batch_op.drop_column("external_updated_at")
        batch_op.drop_column("external_id")
        batch_op.drop_column("source")
