"""Follow-up: late notices sent (one per cause per return) and the customer's rating

Revision ID: fol10001
Revises: a8b90001
Create Date: 2026-12-01 15:40:00

"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

revision = "fol10001"
down_revision = "a8b90001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "late_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("sent_at", portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("credit_id", sa.Integer(), nullable=True),
        sa.Column("goodwill_amount", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "cause IN ('refund_late', 'label_stuck', 'held_at_point')",
            name=op.f("ck_late_notices_cause"),
        ),
        sa.ForeignKeyConstraint(
            ["credit_id"],
            ["store_credits.id"],
            name=op.f("fk_late_notices_credit_id_store_credits"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_requests.id"],
            name=op.f("fk_late_notices_return_id_return_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_late_notices")),
        sa.UniqueConstraint("return_id", "cause", name="uq_late_notice_cause"),
    )
    with op.batch_alter_table("late_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_late_notices_return_id"), ["return_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_late_notices_sent_at"), ["sent_at"], unique=False)
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("asked_at", portal.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rated_at", portal.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('asked', 'rated', 'commented')", name=op.f("ck_feedback_status")
        ),
        sa.CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)",
            name=op.f("ck_feedback_rating_range"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_requests.id"],
            name=op.f("fk_feedback_return_id_return_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("return_id", name=op.f("uq_feedback_return_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_rated_at"), ["rated_at"], unique=False)


def downgrade():
    op.drop_table("feedback")
    op.drop_table("late_notices")
