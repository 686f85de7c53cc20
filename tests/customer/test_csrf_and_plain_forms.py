"""With CSRF protection on: posts without the token are refused and change nothing; the
pages' own forms (plain HTML, no JavaScript) carry it and walk the whole journey."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.links import status_path
from portal.models import ReturnRequest, Variant
from portal.outbox import deliver_due
from tests.customer.pagekit import item_fields, page


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def submit(client, response, action: str, **changes):
    """Send the page's form posting to `action` ("" = the first) as a browser would,
    with some fields changed. A form without an action posts to the page's own address."""
    form = page(response).form_posting_to(action)
    data = {**form.values(), **changes}
    return client.post(form.action or response.request.full_path, data=data)


def test_the_whole_journey_through_the_pages_own_forms(client, shop, mailbox):
    client.get("/lang/en")
    start = client.get("/")
    found = submit(client, start, "/lookup", number=shop.order.number, contact=shop.order.email)
    assert found.status_code == 302
    items = client.get(found.headers["Location"])
    key = f"item-{shop.line.id}"
    chosen = submit(
        client,
        items,
        "",
        **{
            f"{key}-quantity": "1",
            f"{key}-reason": "too_small",
            f"{key}-resolution": "exchange",
            f"{key}-exchange": str(shop.large.id),
        },
    )
    assert chosen.status_code == 302, chosen.get_data(as_text=True)
    relay = client.get(chosen.headers["Location"])
    picked = submit(client, relay, "")  # the first point's "Choose this point" form
    assert picked.headers["Location"] == "/return/review"
    review = client.get("/return/review")
    done = submit(client, review, "/return/confirm")
    status = client.get(done.headers["Location"])
    rr = db.session.query(ReturnRequest).one()
    assert rr.rma in page(status).text
    assert mailbox.kinds(shop.order.email) == ["confirmation"]
    link = next(a for a in page(status).links if a.endswith("/cancel"))
    ask = client.get(link)  # cancelling asks first: nothing changed yet
    db.session.expire_all()
    assert db.session.get(ReturnRequest, rr.id).status == "label_issued"
    cancelled = submit(client, ask, "/cancel")
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReturnRequest, rr.id).status == "cancelled"
    assert db.session.get(Variant, shop.large.id).stock_reserved == 0


def test_every_post_form_carries_the_token(client, shop):
    lookup_page = client.get("/")
    assert page(lookup_page).form_posting_to("/lookup").values().get("csrf_token")
    assert page(client.get("/gift")).form_posting_to("/gift").values().get("csrf_token")


def test_lookup_without_token_is_refused(client, shop):
    client.get("/lang/en")
    response = client.post(
        "/lookup", data={"number": shop.order.number, "contact": shop.order.email}
    )
    assert response.status_code == 400
    assert "The form may have expired" in page(response).text
    assert client.get("/return/items").headers["Location"] == "/"  # no journey started


def _started(client, shop):
    form = page(client.get("/")).form_posting_to("/lookup")
    data = {**form.values(), "number": shop.order.number, "contact": shop.order.email}
    assert client.post("/lookup", data=data).status_code == 302


def test_items_without_token_is_refused(client, shop):
    _started(client, shop)
    response = client.post("/return/items", data=item_fields(shop.line))
    assert response.status_code == 400
    assert client.get("/return/relay").headers["Location"] == "/return/items"


def test_relay_without_token_is_refused(client, shop):
    _started(client, shop)
    items = client.get("/return/items")
    submit(client, items, "", **item_fields(shop.line))
    response = client.post("/return/relay", data={"relay_point_id": shop.point.id})
    assert response.status_code == 400
    assert client.get("/return/review").headers["Location"] == "/return/relay"


def test_confirm_without_token_is_refused(client, shop):
    _started(client, shop)
    submit(client, client.get("/return/items"), "", **item_fields(shop.line))
    submit(client, client.get("/return/relay"), "")
    response = client.post("/return/confirm")
    assert response.status_code == 400
    assert db.session.query(ReturnRequest).count() == 0
    assert client.get("/return/review").status_code == 200  # still there to confirm properly


def test_cancel_without_token_is_refused(client, factory, shop, mailbox):
    rr = factory.return_(shop.order, resolution="exchange", exchange_sku="TEE-L")
    deliver_due()
    mailbox.clear()
    for forged in ({}, {"csrf_token": "forged"}):
        response = client.post(status_path(rr) + "/cancel", data=forged)
        assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(ReturnRequest, rr.id).status == "label_issued"
    assert db.session.get(Variant, shop.large.id).stock_reserved == 1
    assert mailbox.kinds() == []


def test_change_relay_without_token_is_refused(client, factory, shop):
    rr = factory.return_(shop.order)
    old = rr.current_label.tracking_code
    other = factory.relay_point(name="Other")
    db.session.commit()
    response = client.post(status_path(rr) + "/relay", data={"relay_point_id": other.id})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(ReturnRequest, rr.id).current_label.tracking_code == old


def test_gift_forms_without_token_are_refused(client, factory, shop):
    factory.order(gift_code="GIFT-AAAA-BBBB-CCCC")
    db.session.commit()
    assert client.post("/gift", data={"code": "GIFT-AAAA-BBBB-CCCC"}).status_code == 400
    assert client.get("/return/items").headers["Location"] == "/"
