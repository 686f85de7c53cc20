"""French and English: switchable on every page, remembered; money and dates per locale."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from babel.dates import format_date

from portal.extensions import db
from portal.links import status_path
from tests.customer.pagekit import item_fields, lookup, page, to_review

HEADINGS = {"fr": "Choisissez les articles à retourner", "en": "Choose the items to return"}


def switch_link(shown, code: str) -> str:
    links = [href for href in shown.links if href.startswith(f"/lang/{code}?")]
    assert len(links) == 1, shown.links
    return links[0]


def follow(client, response, code: str):
    """Click the language link, follow the redirect; the page that comes back."""
    moved = client.get(switch_link(page(response), code))
    assert moved.status_code == 302
    target = moved.headers["Location"]
    assert urlsplit(target).netloc == ""
    return target, client.get(target)


@pytest.fixture
def everywhere(client, shop, factory):
    """A client in the middle of a journey, and a finished return with its status page."""
    rr = factory.return_(factory.order(), locale="fr")
    to_review(client, shop.order, shop.point, item_fields(shop.line))
    return client, status_path(rr)


GET_PAGES = [
    "/",
    "/gift",
    "/policy",
    "/return/items",
    "/return/relay",
    "/return/relay?postcode=75011",
    "/return/review",
    "STATUS",
    "STATUS/relay",
    "/no/such/page",
]


@pytest.mark.parametrize("path", GET_PAGES)
def test_every_page_switches_language_and_stays_put(everywhere, path):
    client, status = everywhere
    path = path.replace("STATUS", status)
    first = client.get(path)
    assert page(first).html_attrs["lang"] == "fr"
    target, after = follow(client, first, "en")
    assert target == path
    assert after.status_code == first.status_code
    assert page(after).html_attrs["lang"] == "en"
    # and back to French
    _target, again = follow(client, after, "fr")
    assert page(again).html_attrs["lang"] == "fr"


def test_choice_is_remembered_across_pages(everywhere):
    client, _status = everywhere
    client.get("/lang/en")
    for path in ("/", "/return/items", "/return/review", "/policy"):
        assert page(client.get(path)).html_attrs["lang"] == "en", path
    assert HEADINGS["en"] in page(client.get("/return/items")).text


def test_switching_on_a_page_made_by_a_form_post_lands_on_a_real_page(client, shop):
    # the "order not found" page is the answer to a POST: its address cannot be reloaded
    failed = client.post("/lookup", data={"number": "NOPE", "contact": "x@example.fr"})
    assert failed.status_code == 404
    target, after = follow(client, failed, "en")
    assert after.status_code == 200
    assert page(after).html_attrs["lang"] == "en"
    # an items page with errors (POST) goes back to the items page itself
    lookup(client, shop.order)
    bad = client.post("/return/items", data=item_fields(shop.line, quantity=9))
    assert bad.status_code == 422
    target, after = follow(client, bad, "fr")
    assert target == "/return/items" and after.status_code == 200
    assert page(after).html_attrs["lang"] == "fr"


def test_browser_language_without_a_choice(client):
    assert (
        page(client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"})).html_attrs["lang"]
        == "en"
    )
    assert page(client.get("/", headers={"Accept-Language": "de"})).html_attrs["lang"] == "fr"
    assert page(client.get("/")).html_attrs["lang"] == "fr"


def test_a_choice_beats_the_browser(client):
    client.get("/lang/fr")
    shown = page(client.get("/", headers={"Accept-Language": "en"}))
    assert shown.html_attrs["lang"] == "fr"


def test_unknown_language_changes_nothing(client):
    client.get("/lang/en")
    response = client.get("/lang/de?next=/policy")
    assert response.headers["Location"] == "/policy"
    assert page(client.get("/")).html_attrs["lang"] == "en"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\\/evil.example/",
        "/\t/evil.example/",
        " //evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "",
    ],
)
def test_next_cannot_leave_the_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == ""
    assert location.startswith("/")
    assert not location.startswith("//") and "\\" not in location
    assert not any(ch in location for ch in "\t\r\n ")


def test_next_keeps_a_local_query_string(client):
    response = client.get("/lang/en", query_string={"next": "/return/relay?postcode=69001"})
    assert response.headers["Location"] == "/return/relay?postcode=69001"


def test_money_per_locale(client, shop):
    to_review(client, shop.order, shop.point, item_fields(shop.line))
    fr = page(client.get("/return/review")).by_id("totals")
    assert "25,00 €" in fr and "€25.00" not in fr
    client.get("/lang/en")
    en = page(client.get("/return/review")).by_id("totals")
    assert "€25.00" in en and "25,00 €" not in en


def test_dates_per_locale(client, factory):
    rr = factory.return_(factory.order())
    day = rr.created_at.date()
    fr = page(client.get(status_path(rr)))
    assert format_date(day, "medium", locale="fr") in fr.text
    client.get("/lang/en")
    en = page(client.get(status_path(rr)))
    assert f"Return requested — {format_date(day, 'medium', locale='en')}" in en.text


def test_french_pages_are_french(client, shop):
    lookup(client, shop.order)
    shown = page(client.get("/return/items"))
    assert HEADINGS["fr"] in shown.text
    assert "Choose the items" not in shown.text


def test_eligibility_reason_in_french(client, factory):
    order = factory.order(delivered_days_ago=None)
    db.session.commit()
    lookup(client, order)
    shown = page(client.get("/return/items"))
    why = shown.by_id(f"item-{order.lines[0].id}-why")
    assert why != "Not delivered yet: you can return it once it has arrived."
    assert "livr" in why.lower()


def test_what_happens_next_has_a_date_in_the_customers_format(client, factory):
    rr = factory.return_(factory.order(), locale="en")
    client.get("/lang/en")
    next_step = page(client.get(status_path(rr))).by_id("next-step")
    expires = format_date(rr.current_label.expires_at.date(), "medium", locale="en")
    assert expires in next_step
