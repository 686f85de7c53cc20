"""Keep it in the return journey: items kept by the customer, a claim's refund return

Revision ID: kee10001
Revises: rep10001
Create Date: 2026-12-01 16:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "kee10001"
down_revision = "rep10001"
branch_labels = None
depends_on = None

BEFORE = ("awaiting", "partly_received", "received", "not_received")
AFTER = (*BEFORE, "kept")


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_return_items_reception_status"), type_="check")
        batch_op.create_check_constraint("reception_status", _in("reception_status", AFTER))
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_return_id"), ["return_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_claims_return_id_return_requests"),
            "return_requests",
            ["return_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_claims_return_id_return_requests"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_claims_return_id"))
        batch_op.drop_column("return_id")
    op.execute("UPDATE return_items SET reception_status = 'received' WHERE reception_status = 'kept'")
    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_return_items_reception_status"), type_="check")
        batch_op.create_check_constraint("reception_status", _in("reception_status", BEFORE))
