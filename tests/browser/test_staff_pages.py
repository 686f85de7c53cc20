"""Every staff page in Chromium: it fits a 360 px phone and a 1280 px desktop without
scrolling sideways, in French and in English; axe-core finds no accessibility violation;
receiving a parcel the customer packed as announced takes one Enter."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.extensions import db
from tests.factories import PASSWORD
from tests.staff.allpages import build_returns, staff_paths

WIDTHS = (360, 1280)
LOCALES = ("fr-FR", "en-GB")
# axe-core's WCAG 2.0/2.1 A and AA rules, and its best practices (landmarks, one h1...)
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture
def pages(live_server, factory):
    """(name, url) of every staff page, with returns in every state, and an admin's login."""
    rmas = build_returns(factory)
    admin = factory.staff("admin")
    db.session.commit()
    urls = [(name, live_server + path) for name, path in staff_paths(rmas)]
    return urls, admin.email, rmas


def staff_context(browser, live_server, email, *, locale, width):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server + "/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator("#whoami")).to_contain_text(email)
    return context, page


def too_wide(page) -> dict | None:
    """None when the page fits its viewport; else the widths and the widest elements.
    Measured once the page and its stylesheet have loaded (a page reached by a form's
    submit can show its heading before its styles, on a busy machine)."""
    page.wait_for_load_state("load")
    widths = page.evaluate(
        """() => {
          const doc = document.documentElement;
          const out = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5).map(el => el.tagName + '#' + el.id + '.' + el.className);
          return {scroll: doc.scrollWidth, inner: window.innerWidth, culprits: out};
        }"""
    )
    return None if widths["scroll"] <= widths["inner"] else widths


def test_every_staff_page_fits_360_and_1280_px(browser, live_server, pages):
    urls, email, _rmas = pages
    wide = []
    for locale in LOCALES:
        for width in WIDTHS:
            context, page = staff_context(browser, live_server, email, locale=locale, width=width)
            for name, url in [*urls, ("login", live_server + "/staff/login")]:
                if name == "login":
                    context.clear_cookies()
                page.goto(url)
                problem = too_wide(page)
                if problem:
                    wide.append((locale, width, name, problem))
            context.close()
    assert not wide, wide


def test_axe_finds_no_violation_on_staff_pages(browser, live_server, pages):
    urls, email, _rmas = pages
    axe = Axe()
    found = []
    for locale in LOCALES:
        context, page = staff_context(browser, live_server, email, locale=locale, width=360)
        for name, url in [*urls, ("login", live_server + "/staff/login")]:
            if name == "login":
                context.clear_cookies()
            page.goto(url)
            results = axe.run(page, options=AXE_OPTIONS)
            for violation in results.response["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                found.append((locale, name, violation["id"], targets))
        context.close()
    assert not found, found


def test_receiving_as_announced_is_one_enter(browser, live_server, pages):
    _urls, email, rmas = pages
    context, page = staff_context(browser, live_server, email, locale="en-GB", width=360)
    page.goto(f"{live_server}/staff/returns/{rmas['label issued']}")
    first = page.locator("#receive-form input[type=number]").first
    expect(first).to_be_focused()
    expect(first).to_have_value("1")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Parcel received: 1 unit(s) recorded.")
    expect(page.locator("#status")).to_have_text("Parcel received")
    context.close()


def test_a_rejection_is_previewed_then_sent(browser, live_server, pages):
    _urls, email, rmas = pages
    context, page = staff_context(browser, live_server, email, locale="en-GB", width=360)
    page.goto(f"{live_server}/staff/returns/{rmas['received']}")
    form = page.locator("#diagnose-form")
    form.locator("select").first.select_option("C")
    form.locator("input[id^=reject-]").first.fill("Stains on the collar")
    page.locator("#save-diagnosis").click()
    expect(page.locator("h1")).to_have_text("Check the e-mail before sending")
    expect(page.locator("#preview-text")).to_contain_text("Stains on the collar")
    assert not too_wide(page)
    assert Axe().run(page, options=AXE_OPTIONS).response["violations"] == []
    page.locator("#send-diagnosis").click()
    expect(page.get_by_role("status")).to_contain_text("Diagnosis saved for 1 item(s).")
    expect(page.locator("#items")).to_contain_text("Stains on the collar")
    context.close()
