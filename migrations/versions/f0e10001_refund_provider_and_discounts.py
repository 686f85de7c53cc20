"""refunds through payment providers; discounts on orders and lines

Refund states become approved / sent / failed (pending → approved, reimbursed → sent) and a refund keeps the provider's side: its id, status, failure reason,
attempts and the next attempt's time. Orders and lines carry their discounts.

Revision ID: f0e10001
Revises: 6a2e4b1c9d03
"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

revision = "f0e10001"
down_revision = "6a2e4b1c9d03"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("provider_refund_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("provider_status", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("failure_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("generation", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "next_attempt_at", portal.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_index(batch_op.f("ix_refunds_provider_refund_id"), ["provider_refund_id"])
        batch_op.create_index(batch_op.f("ix_refunds_next_attempt_at"), ["next_attempt_at"])
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_constraint("status", type_="check")
    op.execute("UPDATE refunds SET status = 'approved' WHERE status = 'pending'")
    op.execute("UPDATE refunds SET status = 'sent' WHERE status = 'reimbursed'")
    op.execute("UPDATE refunds SET status = 'failed' WHERE status = 'errored'")
    op.execute("UPDATE refunds SET provider = 'manual' WHERE method = 'original_payment'")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_check_constraint("status", "status IN ('approved', 'sent', 'failed')")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_check_constraint("discount_not_negative", "discount >= 0")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_check_constraint("discount_not_negative", "discount >= 0")


def downgrade():
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_constraint("ck_order_lines_discount_not_negative", type_="check")
        batch_op.drop_column("discount")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint("ck_orders_discount_not_negative", type_="check")
        batch_op.drop_column("discount")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_constraint("status", type_="check")
    op.execute("UPDATE refunds SET status = 'pending' WHERE status IN ('approved', 'failed')")
    op.execute("UPDATE refunds SET status = 'reimbursed' WHERE status = 'sent'")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_check_constraint("status", "status IN ('pending', 'reimbursed')")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refunds_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_refunds_provider_refund_id"))
        for column in (
            "next_attempt_at",
            "generation",
            "attempts",
            "last_error",
            "failure_reason",
            "provider_status",
            "provider_refund_id",
            "provider",
        ):
            batch_op.drop_column(column)
