"""The signed reply address every e-mail about a return carries: reply+<token>@INBOUND_DOMAIN.

The token is the return number and an HMAC-SHA256 of it under SECRET_KEY, in lower case
(mail systems may fold the case of an address's local part), 42 characters at most, well
under the 64 an address's local part may have (RFC 5321, 4.5.3.1.1). Without the secret
no one can make the token of another return."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from flask import current_app

PREFIX = "reply+"
_TOKEN = re.compile(r"^([0-9a-z][0-9a-z-]{1,15})\.([a-z2-7]{26})$")


def _mac(rma: str) -> str:
    key = ("reply-to:" + current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, rma.upper().encode(), hashlib.sha256).digest()[:16]
    return base64.b32encode(digest).decode().rstrip("=").lower()


def token(rma: str) -> str:
    return f"{rma.lower()}.{_mac(rma)}"


def address(rma: str) -> str | None:
    """The reply address of the return `rma`; None when no inbound domain is set."""
    domain = current_app.config.get("INBOUND_DOMAIN")
    if not domain:
        return None
    return f"{PREFIX}{token(rma)}@{domain.lower()}"


def read(recipient: str) -> str | None:
    """The return number a recipient address stands for, or None if it is not one of ours
    (another domain, no token, a token whose signature does not match)."""
    domain = (current_app.config.get("INBOUND_DOMAIN") or "").lower()
    local, _at, host = (recipient or "").strip().strip("<>").lower().rpartition("@")
    if not domain or host != domain or not local.startswith(PREFIX):
        return None
    match = _TOKEN.match(local[len(PREFIX) :])
    if not match:
        return None
    rma, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(rma)):
        return None
    return rma.upper()
