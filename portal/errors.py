"""Error pages: HTML for people, JSON under /api/ and /webhooks/ (routing errors such as
an unknown URL or a wrong method never reach the API blueprint's own handlers)."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import BadRequest, ServiceUnavailable

from portal.edge import RefusedInput
from portal.extensions import db
from portal.i18n import contact_hours


def _page(code: int, title: str, message: str):
    return render_template("errors/error.html", title=title, message=message), code


def _json(exc):
    response = jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description)
    # keep the exception's own headers: a 405 names the allowed methods (RFC 9110 Allow)
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, exc.code


RETRY_AFTER_SECONDS = 5


def _unavailable_message() -> str:
    """In the shop's words: what happened, what to do, and how to reach the shop."""
    config = current_app.config
    return _(
        "Nothing was changed. Please try again in a moment. If it keeps happening, "
        "contact %(shop)s: %(email)s, %(phone)s (%(hours)s).",
        shop=config["SHOP_NAME"],
        email=config["SHOP_CONTACT_EMAIL"],
        phone=config["SHOP_CONTACT_PHONE"],
        hours=contact_hours(),
    )


def init_app(app: Flask) -> None:
    def is_api() -> bool:
        return request.path.startswith(("/api/", "/webhooks/"))

    @app.errorhandler(400)
    def bad_request(exc):
        if is_api():
            return _json(exc)
        if isinstance(exc, RefusedInput):
            return _page(400, exc.title, exc.description)
        return _page(
            400,
            _("Something was wrong with that request"),
            _("The form may have expired. Go back, reload the page and try again."),
        )

    @app.errorhandler(403)
    def forbidden(exc):
        if is_api():
            return _json(exc)
        return _page(403, _("Not allowed"), _("Your account cannot do this."))

    @app.errorhandler(404)
    def not_found(exc):
        if is_api():
            return _json(exc)
        return _page(
            404,
            _("Page not found"),
            _("This link is not valid. Check that you copied the whole address."),
        )

    @app.errorhandler(413)
    def too_large(exc):
        if is_api():
            return _json(exc)
        if request.mimetype == "multipart/form-data":
            return _page(
                413,
                _("Files too large"),
                _("Photos must be 8 MB or less each. Please choose smaller photos."),
            )
        return _page(
            413,
            _("Too much sent at once"),
            _("What you sent is too long. Go back, shorten the text and try again."),
        )

    @app.errorhandler(429)
    def too_many(exc):
        if is_api():
            return _json(exc)
        return _page(
            429,
            _("Too many attempts"),
            _("For your security, please wait a few minutes before trying again."),
        )

    @app.errorhandler(405)
    def wrong_method(exc):
        if is_api():
            return _json(exc)
        return exc

    @app.errorhandler(DataError)
    def data_does_not_fit(exc):
        """The last line of defence: a value the database cannot hold (a number out of its
        range, a text too long) is the sender's mistake, answered 400; nothing is kept."""
        db.session.rollback()
        current_app.logger.warning("refused a value the database cannot hold: %s", exc.orig)
        return bad_request(BadRequest(description="A value was out of range or too long."))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc):
        """The database connection broke mid-request (a restart, a failover, an operator's
        `pg_terminate_backend`, SQLite busy past its timeout). The transaction is rolled
        back whole, so nothing is half-written; the pool drops the dead connection and
        checks the next one before use (`pool_pre_ping`), so the next request works.
        A 503 "try again", never a 500: a webhook sender retries, a person clicks again."""
        with suppress(SQLAlchemyError):  # the connection is gone: nothing to roll back on it
            db.session.rollback()
        current_app.logger.error("database unavailable: %s", exc.orig or exc, exc_info=exc)
        if is_api():
            response, code = _json(ServiceUnavailable(description=_unavailable_message()))
        else:
            response, code = _page(
                503, _("We could not finish this just now"), _unavailable_message()
            )
        return response, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
