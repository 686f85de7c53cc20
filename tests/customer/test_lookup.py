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
        # nothing started: the items page sends the customer back to the first page
        assert en.get("/return/items").headers["Location"] == "/", what
    statuses = {status for status, _msg, _text in seen.values()}
    messages = {message for _status, message, _text in seen.values()}
    texts = {text for _status, _msg, text in seen.values()}
    assert len(statuses) == 1 and statuses != {200}
    assert len(messages) == 1 and len(texts) == 1  # the whole page reads the same
    message = messages.pop()
    assert "could not find an order with these details" in message
    assert "e-mail address or postcode" in message  # names both halves, blames neither
    assert order.email  # still there, untouched


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
        ("/return/items", {f"item-{line.id}-quantity": "1", f"item-{line.id}-reason": "too_big",
                           f"item-{line.id}-resolution": "refund"}),
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


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "LOOKUP_RATE_LIMIT": "3 per minute"}


def _try(client, number: str, ip: str, contact: str = "nobody@example.fr"):
    return client.post(
        "/lookup",
        data={"number": number, "contact": contact},
        environ_overrides={"REMOTE_ADDR": ip},
        headers={"Accept-Language": "en"},
    )


def test_rate_limit_per_ip(client, factory):
    order = factory.order()
    codes = [_try(client, f"T-9000{n}", "10.0.0.1").status_code for n in range(3)]
    assert codes == [404, 404, 404]
    blocked = _try(client, order.number, "10.0.0.1", contact=order.email)  # even the right pair
    assert blocked.status_code == 429
    shown = page(blocked)
    assert "Too many attempts" in shown.text
    assert "wait a few minutes before trying again" in shown.text
    # another address, another order: not affected
    assert _try(client, order.number, "10.0.0.2", contact=order.email).status_code == 302


def test_rate_limit_per_order_number_across_addresses(client, factory):
    order = factory.order(number="T-00042")
    typed = ["T-00042", "#t-00042", " t-000 42"]  # the same order, however it is typed
    codes = [_try(client, number, f"10.0.1.{n}").status_code for n, number in enumerate(typed)]
    assert codes == [404, 404, 404]
    blocked = _try(client, "T-00042", "10.0.1.99", contact=order.email)
    assert blocked.status_code == 429
    assert "Too many attempts" in page(blocked).text
    # the limit is on that order number only
    assert _try(client, "T-55555", "10.0.1.99").status_code == 404


def test_gift_code_lookup_is_rate_limited_too(client, factory):
    codes = [_try_gift(client, f"GIFT-AAAA-BBB{n}", "10.0.2.1") for n in range(3)]
    assert codes == [404, 404, 404]
    assert _try_gift(client, "GIFT-AAAA-CCCC", "10.0.2.1") == 429
    assert [_try_gift(client, "GIFT-ZZZZ-ZZZZ", f"10.0.3.{n}") for n in range(4)][-1] == 429


def _try_gift(client, code: str, ip: str) -> int:
    return client.post(
        "/gift", data={"code": code}, environ_overrides={"REMOTE_ADDR": ip}
    ).status_code
