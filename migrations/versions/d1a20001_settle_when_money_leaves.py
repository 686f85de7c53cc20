"""settle when the money leaves: the item state `refunding`

An item refunded to the original payment is `refunding` until its refund is sent. Items
whose refund is still approved or failed go from `settled` back to `refunding`, and their
`refunded` returns back to `inspected` (they are resolved again when it is sent).

Revision ID: d1a20001
Revises: c6e60001
Create Date: 2026-12-01 13:00:00

The states are written out here (not imported from portal.lifecycle) so that this
migration keeps meaning what it meant when later ones change the table.
"""

from alembic import op

revision = "d1a20001"
down_revision = "c6e60001"
branch_labels = None
depends_on = None

BEFORE = ("pending", "accepted", "rejected", "settled", "sent_back")
AFTER = (*BEFORE, "refunding")
OWED = (
    "SELECT return_item_id FROM refunds"
    " WHERE method = 'original_payment' AND status IN ('approved', 'failed')"
)


def _in(column, states):
    return f"{column} IN ({', '.join(repr(s) for s in states)})"


def _replace_check(states):
    with op.batch_alter_table("return_items", schema=None) as batch_op:
        batch_op.drop_constraint("acceptance_status", type_="check")
        batch_op.create_check_constraint("acceptance_status", _in("acceptance_status", states))


def upgrade():
    _replace_check(AFTER)
    op.execute(
        "UPDATE return_items SET acceptance_status = 'refunding', resolved_at = NULL"
        f" WHERE acceptance_status = 'settled' AND id IN ({OWED})"
    )
    op.execute(
        "UPDATE return_requests SET status = 'inspected', resolved_at = NULL"
        " WHERE status = 'refunded' AND id IN"
        " (SELECT return_id FROM return_items WHERE acceptance_status = 'refunding')"
    )


def downgrade():
    op.execute(
        "UPDATE return_items SET acceptance_status = 'settled' WHERE acceptance_status = 'refunding'"
    )
    _replace_check(BEFORE)
