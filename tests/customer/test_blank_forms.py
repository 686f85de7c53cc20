"""The start and gift pages are drawn once per language and answered from that copy with
each visitor's own CSRF token; messages, languages and typography stay right."""

from __future__ import annotations

import re

import pytest
from flask import template_rendered

from tests.customer.pagekit import page

NBSP = "\u00a0"
NNBSP = "\u202f"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(html: str) -> str:
    return TOKEN.search(html).group(1)


def test_each_visitor_gets_their_own_token_and_it_works(app, shop):
    first, second = app.test_client(), app.test_client()
    drawn: list[str] = []

    def record(_app, template, **_kw):
        drawn.append(template.name)

    with template_rendered.connected_to(record, app):
        one = first.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert drawn == ["customer/start.html"]
        two = second.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert drawn == ["customer/start.html"]  # the second visitor's came from the copy
    assert "Find my order" in one and "Find my order" in two
    assert _token(one) != _token(two)
    assert one.replace(_token(one), "") == two.replace(_token(two), "")  # the same page
    for client, html in ((first, one), (second, two)):
        found = client.post(
            "/lookup",
            data={
                "csrf_token": _token(html),
                "number": shop.order.number,
                "contact": shop.order.email,
            },
        )
        assert found.status_code == 302
        assert found.headers["Location"].endswith("/return/items")
    # a token from another visitor's page is refused, as before
    third = app.test_client()
    third.get("/")
    refused = third.post(
        "/lookup",
        data={"csrf_token": _token(one), "number": shop.order.number, "contact": "x@y.z"},
    )
    assert refused.status_code == 400


def test_french_copy_keeps_its_typography_once(client):
    for _ in range(2):  # drawn, then from the copy
        html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
        assert f"Vous avez reçu un cadeau{NNBSP}?" in html
        assert NBSP + NBSP not in html and NNBSP + NNBSP not in html
        assert "\x00" not in html


def test_languages_have_their_own_copies(client):
    assert "Find my order" in page(client.get("/lang/en", follow_redirects=True)).text
    assert "Find my order" in page(client.get("/")).text
    french = page(client.get("/lang/fr", follow_redirects=True)).text
    assert "Find my order" not in french and "Vous avez reçu un cadeau" in french


def test_a_waiting_message_is_shown_on_the_start_page(client):
    client.get("/lang/en")
    client.get("/")  # the copy exists
    ended = client.get("/return/items", follow_redirects=True)  # no journey in this session
    assert "Your session has ended" in page(ended).text
    assert "Your session has ended" not in page(client.get("/")).text  # shown once


def test_gift_page_from_its_copy(app):
    clients = [app.test_client() for _ in range(2)]
    drawn: list[str] = []

    def record(_app, template, **_kw):
        drawn.append(template.name)

    with template_rendered.connected_to(record, app):
        pages = [
            c.get("/gift", headers={"Accept-Language": "en"}).get_data(as_text=True)
            for c in clients
        ]
    assert drawn == ["customer/gift.html"]  # drawn once: the second visitor's is the copy
    assert _token(pages[0]) != _token(pages[1])
    assert all('name="code"' in p for p in pages)
