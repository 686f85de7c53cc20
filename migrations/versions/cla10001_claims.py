"""Claims: a problem with an order that needs no return (never arrived, damaged, wrong, missing)

Revision ID: cla10001
Revises: fol10001
Create Date: 2026-12-01 15:40:00

"""

import sqlalchemy as sa
from alembic import op

from portal.models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = "cla10001"
down_revision = "fol10001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("access_key", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("replacement_tracking_code", sa.String(length=64), nullable=True),
        sa.Column("credit_id", sa.Integer(), nullable=True),
        sa.Column("kept_value", sa.Integer(), nullable=True),
        sa.Column("staff_note", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("original_found_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'resolved', 'kept', 'original_found')", name=op.f("ck_claims_status")
        ),
        sa.CheckConstraint(
            "kind IN ('never_arrived', 'damaged', 'wrong_item', 'missing_item')",
            name=op.f("ck_claims_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_claims_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["credit_id"], ["store_credits.id"], name=op.f("fk_claims_credit_id_store_credits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("number", name=op.f("uq_claims_number")),
        sa.UniqueConstraint("access_key", name=op.f("uq_claims_access_key")),
        sa.UniqueConstraint(
            "replacement_tracking_code", name=op.f("uq_claims_replacement_tracking_code")
        ),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claims_contact_email"), ["contact_email"], unique=False
        )
    op.create_table(
        "claim_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_claim_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_lines_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_claim_lines_order_line_id_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_lines")),
    )
    with op.batch_alter_table("claim_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_lines_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_lines_order_line_id"), ["order_line_id"], unique=False
        )
    op.create_table(
        "claim_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_photos_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_photos")),
    )
    with op.batch_alter_table("claim_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_photos_claim_id"), ["claim_id"], unique=False)


def downgrade():
    op.drop_table("claim_photos")
    op.drop_table("claim_lines")
    op.drop_table("claims")
