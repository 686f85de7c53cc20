"""A return's number (RMA): R-XXXX-XX, from an alphabet without look-alike characters."""

from __future__ import annotations

import secrets

RMA_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_rma() -> str:
    chars = "".join(secrets.choice(RMA_ALPHABET) for _ in range(6))
    return f"R-{chars[:4]}-{chars[4:]}"
