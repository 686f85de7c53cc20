"""When a sent refund reaches the customer: the provider's own published estimate.

`arrival_estimate(refund)` gives one sentence for the "refund sent" e-mail, in the
customer's language (the return's locale), or None when there is nothing honest to say.
The estimates and their sources (docs/payments.md):

* Stripe submits refunds to the customer's bank at once; it then takes 5 to 10 business
  days to show up on their account [S13]. A refund in `requires_action` waits for the
  customer: their payment method has no native refunds, so they are e-mailed for the
  details of where to send it [S1][S2].
* Mollie processes refunds on the next working day, and for most payment methods the
  customer's account is credited that same day [M10]; a credit card refund is credited to
  the card within 14 calendar days [M11]. A `queued` refund waits for the shop's Mollie
  balance and is made the next working day once the balance allows [M12][M4].
* Manual: the shop pays by hand, so only the shop can say (`MANUAL_REFUND_ARRIVAL`, its
  own words, as written); None when it says nothing.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import lifecycle
from portal.extensions import db
from portal.models import Refund, ReturnRequest
from portal.payments.base import PAID_BY_HAND

# how shops and Mollie name a card payment (Mollie's method id is "creditcard")
CARD_METHODS = frozenset({"creditcard", "credit card", "credit_card", "card", "cb"})


def _stripe(refund: Refund) -> str:
    if refund.provider_status == "requires_action":
        return _(
            "Your payment method cannot be refunded directly: you will receive an e-mail "
            "asking where to send the money."
        )
    return _("Your bank usually shows it within 5 to 10 working days.")


def _mollie(refund: Refund, rr: ReturnRequest) -> str:
    if refund.provider_status == "queued":
        return _(
            "It leaves as soon as the shop's payment account has the funds (checked every "
            "working day), then reaches you the next working day; you have nothing to do."
        )
    method = (rr.order.payment_method or "").strip().lower()
    if method in CARD_METHODS:
        return _("It is credited to your card within 14 days.")
    return _(
        "It is sent on the next working day, and for most payment methods your account is "
        "credited that same day."
    )


def _shops_words() -> str | None:
    words = (current_app.config.get("MANUAL_REFUND_ARRIVAL") or "").strip()
    return words or None


def arrival_estimate(refund: Refund) -> str | None:
    """When the money of a sent refund should reach the customer, in their language; None
    for a refund that has not left, that was nothing to pay, or store credit."""
    if not lifecycle.money_left(refund) or refund.method != "original_payment":
        return None
    if refund.amount <= 0:
        return None
    if refund.provider == "manual" or refund.provider_status == PAID_BY_HAND:
        return _shops_words()
    rr = db.session.get(ReturnRequest, refund.return_id)
    languages = current_app.config["LANGUAGES"]
    locale = rr.locale if rr.locale in languages else current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        if refund.provider == "stripe":
            return _stripe(refund)
        if refund.provider == "mollie":
            return _mollie(refund, rr)
    return None
