"""Lookups are rate-limited per IP address and per order number, with a human message."""

from __future__ import annotations

import pytest

from tests.customer.pagekit import page


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
