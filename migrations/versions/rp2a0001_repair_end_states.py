"""Repairs: the return's end state "repaired", and the repair's "no fault found" states

Revision ID: rp2a0001
Revises: perf0001
Create Date: 2026-12-01 16:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "rp2a0001"
down_revision = "perf0001"
branch_labels = None
depends_on = None

RETURN_BEFORE = (
    "requested", "label_issued", "in_transit", "received", "inspected", "refunded",
    "exchanged", "rejected", "cancelled", "expired",
)  # fmt: skip
RETURN_AFTER = (*RETURN_BEFORE, "repaired")
REPAIR_BEFORE = (
    "awaiting_parcel", "received", "quoted", "quote_declined", "repairing",
    "repaired_shipped", "replaced", "refunded", "unrepaired",
)  # fmt: skip
REPAIR_AFTER = (*REPAIR_BEFORE, "no_fault", "no_fault_sent")


def _in(states) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def _set(table: str, states) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint("status", type_="check")
        batch_op.create_check_constraint("status", _in(states))


def upgrade():
    _set("return_requests", RETURN_AFTER)
    _set("repair_cases", REPAIR_AFTER)


def downgrade():
    # a repaired return reads "exchanged" again, a case with no fault "unrepaired"
    op.execute("UPDATE return_requests SET status = 'exchanged' WHERE status = 'repaired'")
    op.execute(
        "UPDATE repair_cases SET status = 'quote_declined' WHERE status = 'no_fault'"
    )
    op.execute("UPDATE repair_cases SET status = 'unrepaired' WHERE status = 'no_fault_sent'")
    _set("repair_cases", REPAIR_BEFORE)
    _set("return_requests", RETURN_BEFORE)
