"""Calls to a shop platform, made after commit, exactly once (as refunds are, see
portal/payments/worker.py):

1. `queue` adds a `PlatformCall` (pending) in the request's transaction, with the plain
   data to send and its key; the request commits.
2. After the response (and from `flask shop calls`, for retries), `send_due` claims due
   rows (a lease, the attempt counted, atomically on both databases: portal/leases.py)
   and commits; calls the platform outside any transaction; applies the answer under the
   row lock and commits.
   DONE and REFUSED move the call through lifecycle.PLATFORM_CALL and run what follows
   (portal/shops/call_outcomes.py); RETRY (timeout, 429, 5xx, no connection) leaves it
   pending with a backoff. The same key is sent again, so the platform never makes it twice.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import asdict
from datetime import timedelta

from flask import Flask, current_app, g
from sqlalchemy import select

from portal import leases, lifecycle, outbox
from portal.extensions import db
from portal.lifecycle import shops as states
from portal.models import PlatformCall, ReturnRequest
from portal.models.base import utcnow
from portal.shops import credentials
from portal.shops.platform import (
    DONE,
    PLATFORMS,
    REFUSED,
    RETRY,
    Answer,
    PlatformCredit,
    ReplacementLine,
    ReplacementOrder,
    Reservation,
)
from portal.shops.secrets import SecretsUnavailable

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
CREDIT, RESERVE, RELEASE, REPLACEMENT = "credit", "reserve", "release", "replacement"
_SENDING: ContextVar[int | None] = ContextVar("platform_call_sending", default=None)


def sending() -> int | None:
    """The id of the PlatformCall `send_due` is sending now (None elsewhere): a connector
    without idempotency keys keeps its notes on it (portal/shops/prestashop_holds.py)."""
    return _SENDING.get()


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def by_key(key: str) -> PlatformCall | None:
    return db.session.scalar(select(PlatformCall).where(PlatformCall.key == key))


def queue(kind: str, platform: str, key: str, data, *, actor_type: str = "system", **links):
    """Add the call (once per key) to be sent after commit; flush, never commit."""
    found = by_key(key)
    if found is not None:
        return found
    payload = data if isinstance(data, dict) else asdict(data)
    call = PlatformCall(platform=platform, kind=kind, key=key, payload=_plain(payload), **links)
    lifecycle.apply(call, "queue", actor_type)
    call.next_attempt_at = utcnow()
    db.session.add(call)
    db.session.flush()
    g.setdefault("platform_calls", []).append(call.id)
    return call


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _lines(payload: dict) -> tuple[ReplacementLine, ...]:
    return tuple(ReplacementLine(**line) for line in payload.get("lines") or [])


def _release_target(call: PlatformCall) -> str | Answer:
    """The reservation's platform id, or what to answer when there is none (yet)."""
    held = by_key(call.payload.get("reserve_key", ""))
    if held is None or states.call_in(held, states.REFUSED):
        return Answer(DONE, reason="nothing was held")
    if held.external_id is None:
        return Answer(RETRY, reason="the reservation is not made yet")
    return held.external_id


def _made_before(call: PlatformCall) -> list[str]:
    """The platform's ids of the other replacement orders made for the same order (a
    platform without an idempotency key, PrestaShop, must not take one of them)."""
    rr = db.session.get(ReturnRequest, call.return_id) if call.return_id else None
    if rr is None:
        return []
    return list(
        db.session.scalars(
            select(PlatformCall.external_id)
            .join(ReturnRequest, PlatformCall.return_id == ReturnRequest.id)
            .where(
                ReturnRequest.order_id == rr.order_id,
                PlatformCall.platform == call.platform,
                PlatformCall.kind == REPLACEMENT,
                PlatformCall.id != call.id,
                PlatformCall.external_id.is_not(None),
            )
        )
    )


def _claim(ids: list[int] | None, limit: int) -> list[tuple[int, int, str, str, object]]:
    taken = leases.claim_due(
        PlatformCall, (PlatformCall.status == states.PENDING,), limit=limit, lease=LEASE, ids=ids
    )
    claimed = []
    for call in leases.leased_rows(PlatformCall, taken):
        data = dict(call.payload)
        if call.kind == RELEASE:
            data = _release_target(call)
        if call.kind == REPLACEMENT:
            data["made_before"] = _made_before(call)
        claimed.append((call.id, call.attempts, call.platform, call.kind, data))
    db.session.commit()
    return claimed


