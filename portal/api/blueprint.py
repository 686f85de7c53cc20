"""The API blueprints, bearer-token authentication and JSON error handling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TypeVar

from flask import Blueprint, abort, current_app, g, jsonify, request
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.models import ApiToken
from portal.models.base import utcnow
from portal.services import validation
from portal.services.errors import DomainError, ValidationFailed

bp = Blueprint("api", __name__, url_prefix="/api/v1")
webhooks_bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

PUBLIC_ENDPOINTS = {"api.openapi"}
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200  # ours are 46 characters; anything much longer is not one
T = TypeVar("T")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str) -> str:
    """Store a new token's hash and return the token (shown once)."""
    token = "rt_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(name=name, token_hash=hash_token(token)))
    db.session.flush()
    return token


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    row = None
    if scheme.lower() == "bearer" and token and len(token) <= MAX_TOKEN_LENGTH:
        row = db.session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == hash_token(token.strip()), ApiToken.revoked.is_(False)
            )
        )
    if row is None:
        response = jsonify(error="unauthorized", message="A valid bearer token is required.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="retours"'
        return response, 401
    g.api_token = row
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        g.api_token_use = (row.id, now)
    return None


@bp.after_request
def record_token_use(response):
    """Note when a token was last used (to the minute), after the request is done.

    Its own short transaction on its own connection, after the route has committed (or
    the error handler rolled back, or a read wrote nothing): nothing of the request
    commits with it, and the token's row
    is locked for one UPDATE, not for the whole request (a lock held until the end of
    the request would make every request of one token wait for the one before it).
    Refused and failed requests are counted as uses too, except a 5xx: after an error
    we write nothing. Losing this bookkeeping never fails the answer.
    """
    use = g.pop("api_token_use", None)
    if use is None or response.status_code >= 500:
        return response
    token_id, used_at = use
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(ApiToken)
                .where(
                    ApiToken.id == token_id,
                    or_(
                        ApiToken.last_used_at.is_(None),
                        ApiToken.last_used_at <= used_at - LAST_USED_PRECISION,
                    ),
                )
                .values(last_used_at=used_at)
            )
    except SQLAlchemyError:
        current_app.logger.warning("api: could not record the use of token %s", token_id)
    return response


def commit(result: T) -> T:
    """The one commit of an API request: routes parse, call one service verb, and pass
    its result through here. Errors never reach it: the handlers below roll back."""
    db.session.commit()
    return result


def json_body():
    """The request's JSON, or a 400 naming the problem."""
    try:
        data = request.get_json(silent=True)
    except RecursionError as exc:  # the JSON decoder gives up on deep nesting
        raise BadJSON("The body is nested too deeply.") from exc
    if data is None:
        raise BadJSON()
    if validation.has_lone_surrogate(data):
        raise BadJSON("The body must be valid JSON in UTF-8 (it has a lone \\u surrogate).")
    return data


def json_object() -> dict:
    """The request's JSON, which must be an object (a 400 otherwise)."""
    data = json_body()
    if not isinstance(data, dict):
        raise BadJSON("The body must be a JSON object.")
    return data


def path_key(schema: str, value: str, not_found: str) -> str:
    """A path parameter read through its documented schema: a 404 when no such thing can
    exist (too long, a control character…), so a lookup never sees it."""
    if not validation.is_valid(schema, value):
        abort(404, not_found)
    return value


class BadJSON(Exception):
    def __init__(self, message: str = "The body must be valid JSON.") -> None:
        super().__init__(message)
        self.message = message


@bp.errorhandler(BadJSON)
def bad_json(exc: BadJSON):
    db.session.rollback()
    return jsonify(error="bad_request", message=exc.message), 400


@bp.errorhandler(ValidationFailed)
def validation_failed(exc: ValidationFailed):
    db.session.rollback()
    return jsonify(error="validation_failed", errors=exc.errors), 422


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    db.session.rollback()
    return jsonify(error="conflict", message=exc.message), 409


def http_error(exc: HTTPException):
    db.session.rollback()
    response = jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description)
    for name, value in exc.get_headers():  # a 405's Allow, a 429's Retry-After
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, exc.code


# Handlers registered for a status code win over handlers for a class, so the app-wide
# HTML pages (portal/errors.py) would answer these codes: claim them for the API too.
for _error in (HTTPException, 400, 403, 404, 405, 413, 429):
    bp.register_error_handler(_error, http_error)
