"""The API blueprints, bearer-token authentication and JSON error handling."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.models import ApiToken
from portal.models.base import utcnow
from portal.services.errors import DomainError, ValidationFailed

bp = Blueprint("api", __name__, url_prefix="/api/v1")
webhooks_bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

PUBLIC_ENDPOINTS = {"api.openapi"}
LAST_USED_PRECISION = timedelta(minutes=1)


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
    if scheme.lower() == "bearer" and token:
        row = db.session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == hash_token(token.strip()), ApiToken.revoked.is_(False)
            )
        )
    if row is None:
        response = jsonify(error="unauthorized", message="A valid bearer token is required.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="retours"'
        return response, 401
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        # Its own short transaction: held until the end of the request, this row lock
        # would make every request of one token wait for the one before it.
        row.last_used_at = now
        db.session.commit()
    g.api_token = row
    return None


def json_body():
    """The request's JSON, or a 400 naming the problem."""
    data = request.get_json(silent=True)
    if data is None:
        raise BadJSON()
    return data


class BadJSON(Exception):
    pass


@bp.errorhandler(BadJSON)
def bad_json(_exc):
    db.session.rollback()
    return jsonify(error="bad_request", message="The body must be valid JSON."), 400


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
    return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code


# Handlers registered for a status code win over handlers for a class, so the app-wide
# HTML pages (portal/errors.py) would answer these codes: claim them for the API too.
for _error in (HTTPException, 400, 403, 404, 405, 413, 429):
    bp.register_error_handler(_error, http_error)
