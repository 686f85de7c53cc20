"""How long a shop platform asks us to wait (its `Retry-After` seconds), capped."""

from __future__ import annotations

MAX_WAIT = 60.0  # seconds: a Retry-After longer than this is capped


def retry_after(value: str | None) -> float:
    """Seconds to wait: the header's number, 1 s when absent or not a number, at most 60."""
    try:
        wait = float(value) if value is not None else 1.0
    except ValueError:
        wait = 1.0
    return min(max(wait, 0.0), MAX_WAIT)
