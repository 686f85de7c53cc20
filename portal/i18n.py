"""Languages (French and English), and locale-aware money and date formatting."""

from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_currency
from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import format_date, get_locale

from portal import ROOT
from portal.extensions import babel

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["DEFAULT_LOCALE"]


def current_locale() -> str:
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def money(cents: int, currency: str, locale: str | None = None) -> str:
    """12,50 € in French, €12.50 in English. Integer cents in, text out."""
    from decimal import Decimal

    amount = Decimal(cents).scaleb(-2)
    return format_currency(amount, currency, locale=locale or current_locale())


def fmt_date(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


@bp.get("/lang/<code>")
def switch(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("customer.start")
    return redirect(target)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "portal" / "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.globals["current_locale"] = current_locale
