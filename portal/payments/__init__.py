"""Payment providers for refunds: manual (default), Stripe, Mollie (official SDKs).

`get_provider()` builds the configured one (`PAYMENT_PROVIDER`); `init_app` registers the
provider webhooks (portal/api/payment_webhooks.py) and the after-request hook that sends
approved refunds once the request has committed (portal/payments/worker.py).
"""

from __future__ import annotations

import re

from flask import Flask, current_app

from portal.payments.base import PaymentProvider
from portal.payments.manual import ManualProvider

NAMES = ("manual", "stripe", "mollie")

# The shape of a payment's id at each provider (docs/payments.md): Stripe PaymentIntent
# pi_…, charge ch_… (py_… for non-card charges); Mollie payment tr_…. Manual: any text.
REFERENCES = {
    "stripe": (
        re.compile(r"(pi|ch|py)_[A-Za-z0-9_]+"),
        "is not a Stripe PaymentIntent (pi_…) or charge (ch_…) id",
    ),
    "mollie": (re.compile(r"tr_[A-Za-z0-9_]+"), "is not a Mollie payment id (tr_…)"),
}


def provider_name() -> str:
    name = (current_app.config.get("PAYMENT_PROVIDER") or "manual").strip().lower()
    if name not in NAMES:
        raise RuntimeError(f"unknown PAYMENT_PROVIDER {name!r} (manual, stripe or mollie)")
    return name


def reference_problem(reference: str | None) -> str | None:
    """Why the configured provider could not refund a payment with this reference (None:
    it can, or nothing is given, or refunds are paid by hand)."""
    rule = REFERENCES.get(provider_name())
    if not reference or rule is None or rule[0].fullmatch(reference):
        return None
    return rule[1]


def demo_reference(number: str) -> str:
    """The demo orders' payment id, in the configured provider's shape."""
    suffix = number[-5:]
    return f"tr_demo{suffix}" if provider_name() == "mollie" else f"pi_demo_{suffix}"


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or provider_name()
    from portal.shops.platform import PLATFORMS

    if name in PLATFORMS:  # a platform order's refund is made in the platform
        from portal.payments.platform_provider import PlatformProvider

        return PlatformProvider(PLATFORMS[name])
    config = current_app.config
    timeout = float(config.get("PAYMENT_TIMEOUT") or 10)
    if name == "stripe":
        from portal.payments.stripe_provider import StripeProvider

        return StripeProvider(config["STRIPE_API_KEY"], config.get("STRIPE_API_BASE"), timeout)
    if name == "mollie":
        from portal.payments.mollie_provider import MollieProvider

        return MollieProvider(config["MOLLIE_API_KEY"], config.get("MOLLIE_API_ENDPOINT"), timeout)
    if name == "manual":
        return ManualProvider()
    raise RuntimeError(f"unknown payment provider {name!r}")


def init_app(app: Flask) -> None:
    from portal.api import payment_webhooks
    from portal.extensions import csrf
    from portal.payments import worker

    csrf.exempt(payment_webhooks.bp)
    app.register_blueprint(payment_webhooks.bp)
    worker.init_app(app)
