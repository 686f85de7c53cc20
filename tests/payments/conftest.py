"""Refunds through the real Stripe and Mollie SDKs, pointed at fake servers on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.extensions import db
from portal.models import Refund, ReturnRequest
from portal.outbox import deliver_due
from portal.payments.base import refund_key
from portal.services import warehouse
from tests.fakes.mollie_server import FakeMollie
from tests.fakes.stripe_server import FakeStripe
from tests.staff.conftest import StaffClient
from tests.staff.staffkit import Desk

STRIPE_SECRET = "whsec_test_retours"


@pytest.fixture
def stripe_fake() -> Iterator[FakeStripe]:
    fake = FakeStripe(slow_seconds=2.0).start()
    fake.add_payment("pi_test", 10000)
    yield fake
    fake.stop()


@pytest.fixture
def mollie_fake() -> Iterator[FakeMollie]:
    fake = FakeMollie(slow_seconds=2.0).start()
    fake.add_payment("tr_test", "100.00")
    yield fake
    fake.stop()


@pytest.fixture
def app_config(app_config: dict, request: pytest.FixtureRequest) -> dict:
    config = app_config | {"DEFAULT_LOCALE": "en", "PAYMENT_TIMEOUT": 1}
    if "stripe_fake" in request.fixturenames:
        fake: FakeStripe = request.getfixturevalue("stripe_fake")
        config |= {
            "PAYMENT_PROVIDER": "stripe",
            "STRIPE_API_KEY": fake.api_key,
            "STRIPE_API_BASE": fake.url,
            "STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
        }
    if "mollie_fake" in request.fixturenames:
        fake: FakeMollie = request.getfixturevalue("mollie_fake")
        config |= {
            "PAYMENT_PROVIDER": "mollie",
            "MOLLIE_API_KEY": fake.api_key,
            "MOLLIE_API_ENDPOINT": fake.url,
        }
    return config


@pytest.fixture
def app(app):
    app.test_client_class = StaffClient
    return app


@pytest.fixture
def desk(client) -> Desk:
    return Desk(client)


@pytest.fixture
def support(auth):
    return auth.login("support")


def inspected(factory, *, reference: str = "pi_test", locale: str = "en") -> ReturnRequest:
    """A return of one €25.00 tee, received and graded A, paid with `reference`."""
    rr = factory.return_(with_label=False, locale=locale)
    rr.order.payment_reference = reference
    warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
    warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
    db.session.commit()
    deliver_due()  # the received and diagnosis e-mails leave now, before the test's own
    return rr


def the_refund() -> Refund:
    db.session.expire_all()
    return db.session.query(Refund).one()


def key_of(refund: Refund) -> str:
    return refund_key(refund.id, refund.generation)
