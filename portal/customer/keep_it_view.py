"""Keep it in the customer's journey: whether the choices being made qualify (then the
drop-off step is skipped and the review page says the items are kept)."""

from __future__ import annotations

from portal.customer import draft
from portal.services.eligibility import returned_quantities
from portal.services.keep_it import KEEP_IT_REASONS, current_rule, return_keep_value


def kept_value(order, data: dict) -> int:
    """What the chosen items cost when the keep-it rule applies to all of them, else 0."""
    if not data.get("items"):
        return 0
    return return_keep_value(
        order, draft.choices(data), current_rule(), returned_quantities(order.id)
    )


def note(order, data: dict) -> dict | None:
    """What the review page says about keep it: the items are kept (`kept`), or, with the
    rule on, that an exchange is never kept (`exchange`); None: nothing to say."""
    rule = current_rule()
    if not rule.on or order.currency != rule.currency:
        return None
    if kept_value(order, data):
        return {"kept": True}
    choices = draft.choices(data)
    if any(c.resolution == "exchange" and c.reason in KEEP_IT_REASONS for c in choices):
        return {"kept": False, "exchange": True}
    return None
