"""Response headers: referrer, framing, CSP, HSTS, the session cookie, caching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD


def test_pages_do_not_leak_status_tokens_as_referrer(client):
    response = client.get("/")
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_secure_cookie_when_served_over_https(app_config):
    from portal import create_app

    app = create_app({**app_config, "PUBLIC_URL": "https://returns.example.com"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


# Content-Security-Policy, HSTS, __Host- cookies, no-store --------------------------------------
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


@pytest.mark.parametrize("path", ["/", "/gift", "/policy", "/staff/login", "/no-such-page"])
def test_every_page_has_a_strict_content_security_policy(client, path):
    csp = _csp(client.get(path))
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert "'unsafe-inline'" not in csp.get("script-src", "")
    assert "'unsafe-inline'" not in csp.get("style-src", "")
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"


def test_no_template_has_inline_script_or_style_that_the_policy_would_block():
    """Pages only (e-mails are not pages: mail clients need inline styles)."""
    offending = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parts[-2] == "emails":
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text, re.I):
            offending.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text, re.I) or "javascript:" in text.lower():
            offending.append(f"{path.name}: inline event handler")
        if re.search(r"\sstyle\s*=", text, re.I) or re.search(r"<style", text, re.I):
            offending.append(f"{path.name}: inline style")
    assert offending == []


def test_no_hsts_and_a_plain_cookie_name_over_http(client, auth):
    response = client.get("/")
    assert "Strict-Transport-Security" not in response.headers
    auth.login()
    assert client.get_cookie("session") is not None


@pytest.fixture
def production(app_config):
    from portal import create_app
    from tests.conftest import BufferedClient

    app = create_app({**app_config, "PUBLIC_URL": "https://returns.example.com"})
    app.test_client_class = BufferedClient
    return app


def test_hsts_and_a_host_prefixed_secure_cookie_in_production(production, factory):
    email = factory.staff("warehouse").email  # same database as the production app
    client = production.test_client()
    response = client.get("/", base_url="https://returns.example.com")
    hsts = response.headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 31536000

    response = client.post(
        "/staff/login",
        data={"email": email, "password": PASSWORD},
        base_url="https://returns.example.com",
    )
    assert response.status_code == 302
    [cookie] = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = [a.strip().lower() for a in cookie.split(";")[1:]]
    assert "secure" in attributes and "httponly" in attributes and "path=/" in attributes
    assert not any(a.startswith("domain=") for a in attributes)
    assert "samesite=lax" in attributes


def test_debug_mode_over_http_has_no_hsts(app_config):
    from portal import create_app

    app = create_app({**app_config, "DEBUG": True})
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers


def test_staff_pages_are_never_stored(client, auth):
    auth.login("admin")
    for path in ("/staff/", "/staff/scan", "/staff/users", "/staff/login"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path


def test_pages_with_personal_data_are_never_stored(client, factory):
    from portal.links import status_path

    rr = factory.return_()
    for path in (status_path(rr), status_path(rr) + "/label.pdf", status_path(rr) + "/relay"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    order = rr.order
    response = client.post("/lookup", data={"number": order.number, "contact": order.email})
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/return/items").headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
