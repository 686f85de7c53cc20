"""`returns expire` (cron, any frequency): an unused label past its date closes the return,
releases the reserved exchange stock and tells the customer how to start again."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.extensions import db
from portal.models import Variant
from portal.models.base import utcnow
from portal.security import status_token
from tests.integration.helpers import actions, fresh_return, invoke, status_text

START_AGAIN = re.compile(r"http://portal\.test/(?:\s|$)")


def exchange_return(factory):
    factory.variants(M=5, L=1)
    order = factory.order([("TEE-M", 1)])
    rr = factory.return_(order, resolution="exchange", exchange_sku="TEE-L")
    return rr, db.session.query(Variant).filter_by(sku="TEE-L").one()


def age_label(rr, days: int = 15) -> None:
    rr.current_label.expires_at = utcnow() - timedelta(days=days - 14)
    db.session.commit()


def test_an_unused_label_expires_once_and_releases_the_stock(client, factory, runner, mailbox):
    rr, large = exchange_return(factory)
    assert (large.stock_reserved, large.available) == (1, 0)
    label_id = rr.current_label.id
    age_label(rr)

    result = invoke(runner, "returns", "expire")
    assert result.output == f"expired 1\n  {rr.rma}\n"
    rr = fresh_return(rr.order)
    assert rr.status == "expired"
    assert rr.current_label is None
    assert next(label for label in rr.labels if label.id == label_id).voided_at is not None
    large = db.session.get(Variant, large.id)
    assert (large.stock_reserved, large.available) == (0, 1)
    assert actions(rr)[-1] == "return_expired"

    invoke(runner, "outbox", "deliver")
    assert mailbox.kinds(rr.contact_email) == ["confirmation", "expired"]
    mail = mailbox.to(rr.contact_email)[-1]
    assert START_AGAIN.search(mail.get_body(("plain",)).get_content())

    path = f"/r/{status_token(rr.access_key)}"
    page = status_text(client, path)
    assert "The label expired. You can start a new return from the first page." in page
    assert "Start a new return" in page
    assert client.get(f"{path}/label.pdf").status_code == 404

    # again: nothing more
    assert invoke(runner, "returns", "expire").output == "expired 0\n"
    invoke(runner, "outbox", "deliver")
    assert mailbox.kinds(rr.contact_email) == ["confirmation", "expired"]
    assert db.session.get(Variant, large.id).stock_reserved == 0
    assert actions(fresh_return(rr.order)).count("return_expired") == 1


def test_a_label_still_valid_does_not_expire(factory, runner):
    rr, large = exchange_return(factory)
    rr.current_label.expires_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert invoke(runner, "returns", "expire").output == "expired 0\n"
    assert fresh_return(rr.order).status == "label_issued"


def test_a_return_in_transit_never_expires(factory, runner):
    rr, large = exchange_return(factory)
    invoke(runner, "carrier", "event", rr.current_label.tracking_code, "in_transit")
    age_label(fresh_return(rr.order), days=60)

    assert invoke(runner, "returns", "expire").output == "expired 0\n"
    rr = fresh_return(rr.order)
    assert rr.status == "in_transit" and rr.current_label is not None
    assert db.session.get(Variant, large.id).stock_reserved == 1


def test_expiry_voids_an_easypost_label_at_the_carrier(factory, runner, easypost):
    rr = factory.return_()
    shipment_id = rr.current_label.external_id
    age_label(rr)

    assert invoke(runner, "returns", "expire").output.startswith("expired 1")
    assert easypost.shipments[shipment_id]["refund_status"] == "submitted"
    assert len(easypost.purchases) == 1
