"""Browser tests: Debian's Chromium driven by Playwright against a live server on loopback.

They skip, with a one-line reason, on a machine without /usr/bin/chromium.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal.commands.demo import DEMO_PASSWORD
from portal.extensions import db
from tests.conftest import free_port

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config, server_port):
    return {
        **app_config,
        "WTF_CSRF_ENABLED": True,
        "PUBLIC_URL": f"http://127.0.0.1:{server_port}",
    }


@pytest.fixture
def live_server(app, server_port):
    """The demo shop served by a real WSGI server in a thread."""
    from portal.commands.demo import load_demo

    load_demo(datetime.now(UTC).replace(microsecond=0))
    db.session.commit()
    server = make_server("127.0.0.1", server_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def staff_page(browser, live_server):
    """A logged-in staff member's own browser window (en-GB, desktop size)."""
    contexts = []

    def login(email: str):
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server + "/staff/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("#whoami")).to_contain_text(email)
        return page

    yield login
    for context in contexts:
        context.close()
