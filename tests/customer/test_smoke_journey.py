"""The customer journey through the test client, step by step."""

import re

from portal.extensions import db
from portal.models import ReturnRequest, Variant


def start_journey(client, order, contact=None):
    return client.post("/lookup", data={"number": order.number, "contact": contact or order.email})


def test_lookup_then_refund_gets_label_and_email(client, factory, mailbox):
    order = factory.order()
    point = factory.relay_point()
    db.session.commit()
    response = start_journey(client, order)
    assert response.status_code == 302
    page = client.get("/return/items").get_data(as_text=True)
    assert "TEE shirt" in page
    line = order.lines[0]
    response = client.post(
        "/return/items",
        data={
            f"item-{line.id}-quantity": "1",
            f"item-{line.id}-reason": "too_small",
            f"item-{line.id}-resolution": "refund",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/return/relay?postcode=75011").get_data(as_text=True)
    assert point.name in page
    assert client.post("/return/relay", data={"relay_point_id": point.id}).status_code == 302
    page = client.get("/return/review").get_data(as_text=True)
    assert "25,00" in page
    response = client.post("/return/confirm")
    assert response.status_code == 302
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    rr = db.session.query(ReturnRequest).one()
    assert rr.rma in status_page
    assert rr.status == "label_issued"
    assert mailbox.kinds(order.email) == ["confirmation"]
    mail = mailbox.to(order.email)[0]
    assert rr.rma in mail["Subject"]
    assert [p.get_filename() for p in mail.iter_attachments()] == [
        f"label-{rr.rma}.pdf",
        f"return-slip-{rr.rma}.pdf",
    ]
    assert re.search(r"http://portal.test/r/\S+", mail.get_body(("plain",)).get_content())


def test_exchange_reserves_stock(client, factory):
    factory.variants(M=5, L=1)
    order = factory.order([("TEE-M", 1)])
    point = factory.relay_point()
    db.session.commit()
    start_journey(client, order)
    line = order.lines[0]
    large = db.session.query(Variant).filter_by(sku="TEE-L").one()
    client.post(
        "/return/items",
        data={
            f"item-{line.id}-quantity": "1",
            f"item-{line.id}-reason": "too_small",
            f"item-{line.id}-resolution": "exchange",
            f"item-{line.id}-exchange": str(large.id),
        },
    )
    client.post("/return/relay", data={"relay_point_id": point.id})
    client.post("/return/confirm")
    db.session.expire_all()
    assert large.stock_reserved == 1
