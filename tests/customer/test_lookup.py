"""Finding the order: tolerant input, one neutral message, no order number in URLs, limits."""

from __future__ import annotations

import pytest

from tests.customer.pagekit import lookup, page


@pytest.mark.parametrize(
    "typed", ["T-00042", "t-00042", "  t-00042 ", "#T-00042", "# t - 000 42", "\tt-00042\n"]
)
def test_order_number_tolerates_case_spaces_and_hash(en, factory, typed):
    order = factory.order(number="T-00042")
    response = lookup(en, order, number=typed)
    assert response.status_code == 302
    assert response.headers["Location"] == "/return/items"
    assert "TEE shirt" in page(en.get("/return/items")).text


@pytest.mark.parametrize("contact", ["anne@example.fr", "  Anne@Example.FR ", "75011", "75 011"])
def test_found_by_email_or_shipping_postcode(en, factory, contact):
    order = factory.order(email="anne@example.fr", postcode="75011")
    assert lookup(en, order, contact=contact).status_code == 302
    assert en.get("/return/items").status_code == 200


def test_wrong_number_email_or_postcode_all_look_the_same(en, factory):
    order = factory.order(number="T-00042", email="anne@example.fr", postcode="75011")
    attempts = {
        "wrong number": {"number": "T-99999", "contact": "anne@example.fr"},
        "wrong e-mail": {"number": "T-00042", "contact": "bob@example.fr"},
        "wrong postcode": {"number": "T-00042", "contact": "69001"},
        "wrong number, postcode": {"number": "T-99999", "contact": "75011"},
    }
    seen = {}
    for what, data in attempts.items():
        response = en.post("/lookup", data=data)
        shown = page(response)
        seen[what] = (response.status_code, shown.by_id("lookup-error"), shown.text)
    statuses = {status for status, _msg, _text in seen.values()}
    messages = {message for _status, message, _text in seen.values()}
    texts = {text for _status, _msg, text in seen.values()}
    assert len(statuses) == 1 and statuses != {200}
    assert len(messages) == 1 and len(texts) == 1  # the whole page reads the same
    message = messages.pop()
    assert "could not find an order with these details" in message
    assert "e-mail address or postcode" in message  # names both halves, blames neither
    # nothing started: the items page sends the customer back to the first page
    assert en.get("/return/items").headers["Location"] == "/"
    # while the right pair still works
    assert lookup(en, order).headers["Location"] == "/return/items"


def test_empty_fields_are_flagged_next_to_each_field(en):
    response = en.post("/lookup", data={"number": " ", "contact": ""})
    assert response.status_code == 400
    assert page(response).text.count("This field is required.") == 2


def test_order_number_never_appears_in_a_url(en, factory):
    order = factory.order(number="T-00777")
    point = factory.relay_point()
    from portal.extensions import db

    db.session.commit()
    start = page(en.get("/"))
    form = start.form_posting_to("/lookup")
    assert form.method == "post"
    response = lookup(en, order)
    assert "T-00777" not in response.headers["Location"]
    visited = [response.headers["Location"]]
    line = order.lines[0]
    for path, data in [
        (
            "/return/items",
            {
                f"item-{line.id}-quantity": "1",
                f"item-{line.id}-reason": "too_big",
                f"item-{line.id}-resolution": "refund",
            },
        ),
        ("/return/relay", {"relay_point_id": str(point.id)}),
    ]:
        shown = page(en.get(path))
        assert all("T-00777" not in link and "t-00777" not in link.lower() for link in shown.links)
        moved = en.post(path, data=data)
        visited.append(moved.headers["Location"])
    review = page(en.get("/return/review"))
    assert all("t-00777" not in link.lower() for link in review.links)
    done = en.post("/return/confirm")
    visited.append(done.headers["Location"])
    status = page(en.get(done.headers["Location"]))
    assert all("t-00777" not in link.lower() for link in status.links)
    assert all("t-00777" not in url.lower() for url in visited)
    # and a failed lookup page links nowhere with the number either
    failed = page(en.post("/lookup", data={"number": "T-00777", "contact": "x@y.fr"}))
    assert all("t-00777" not in link.lower() for link in failed.links)


def test_lookup_address_typed_in_the_browser_shows_the_form(en):
    response = en.get("/lookup")
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("typed", ["FR10001", "fr-10001", " FR-10001 ", "#FR-10001", "fr 10001"])
def test_the_number_is_found_however_it_is_typed(client, factory, typed):
    order = factory.order(number="FR-10001")
    response = client.post("/lookup", data={"number": typed, "contact": order.email})
    assert response.status_code == 302, typed


def test_a_shop_number_with_a_hash_is_found_without_it(client, factory):
    order = factory.order(number="#2002")
    for typed in ("2002", " 2002 ", "#2002"):
        assert (
            client.post("/lookup", data={"number": typed, "contact": order.email}).status_code
            == 302
        )


def test_two_numbers_typed_alike_are_told_apart_by_the_contact(client, factory):
    first = factory.order(number="FR-1", email="first@example.fr")
    second = factory.order(number="FR1", email="second@example.fr")
    for order in (first, second):
        response = client.post("/lookup", data={"number": "fr1", "contact": order.email})
        assert response.status_code == 302
        assert order.number in page(client.get("/return/items")).text
    assert client.post("/lookup", data={"number": "fr1", "contact": "x@y.fr"}).status_code == 404
