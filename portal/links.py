"""Public links, built from PUBLIC_URL so they work in e-mails sent by the worker."""

from __future__ import annotations

from flask import current_app

from portal.models import ReturnRequest
from portal.security import status_token


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def status_path(rr: ReturnRequest) -> str:
    return f"/r/{status_token(rr.access_key)}"


def status_url(rr: ReturnRequest) -> str:
    return public_url(status_path(rr))
