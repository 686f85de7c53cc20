"""Delivers the e-mail outbox after commit: over SMTP, or as .eml files without SMTP.

A row is claimed by moving it to `sending` with a lease (FOR UPDATE SKIP LOCKED on
PostgreSQL, so several workers can run), committed, sent outside any transaction,
then marked `sent`. A failure puts it back to `pending` with a backoff; a worker
that died mid-send leaves a lease that runs out, and the row is sent again. No
message is ever dropped.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from flask import Flask, current_app, g
from sqlalchemy import and_, or_, select

from portal.extensions import db
from portal.models import OutboxMessage, ReturnRequest
from portal.models.base import utcnow

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)


def queue(message: EmailMessage, *, kind: str, return_id: int | None = None) -> OutboxMessage:
    """Add a built message to the outbox, in the caller's transaction."""
    row = OutboxMessage(
        recipient=str(message["To"]),
        subject=str(message["Subject"]),
        kind=kind,
        return_id=return_id,
        raw=message.as_bytes(policy=policy.SMTP),
    )
    db.session.add(row)
    g.outbox_queued = True
    return row


def queue_unbuildable(
    *, recipient: str, subject: str, kind: str, return_id: int | None, error: str
) -> OutboxMessage:
    """Record, in the caller's transaction, a message that could not be built: never sent,
    listed for staff (`undelivered`) with the reason."""
    row = OutboxMessage(
        recipient=_printable(recipient)[:254],
        subject=_printable(subject)[:300],
        kind=kind,
        return_id=return_id,
        raw=b"",
        status="failed",
        last_error=_printable(error)[:1000],
    )
    db.session.add(row)
    return row


def _printable(text: str | None) -> str:
    return "".join(c if c.isprintable() else " " for c in (text or ""))


STILL_FAILING_AFTER = 3  # attempts: the staff home shows it while the outbox keeps trying


def undelivered(limit: int = 50) -> list[tuple[OutboxMessage, ReturnRequest]]:
    """Customer e-mails that could not be built, or keep failing to send, newest first."""
    query = (
        select(OutboxMessage, ReturnRequest)
        .join(ReturnRequest, ReturnRequest.id == OutboxMessage.return_id)
        .where(
            or_(
                OutboxMessage.status == "failed",
                and_(
                    OutboxMessage.status.in_(("pending", "sending")),
                    OutboxMessage.attempts >= STILL_FAILING_AFTER,
                ),
            )
        )
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return [(row, rr) for row, rr in db.session.execute(query)]


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim(limit: int) -> list[int]:
    now = utcnow()
    query = (
        select(OutboxMessage)
        .where(
            or_(OutboxMessage.status == "pending", OutboxMessage.status == "sending"),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(db.session.scalars(query))
    for row in rows:
        row.status = "sending"
        row.next_attempt_at = now + LEASE
    ids = [row.id for row in rows]
    db.session.commit()
    return ids


def deliver_due(limit: int = 100) -> tuple[int, int]:
    """Send what is due. Returns (sent, failed). Commits: call outside a request's work."""
    sent = failed = 0
    for row_id in _claim(limit):
        row = db.session.get(OutboxMessage, row_id)
        try:
            send_raw(row.recipient, row.raw)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later
            row.attempts += 1
            row.status = "pending"
            row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            row.next_attempt_at = utcnow() + backoff(row.attempts)
            current_app.logger.warning("outbox: message %s not sent: %s", row.id, exc)
            failed += 1
        else:
            row.attempts += 1
            row.status = "sent"
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def send_raw(recipient: str, raw: bytes) -> None:
    config = current_app.config
    url = config.get("SMTP_URL")
    if not url:
        _write_eml(Path(config["MAIL_DIR"]), raw)
        return
    parts = urlparse(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    timeout = float(options.get("timeout", 10))
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname, port, timeout=timeout) as smtp:
        if options.get("starttls") in ("1", "true", "yes"):
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.sendmail(config["MAIL_FROM"], [recipient], raw)


def _write_eml(folder: Path, raw: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    message = message_from_bytes(raw, policy=policy.default)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{message.get('X-Retours-Kind', 'mail')}.eml"
    path.write_bytes(raw)


def _deliver_after_request(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_due()
        except Exception:
            app.logger.exception("outbox: delivery after request failed")


def _body_then(body: bytes, after) -> Iterator[bytes]:
    yield body
    after()


def init_app(app: Flask) -> None:
    @app.after_request
    def deliver_soon(response):
        """Deliver this request's e-mails once the response is out.

        Normally when the server closes the response; but werkzeug's development server
        skips `close()` when the browser drops the connection early (common after a
        redirect), so delivery also starts right after the last byte of a buffered body
        is handed to the server. Whichever comes first runs it, once.
        """
        if not (g.get("outbox_queued") and app.config.get("DELIVER_MAIL_AFTER_REQUEST")):
            return response
        real_app = current_app._get_current_object()  # noqa: SLF001 (Flask's documented way)
        done: list[bool] = []

        def deliver_once() -> None:
            if not done:
                done.append(True)
                _deliver_after_request(real_app)

        response.call_on_close(deliver_once)
        if not response.is_streamed and not response.direct_passthrough:
            body = response.get_data()
            response.headers["Content-Length"] = str(len(body))
            response.response = _body_then(body, deliver_once)
        return response