def _send(platform_name: str, kind: str, data) -> Answer:
    if isinstance(data, Answer):
        return data
    connector = PLATFORMS.get(platform_name)
    if connector is None:
        return Answer(RETRY, reason=f"no connector for {platform_name}")
    try:
        creds = credentials.current(platform_name)
    except SecretsUnavailable as exc:
        return Answer(RETRY, reason=f"the saved credentials cannot be read: {exc}")
    if creds is None:
        return Answer(RETRY, reason=f"no {connector.title} shop is connected")
    if kind == CREDIT:
        return connector.issue_credit(creds, PlatformCredit(**{**data, "expires_on": None}))
    if kind == RESERVE:
        return connector.reserve(creds, Reservation(data["key"], _lines(data), data["note"]))
    if kind == RELEASE:
        return connector.release(creds, data)
    if kind == REPLACEMENT:
        return connector.create_replacement(
            creds,
            ReplacementOrder(
                **{**data, "lines": _lines(data), "made_before": tuple(data.get("made_before", ()))}
            ),
        )
    return Answer(REFUSED, reason=f"unknown call {kind}")


def _lock(call_id: int) -> PlatformCall | None:
    return db.session.scalar(
        select(PlatformCall)
        .where(PlatformCall.id == call_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def apply_answer(call: PlatformCall, answer: Answer) -> str:
    from portal.shops import call_outcomes

    if not states.call_in(call, states.PENDING):
        return "unchanged"
    if answer.state == RETRY:
        call.last_error = answer.reason[:2000]
        call.next_attempt_at = utcnow() + backoff(call.attempts)
        return RETRY
    call.external_id = answer.external_id or call.external_id
    call.code = answer.code or call.code
    call.next_attempt_at = None
    if answer.state == DONE:
        lifecycle.apply(call, "platform_accept", "system")
        call.done_at, call.last_error = utcnow(), ""
        call_outcomes.done(call)
        return DONE
    call.reason = (answer.reason or "refused")[:2000]
    lifecycle.apply(call, "platform_refuse", "system")
    call_outcomes.refused(call)
    return REFUSED


def send_due(ids: list[int] | None = None, limit: int = 20) -> dict[str, int]:
    counts = {DONE: 0, REFUSED: 0, RETRY: 0, "skipped": 0}
    for call_id, attempt, platform_name, kind, data in _claim(ids, limit):
        token = _SENDING.set(call_id)
        try:
            answer = _send(platform_name, kind, data)  # no transaction is open here
        finally:
            _SENDING.reset(token)
        call = _lock(call_id)
        if call is None or call.attempts != attempt:
            counts["skipped"] += 1
        else:
            result = apply_answer(call, answer)
            counts[result if result in counts else "skipped"] += 1
        db.session.commit()
    return counts


def retry(call_id: int) -> PlatformCall:
    """Staff: a refused call is tried again, with the same key."""
    call = _lock(call_id)
    lifecycle.apply(call, "staff_retry", "staff")
    call.reason, call.attempts, call.next_attempt_at = "", 0, utcnow()
    db.session.flush()
    g.setdefault("platform_calls", []).append(call.id)
    return call


def refused_calls(limit: int = 50) -> list[PlatformCall]:
    return list(
        db.session.scalars(
            select(PlatformCall)
            .where(PlatformCall.status == states.REFUSED)
            .order_by(PlatformCall.id.desc())
            .limit(limit)
        )
    )


def _send_after_request(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            send_due(ids)
            if app.config.get("DELIVER_MAIL_AFTER_REQUEST"):
                outbox.deliver_due()
        except Exception:
            db.session.rollback()
            app.logger.exception("platform calls: sending after request failed")


def init_app(app: Flask) -> None:
    @app.after_request
    def send_platform_calls_soon(response):
        ids = g.pop("platform_calls", None)
        if not ids or not app.config.get("SEND_REFUNDS_AFTER_REQUEST", True):
            return response
        real_app = current_app._get_current_object()  # noqa: SLF001 (Flask's documented way)
        response.call_on_close(lambda: _send_after_request(real_app, list(ids)))
        return response
