"""Staff sessions, roles and signed public links."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from portal.extensions import db, login_manager

SESSION_ABSOLUTE_SECONDS = 8 * 3600
SESSION_IDLE_SECONDS = 3600


def status_token(access_key: str) -> str:
    """A signed, unguessable token for a return's public status page."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="return-status").dumps(
        access_key
    )


def read_status_token(token: str) -> str | None:
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="return-status").loads(
            token
        )
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


@login_manager.user_loader
def load_user(user_id: str):
    from portal.models import StaffUser

    try:
        pk, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(StaffUser, pk)
    if user is None or not user.active or user.session_version != version:
        return None
    now = time.time()
    started = session.get("login_at", 0)
    seen = session.get("seen_at", 0)
    if now - started > SESSION_ABSOLUTE_SECONDS or now - seen > SESSION_IDLE_SECONDS:
        session.clear()
        return None
    session["seen_at"] = now
    return user


def role_required(role: str) -> Callable:
    """Refuse the route unless the logged-in staff member has at least `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# Pages load only our own scripts, styles and images; nothing is inline, nothing frames us.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=63072000; includeSubDomains"  # two years


def is_production(app: Flask) -> bool:
    """Served over HTTPS (PUBLIC_URL) and not the development server."""
    return app.config["PUBLIC_URL"].startswith("https://") and not app.debug


def _session_cookie(app: Flask) -> None:
    if not app.config["PUBLIC_URL"].startswith("https://"):
        return
    app.config["SESSION_COOKIE_SECURE"] = True
    if is_production(app):
        # __Host-: the browser keeps it only if Secure, Path=/ and no Domain, so no
        # sibling subdomain can plant or overwrite the session.
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None


def init_app(app: Flask) -> None:
    from portal import edge

    edge.init_app(app)
    _session_cookie(app)
    production = is_production(app)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        # Status-page links carry their token in the path: never send it as a referrer.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":
            # Staff pages, status pages, the journey, labels, the API: personal data that no
            # shared computer's cache or proxy may keep. Only our own static files are cached.
            headers["Cache-Control"] = "no-store"
        return response

    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.session_protection = "strong"

    @login_manager.unauthorized_handler
    def unauthorized():
        flash(_("Please log in to continue."), "info")
        return redirect(url_for("staff.login", next=request.path))
