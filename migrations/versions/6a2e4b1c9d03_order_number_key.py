"""orders.number_key: the order number as customers type it, indexed for lookups

Revision ID: 6a2e4b1c9d03
Revises: 5d1f3c2a7b90
Create Date: 2026-12-01 10:30:00
"""

import re

from alembic import op
import sqlalchemy as sa

revision = "6a2e4b1c9d03"
down_revision = "5d1f3c2a7b90"
branch_labels = None
depends_on = None

_NOT_IN_KEY = re.compile(r"[\s#\-_./]+")  # as portal.models.orders.order_number_key, today


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number_key", sa.String(64), nullable=True))
    bind = op.get_bind()
    orders = sa.table("orders", sa.column("id"), sa.column("number"), sa.column("number_key"))
    for row_id, number in bind.execute(sa.select(orders.c.id, orders.c.number)).all():
        key = _NOT_IN_KEY.sub("", number or "").upper()
        bind.execute(orders.update().where(orders.c.id == row_id).values(number_key=key))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("number_key", existing_type=sa.String(64), nullable=False)
        batch_op.create_index(batch_op.f("ix_orders_number_key"), ["number_key"], unique=False)


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_number_key"))
        batch_op.drop_column("number_key")
