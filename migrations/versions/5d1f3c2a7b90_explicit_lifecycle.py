"""explicit lifecycle: item reception and acceptance states, CHECKs on every status

Revision ID: 5d1f3c2a7b90
Revises: 78bc294698c0
Create Date: 2026-12-01 10:00:00

The states are written out here (not imported from portal.lifecycle) so that this
migration keeps meaning what it meant when later ones change the table.
"""

from alembic import op
import sqlalchemy as sa

revision = "5d1f3c2a7b90"
down_revision = "78bc294698c0"
branch_labels = None
depends_on = None

RETURN_STATES = (
    "requested", "label_issued", "in_transit", "received", "inspected",
    "refunded", "exchanged", "rejected", "cancelled", "expired",
)  # fmt: skip
RECEPTION_STATES = ("awaiting", "partly_received", "received", "not_received")
ACCEPTANCE_STATES = ("pending", "accepted", "rejected", "settled", "sent_back")
REFUND_STATES = ("pending", "reimbursed")


def _in(column, states):
    return f"{column} IN ({', '.join(repr(s) for s in states)})"


def upgrade():
    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reception_status", sa.String(16), nullable=False, server_default="awaiting")
        )
        batch_op.add_column(
            sa.Column("acceptance_status", sa.String(16), nullable=False, server_default="pending")
        )
    # What the nullable columns implied until now.
    op.execute(
        "UPDATE return_items SET reception_status = CASE"
        " WHEN received_quantity >= quantity THEN 'received'"
        " WHEN received_quantity > 0 THEN 'partly_received'"
        " WHEN grade IS NULL AND return_id IN"
        "  (SELECT id FROM return_requests WHERE status IN"
        "   ('inspected', 'refunded', 'exchanged', 'rejected')) THEN 'not_received'"
        " ELSE 'awaiting' END"
    )
    op.execute(
        "UPDATE return_items SET acceptance_status = CASE"
        " WHEN outcome = 'rejected' AND resolved_at IS NOT NULL THEN 'sent_back'"
        " WHEN outcome = 'rejected' THEN 'rejected'"
        " WHEN outcome IS NOT NULL AND resolved_at IS NOT NULL THEN 'settled'"
        " WHEN outcome IS NOT NULL THEN 'accepted'"
        " ELSE 'pending' END"
    )
    op.execute("UPDATE return_requests SET status = 'refunded' WHERE status = 'closed'")
    op.execute("UPDATE refunds SET status = 'pending' WHERE status = 'errored'")
    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "reception_status", _in("reception_status", RECEPTION_STATES)
        )
        batch_op.create_check_constraint(
            "acceptance_status", _in("acceptance_status", ACCEPTANCE_STATES)
        )
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.create_check_constraint("status", _in("status", RETURN_STATES))
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_check_constraint("status", _in("status", REFUND_STATES))


def downgrade():
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_constraint("ck_refunds_status", type_="check")
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.drop_constraint("ck_return_requests_status", type_="check")
    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.drop_constraint("ck_return_items_acceptance_status", type_="check")
        batch_op.drop_constraint("ck_return_items_reception_status", type_="check")
        batch_op.drop_column("acceptance_status")
        batch_op.drop_column("reception_status")
