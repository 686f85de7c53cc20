"""Repairs under warranty: a product's warranty period, and one repair case per item

Revision ID: rep10001
Revises: talk0001
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

# revision identifiers, used by Alembic.
revision = "rep10001"
down_revision = "talk0001"
branch_labels = None
depends_on = None

STATES = (
    "'awaiting_parcel', 'received', 'quoted', 'quote_declined', 'repairing', "
    "'repaired_shipped', 'replaced', 'refunded', 'unrepaired'"
)


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warranty_months", sa.Integer(), nullable=True))
    when = portal.models.base.UTCDateTime(timezone=True)
    op.create_table(
        "repair_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_item_id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("under_warranty", sa.Boolean(), nullable=False),
        sa.Column("covered", sa.Boolean(), nullable=True),
        sa.Column("diagnosis_note", sa.Text(), nullable=False),
        sa.Column("quote_amount", sa.Integer(), nullable=True),
        sa.Column("tracking_code", sa.String(length=64), nullable=True),
        sa.Column("replacement_variant_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("created_at", when, nullable=False),
        sa.Column("received_at", when, nullable=True),
        sa.Column("diagnosed_at", when, nullable=True),
        sa.Column("answered_at", when, nullable=True),
        sa.Column("finished_at", when, nullable=True),
        sa.Column("updated_at", when, nullable=False),
        sa.CheckConstraint(f"status IN ({STATES})", name=op.f("ck_repair_cases_status")),
        sa.CheckConstraint(
            "quote_amount IS NULL OR quote_amount > 0", name=op.f("ck_repair_cases_quote_positive")
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refunds.id"], name=op.f("fk_repair_cases_refund_id_refunds")
        ),
        sa.ForeignKeyConstraint(
            ["replacement_variant_id"],
            ["variants.id"],
            name=op.f("fk_repair_cases_replacement_variant_id_variants"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"],
            ["return_requests.id"],
            name=op.f("fk_repair_cases_return_id_return_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["return_item_id"],
            ["return_items.id"],
            name=op.f("fk_repair_cases_return_item_id_return_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_cases")),
        sa.UniqueConstraint("return_item_id", name=op.f("uq_repair_cases_return_item_id")),
    )
    with op.batch_alter_table("repair_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_repair_cases_return_id"), ["return_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_repair_cases_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("repair_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_repair_cases_status"))
        batch_op.drop_index(batch_op.f("ix_repair_cases_return_id"))
    op.drop_table("repair_cases")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("warranty_months")
