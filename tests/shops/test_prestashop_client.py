"""The connection test and the client against the fake webservice: what the shop owner reads."""

from __future__ import annotations

import socket

import pytest
from flask_babel import force_locale

from portal.shops import platform
from portal.shops.platform import Credentials
from portal.shops.prestashop import clean_address
from tests.shops.prestashop_fixtures import with_prestashop


@pytest.fixture
def app_config(app_config, presta):
    return with_prestashop(app_config, presta)


def _check(address: str, key: str, locale: str = "en"):
    with force_locale(locale):
        return platform.for_source("prestashop").check(Credentials(address, {"key": key}))


def test_a_good_key_with_every_permission_connects(app, presta):
    result = _check(presta.base_url, presta.key)
    assert result.ok, result.message
    assert "Connected" in result.message


def test_a_wrong_key_is_named_as_such(app, presta):
    result = _check(presta.base_url, "WRONGWRONGWRONGWRONGWRONGWRONG12")
    assert not result.ok
    assert "refused the webservice key" in result.message


def test_each_missing_permission_is_named(app, presta):
    presta.deny("order_slip", "POST")
    presta.deny("stock_availables")
    result = _check(presta.base_url, presta.key)
    assert not result.ok
    assert "POST order_slip" in result.message
    assert "GET stock_availables" in result.message and "PUT stock_availables" in result.message
    assert "GET orders" not in result.message


def test_an_address_without_a_webservice_says_so(app, presta):
    result = _check(f"{presta.base_url}/boutique", presta.key)
    assert not result.ok
    assert "No webservice at" in result.message and "/boutique/api" in result.message


def test_a_site_that_is_not_prestashop_says_so(app, presta):
    presta.not_prestashop = True
    result = _check(presta.base_url, presta.key)
    assert not result.ok
    assert "is not a PrestaShop webservice" in result.message


def test_an_unreachable_shop_says_so(app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = _check(f"http://127.0.0.1:{port}", "K" * 32)
    assert not result.ok
    assert "did not answer" in result.message


@pytest.mark.parametrize(
    "address", ["boutique sans adresse", "http://boutique.fr", "ftp://boutique.fr", "https://"]
)
def test_an_address_that_is_not_https_is_refused_before_any_call(app, presta, address):
    result = _check(address, presta.key)
    assert not result.ok
    assert "starting with https://" in result.message
    assert presta.requests == []


def test_clean_address_keeps_a_sub_folder_and_drops_api():
    assert clean_address(" https://boutique.fr/shop/api/ ") == "https://boutique.fr/shop"
    assert clean_address("http://127.0.0.1:8080") == "http://127.0.0.1:8080"


def test_reads_are_retried_after_a_server_error(app, presta, creds):
    presta.fail("GET orders", "503")
    from datetime import UTC, datetime

    pages = list(
        platform.for_source("prestashop").order_pages(creds, datetime(2026, 1, 1, tzinfo=UTC))
    )
    assert pages == []
    assert presta.count("GET orders") == 2


def test_the_shop_owner_reads_it_in_french(app, presta):
    presta.deny("order_slip", "POST")
    result = _check(presta.base_url, presta.key, "fr")
    assert "La clé fonctionne, mais elle n’a pas le droit : POST order_slip" in result.message
