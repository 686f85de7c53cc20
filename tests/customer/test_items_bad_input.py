"""Bad input on the items page: a clear message next to the field, and nothing changes."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import DraftPhoto, ReturnRequest, Variant
from tests.customer.pagekit import item_fields, lookup, page


def error_for(shown, name: str) -> str:
    """The error tied to a field (aria-describedby), as a screen reader announces it."""
    control = shown.control(name)
    assert control.attrs.get("aria-invalid") == "true", f"{name} is not marked invalid"
    return shown.by_id(control.attrs["aria-describedby"])


def assert_nothing_changed(client, stock: dict[str, tuple[int, int]]):
    db.session.expire_all()
    assert db.session.query(ReturnRequest).count() == 0
    assert db.session.query(DraftPhoto).count() == 0
    for sku, (on_hand, reserved) in stock.items():
        variant = db.session.query(Variant).filter_by(sku=sku).one()
        assert (variant.stock_on_hand, variant.stock_reserved) == (on_hand, reserved), sku
    # the journey did not move on: no choice was kept, so the relay page sends us back
    assert client.get("/return/relay").headers["Location"] == "/return/items"


@pytest.fixture
def started(en, shop):
    assert lookup(en, shop.order).status_code == 302
    return shop


STOCK = {"TEE-M": (5, 0), "TEE-L": (5, 0)}


def test_unknown_order_line_is_refused(en, started):
    data = {**item_fields(started.line), **item_fields(type("L", (), {"id": 99999})())}
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert "This item is not part of your order." in page(response).text
    assert_nothing_changed(en, STOCK)


@pytest.mark.parametrize("field", ["item-abc-quantity", "item--quantity", "item-1e3-reason"])
def test_mangled_field_names_are_refused(en, started, field):
    data = {**item_fields(started.line), field: "1"}
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert "This item is not part of your order." in page(response).text
    assert_nothing_changed(en, STOCK)


@pytest.mark.parametrize("quantity", ["2", "99"])
def test_quantity_above_returnable(en, started, quantity):
    key = f"item-{started.line.id}"
    response = en.post("/return/items", data=item_fields(started.line, quantity=int(quantity)))
    assert response.status_code == 422
    assert error_for(page(response), f"{key}-quantity") == "You can return at most 1 of this item."
    assert_nothing_changed(en, STOCK)


@pytest.mark.parametrize("quantity", ["-1", "abc", "0", ""])
def test_nonsense_quantity_chooses_nothing(en, started, quantity):
    data = {**item_fields(started.line), f"item-{started.line.id}-quantity": quantity}
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert "Choose at least one item to return." in page(response).text
    assert_nothing_changed(en, STOCK)


def test_variant_of_another_product_is_refused(en, started, factory):
    sock = factory.variants("SOCK", price=2500, M=5)[0]
    db.session.commit()
    key = f"item-{started.line.id}"
    data = item_fields(started.line, resolution="exchange", exchange=sock)
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    shown = page(response)
    assert error_for(shown, f"{key}-exchange") == (
        "Please choose a size or colour that is available."
    )
    assert_nothing_changed(en, {**STOCK, "SOCK-M": (5, 0)})


@pytest.mark.parametrize("exchange", ["999999", "abc", ""])
def test_unknown_or_missing_exchange_variant_is_refused(en, started, exchange):
    key = f"item-{started.line.id}"
    data = {**item_fields(started.line, resolution="exchange"), f"{key}-exchange": exchange}
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert "Please choose a size or colour that is available." in page(response).text
    assert_nothing_changed(en, STOCK)


def test_exchange_for_the_same_variant_is_refused(en, started):
    data = item_fields(started.line, resolution="exchange", exchange=started.m)
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert_nothing_changed(en, STOCK)


def test_sold_out_variant_is_refused(en, started):
    started.large.stock_reserved = 5  # all promised to other exchanges
    db.session.commit()
    key = f"item-{started.line.id}"
    data = item_fields(started.line, resolution="exchange", exchange=started.large)
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    shown = page(response)
    assert "Please choose a size or colour that is available." in shown.text
    assert "none available right now" in shown.text
    assert not [c for c in shown.controls if c.name == f"{key}-exchange"]
    assert_nothing_changed(en, {"TEE-M": (5, 0), "TEE-L": (5, 5)})


def test_variant_with_a_different_price_is_refused(en, started, factory):
    dear = factory.variants("TEE", price=3000, XXL=5)[0]
    db.session.commit()
    data = item_fields(started.line, resolution="exchange", exchange=dear)
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    assert_nothing_changed(en, {**STOCK, "TEE-XXL": (5, 0)})


@pytest.mark.parametrize(
    ("reason", "resolution", "field", "message"),
    [
        ("", "refund", "reason", "Please tell us why you are returning it."),
        ("because", "refund", "reason", "Please tell us why you are returning it."),
        ("too_small", "", "resolution", "Please choose what you would like instead."),
        ("too_small", "cash", "resolution", "Please choose what you would like instead."),
    ],
)
def test_missing_or_made_up_reason_and_resolution(en, started, reason, resolution, field, message):
    key = f"item-{started.line.id}"
    data = item_fields(started.line, reason=reason, resolution=resolution)
    response = en.post("/return/items", data=data)
    assert response.status_code == 422
    shown = page(response)
    if field == "resolution":  # a radio group: the fieldset carries the error
        assert message in shown.text
        assert f'aria-describedby="{key}-resolution-error"' in shown.html
        assert shown.by_id(f"{key}-resolution-error") == message
    else:
        assert error_for(shown, f"{key}-{field}") == message
    assert_nothing_changed(en, STOCK)


def test_comment_too_long(en, started):
    key = f"item-{started.line.id}"
    response = en.post("/return/items", data=item_fields(started.line, comment="x" * 1500))
    assert response.status_code == 422
    assert error_for(page(response), f"{key}-comment") == (
        "Please keep the comment under 1000 characters."
    )
    assert_nothing_changed(en, STOCK)


def test_the_page_shows_back_what_was_typed(en, started):
    key = f"item-{started.line.id}"
    data = item_fields(started.line, reason="too_big", resolution="", comment="Snug fit")
    shown = page(en.post("/return/items", data=data))
    sent_again = shown.form_posting_to("").values()
    assert sent_again[f"{key}-reason"] == "too_big"
    assert sent_again[f"{key}-comment"] == "Snug fit"
    assert sent_again[f"{key}-quantity"] == "1"


def test_a_bad_second_try_keeps_the_good_first_one(en, started):
    key = f"item-{started.line.id}"
    good = item_fields(started.line, reason="too_big", resolution="store_credit")
    assert en.post("/return/items", data=good).status_code == 302
    bad = item_fields(started.line, quantity=7, reason="too_small", resolution="refund")
    assert en.post("/return/items", data=bad).status_code == 422
    kept = page(en.get("/return/items")).form_posting_to("").values()
    assert kept[f"{key}-reason"] == "too_big"
    assert kept[f"{key}-resolution"] == "store_credit"


def test_ineligible_line_cannot_be_forced(en, factory):
    factory.variants("TEE", M=5, L=5)
    order = factory.order([("TEE-M", 1)], final_sale=("TEE-M",))
    lookup(en, order)
    response = en.post("/return/items", data=item_fields(order.lines[0]))
    assert response.status_code == 422
    assert "Final sale: this item cannot be returned." in page(response).text
    assert_nothing_changed(en, STOCK)


def test_refund_cannot_be_forced_on_a_gift(en, factory):
    factory.variants("TEE", M=5, L=5)
    order = factory.order(gift_code="GIFT-ABCD-EFGH-JKLM")
    assert en.post("/gift", data={"code": "gift-abcd-efgh-jklm"}).status_code == 302
    shown = page(en.get("/return/items"))
    key = f"item-{order.lines[0].id}"
    offered = {c.attrs["value"] for c in shown.controls if c.name == f"{key}-resolution"}
    assert offered == {"exchange", "store_credit", "repair"}  # a repair as for buyers
    response = en.post("/return/items", data=item_fields(order.lines[0], resolution="refund"))
    assert response.status_code == 422
    assert "Please choose what you would like instead." in page(response).text
    assert_nothing_changed(en, STOCK)


def test_items_page_without_a_journey_goes_back_to_the_start(en):
    response = en.post("/return/items", data={"item-1-quantity": "1"})
    assert response.headers["Location"] == "/"
    assert "Your session has ended" in page(en.get("/")).text
