"""Credentials at rest: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with the
key(s) in SECRETS_KEY, comma-separated, newest first (older ones still decrypt, so a key
can be rotated). Make a key with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class SecretsUnavailable(Exception):
    """No usable SECRETS_KEY, or a stored secret it cannot decrypt."""


def _fernet() -> MultiFernet:
    raw = current_app.config.get("SECRETS_KEY") or ""
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    if not keys:
        raise SecretsUnavailable("SECRETS_KEY is not set")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise SecretsUnavailable(
            "SECRETS_KEY is not a Fernet key (32 url-safe base64 bytes)"
        ) from exc


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise SecretsUnavailable("the stored token cannot be decrypted with SECRETS_KEY") from exc
