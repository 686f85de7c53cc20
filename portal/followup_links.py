"""The signed links of the "Did everything go well?" e-mail (one per rating, 1 to 5).

The token signs the return's access key with its own salt: a status-page token is not a
feedback token, and neither can be made from the RMA."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.links import public_url
from portal.models import ReturnRequest

RATINGS = (1, 2, 3, 4, 5)
_SALT = "return-feedback"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def feedback_token(rr: ReturnRequest) -> str:
    return _serializer().dumps(rr.access_key)


def read_feedback_token(token: str) -> str | None:
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def feedback_path(rr: ReturnRequest, rating: int) -> str:
    return f"/feedback/{feedback_token(rr)}/{rating}"


def feedback_urls(rr: ReturnRequest) -> list[dict]:
    """[{rating, url}] for the e-mail, 1 to 5."""
    return [{"rating": n, "url": public_url(feedback_path(rr, n))} for n in RATINGS]
