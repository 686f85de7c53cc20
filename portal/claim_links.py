"""Signed public links to a claim's page (as `portal.links` does for returns)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.links import public_url

SALT = "claim-status"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def claim_token(access_key: str) -> str:
    return _serializer().dumps(access_key)


def read_claim_token(token: str) -> str | None:
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def claim_path(claim) -> str:
    return f"/c/{claim_token(claim.access_key)}"


def claim_url(claim) -> str:
    return public_url(claim_path(claim))
