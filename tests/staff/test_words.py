"""No internal code on a staff page: every status, reason, outcome, refund state and audit
event has a label in `portal/words.py`, and every staff page shows the label, in French and
in English."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from portal import lifecycle, words
from portal.extensions import db
from portal.models import ReturnRequest
from portal.models.staff import ROLES
from tests.staff.allpages import build_returns, staff_paths
from tests.staff.staffkit import page


def test_every_state_and_event_of_the_lifecycle_has_a_label(app):
    for locale in ("en", "fr"):
        with force_locale(locale):
            states, events = words.state_labels(), words.event_labels()
            actions = words.action_labels()
            for machine in lifecycle.MACHINES:
                assert set(states[machine.name]) == set(machine.states), machine.name
                assert set(events[machine.name]) == set(machine.events), machine.name
                for event in machine.events.values():
                    assert not event.action or event.action in actions, event.name
            for action in words.OTHER_ACTIONS:
                assert action in actions
            for kind, table in (("resolution", words.RESOLUTIONS), ("reason", words.REASONS)):
                assert all(words.word(kind, code) != code for code in table), kind
            assert all(words.word("role", r) != r for r in ROLES)


def test_french_labels_are_french(app):
    with force_locale("fr"):
        assert words.word("return", "label_issued") != "Label sent, parcel not yet dropped off"
        assert words.word("refund", "sent") != "Paid out"
        assert words.word("action", "parcel_received") != "Parcel received"


def codes() -> set[str]:
    """Every code a staff page could show by mistake."""
    found = set(words.REASONS) | set(words.RESOLUTIONS) | set(words.outcome_labels())
    found |= set(words.action_labels()) | set(ROLES)
    for machine in lifecycle.MACHINES:
        found |= set(machine.states) | set(machine.events)
    for table in words.misc_labels().values():
        found |= {code for code in table if code not in ("fr", "en")}
    return found


# single words that are also French words or that French text uses as they are
FRENCH_WORDS = {"expire", "support", "local"}


def raw_codes(text: str, locale: str) -> set[str]:
    """The codes in `text`, a page's visible text (e-mail addresses and the commands shown
    in <code> to be typed as they are left out)."""
    parsed = getattr(text, "page", None)
    for command in parsed.soup.find_all("code") if parsed is not None else ():
        text = text.replace(command.get_text(" ", strip=True), " ")
    text = re.sub(r"\S+@\S+", " ", text)
    tokens = set(re.findall(r"\w+", text))
    found = {t for t in tokens & codes() if "_" in t}
    if locale == "fr":
        found |= (tokens & codes()) - FRENCH_WORDS
    return found


def cells_that_are_codes(shown) -> set[str]:
    """English pages: an element whose whole text is a one-word code (`received`)."""
    every = codes()
    return {
        el.get_text(" ", strip=True)
        for el in shown.soup.find_all(["td", "span", "dd", "li", "option", "strong"])
        if el.get_text(" ", strip=True) in every
    }


@pytest.fixture
def rendered(client, factory, auth):
    """Every staff page as an admin sees it, in English and in French: (locale, name, page)."""
    rmas = build_returns(factory)
    auth.login("admin")
    seen = []
    for locale in ("en", "fr"):
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
        for name, path in staff_paths(rmas):
            response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            seen.append((locale, name, page(response)))
        scan = client.post("/staff/scan", data={"code": "NOTHING-HERE"})
        seen.append((locale, "scan, not found", page(scan)))
        rr = db.session.query(ReturnRequest).filter_by(rma=rmas["received"]).one()
        item = rr.items[0]
        preview = client.post(
            f"/staff/returns/{rr.rma}/diagnose",
            data={f"grade-{item.id}": "C", f"reject-{item.id}": "stained"},
        )
        assert preview.status_code == 200
        seen.append((locale, "reject preview", page(preview)))
    return seen


def test_no_staff_page_shows_an_internal_code(rendered):
    for locale, name, text in rendered:
        assert not raw_codes(text, locale), (locale, name, raw_codes(text, locale))
        if locale == "en":
            assert not cells_that_are_codes(text.page), (name, cells_that_are_codes(text.page))


def test_the_pages_show_the_labels(rendered):
    by_name = {(locale, name): text for locale, name, text in rendered}
    returned = by_name[("en", "return: refunded")]
    assert returned.page.by_id("status") == "Resolved: money back"
    assert "Damaged on arrival" in returned and "Refund paid out" in returned
    assert "Paid out" in returned.page.by_id("refunds")
    french = by_name[("fr", "return: refunded")]
    assert french.page.by_id("status") == words_fr("return", "refunded")
    assert "Label sent, parcel not yet dropped off" in by_name[("en", "queues")]


def words_fr(kind: str, code: str) -> str:
    with force_locale("fr"):
        return words.word(kind, code)


def test_the_check_catches_a_code(app):
    assert raw_codes("Statut : label_issued", "fr") == {"label_issued"}
    assert raw_codes("Statut : received", "fr") == {"received"}
    assert raw_codes("2 of 3 already received", "en") == set()
