"""Delivers the e-mail outbox after commit: over SMTP, or as .eml files without SMTP.

A request only records what a message says (`queue`); the worker builds it here, with
its attachments, outside any transaction (`portal.emails.build`). Rows are claimed in
one atomic statement: `UPDATE … SET claim_token = <this batch> WHERE id IN (the due
rows)` — with `FOR UPDATE SKIP LOCKED` on PostgreSQL, and on SQLite, which has no row
locks, the single UPDATE runs under the database's write lock, so two workers never
take the same row. The claim is committed with a lease; the batch's messages are then
all built in one read (the label PDFs drawn and stored once, the returns their slips draw
loaded together), and each is sent on the batch's one SMTP connection and marked `sent`
(or put back to `pending` with a backoff) in its own small commit, so a worker killed
mid-batch leaves at most the message in flight to be sent again once the lease runs out.
No message is ever dropped; one that cannot be built is marked `failed` with the reason,
and staff see it (`undelivered`).
"""

from __future__ import annotations

import secrets
import smtplib
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import and_, or_, select, update

from portal.extensions import db
from portal.models import OutboxMessage, ReturnRequest
from portal.models.base import utcnow
from portal.services.label_pdf import draw_for_mail
from portal.smtp import connect as _connect

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
UNBUILDABLE = "the e-mail cannot be built from this return's data"


def queue(
    *,
    recipient: str,
    subject: str,
    kind: str,
    return_id: int | None,
    locale: str,
    context: dict,
) -> OutboxMessage:
    """Record, in the caller's transaction, what the `kind` e-mail will say."""
    row = OutboxMessage(
        recipient=recipient,
        subject=_printable(subject)[:300],
        kind=kind,
        return_id=return_id,
        locale=locale,
        context=context,
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


def _due(now):
    return and_(
        OutboxMessage.status.in_(("pending", "sending")),
        OutboxMessage.next_attempt_at <= now,
    )


def _claim(limit: int, token: str | None = None) -> list[int]:
    """Take up to `limit` due rows for this worker, atomically; returns their ids."""
    token = token or secrets.token_hex(16)
    db.session.commit()  # a fresh transaction: the claim sees every commit before it
    now = utcnow()
    due_ids = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        # row locks held to the commit: no other worker can take these rows meanwhile
        taken = list(db.session.scalars(due_ids.with_for_update(skip_locked=True)))
    else:
        taken = due_ids.scalar_subquery()  # one statement under SQLite's write lock
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(taken), _due(now))
        .values(status="sending", claim_token=token, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.claim_token == token, OutboxMessage.status == "sending")
            .order_by(OutboxMessage.id)
        )
    )


def _mark(row_id: int, token: str, **values) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claim_token == token)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def deliver_due(limit: int = 100) -> tuple[int, int]:
    """Send what is due. Returns (sent, failed). Commits: call outside a request's work."""
    from portal.emails import build

    token = secrets.token_hex(16)
    ids = _claim(limit, token)
    if not ids:
        return 0, 0
    started = time.monotonic()
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.kind,
            OutboxMessage.return_id,
            OutboxMessage.locale,
            OutboxMessage.context,
            OutboxMessage.raw,
            OutboxMessage.attempts,
        )
        .where(OutboxMessage.id.in_(ids))
        .order_by(OutboxMessage.id)
    ).all()
    pdfs = _label_pdfs(rows)
    held = _load_slip_returns(rows)  # held: the session keeps only weak references
    # every message built first, in the claim's read (the returns its slips draw loaded
    # once for the batch), then committed: nothing held open while we talk to SMTP, and
    # no commit in between expires what the next message reads
    built: list[tuple] = []
    unbuildable: list[tuple] = []
    for row in rows:
        try:
            built.append((row, row.raw or build(row, pdfs)))
        except Exception as exc:  # noqa: BLE001 - never silent: staff see the reason
            current_app.logger.warning("outbox: message %s cannot be built: %s", row.id, exc)
            unbuildable.append((row, exc))
    db.session.commit()
    del held
    for row, exc in unbuildable:
        _mark(
            row.id,
            token,
            status="failed",
            attempts=row.attempts + 1,
            last_error=_printable(f"{UNBUILDABLE}: {exc}")[:1000],
        )
    sent, failed = 0, len(unbuildable)
    with Sender(current_app.config) as sender:
        for row, raw in built:
            if time.monotonic() - started > LEASE.total_seconds() * 0.8:
                _mark(row.id, token, status="pending", next_attempt_at=utcnow())
                continue  # the lease runs out soon: let the next batch take the rest
            try:
                sender.send(row.recipient, raw)
            except Exception as exc:  # noqa: BLE001 - any failure is retried later
                attempts = row.attempts + 1
                _mark(
                    row.id,
                    token,
                    status="pending",
                    attempts=attempts,
                    last_error=f"{type(exc).__name__}: {exc}"[:1000],
                    next_attempt_at=utcnow() + backoff(attempts),
                )
                current_app.logger.warning("outbox: message %s not sent: %s", row.id, exc)
                failed += 1
            else:
                # its own commit, right after the server took it: a worker killed
                # mid-batch sends again at most the one message in flight
                _mark(
                    row.id,
                    token,
                    status="sent",
                    attempts=row.attempts + 1,
                    sent_at=utcnow(),
                    last_error=None,
                )
                sent += 1
    return sent, failed


def _load_slip_returns(rows) -> list[ReturnRequest]:
    """The returns whose confirmation carries a return slip, with what the slip reads, in
    one go for the batch (`emails.SLIP_LOADS`); `build` then finds them in the session."""
    from portal.emails import SLIP_LOADS

    wanted = {
        row.return_id
        for row in rows
        if not row.raw and row.kind == "confirmation" and row.return_id is not None
    }
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(ReturnRequest).where(ReturnRequest.id.in_(wanted)).options(*SLIP_LOADS)
        )
    )


def message_bytes(row) -> bytes:
    """The MIME bytes of one outbox row, built as the worker builds them."""
    from portal.emails import build

    return row.raw or build(row, _label_pdfs([row]))


def _label_pdfs(rows) -> dict[int, bytes]:
    """The label PDFs the batch attaches, read once (deferred: only here); a label of
    ours not drawn yet is drawn and stored now (`services.label_pdf`), committed with the
    claim's read before any message is sent."""
    wanted = {
        row.context["label"]["id"]
        for row in rows
        if not row.raw and isinstance((row.context or {}).get("label"), dict)
    }
    wanted.discard(None)
    return draw_for_mail(wanted)  # a label not drawn yet is drawn (and stored) here


class Sender:
    """One SMTP connection for a batch (opened at the first message, opened again after
    the server drops it; when it cannot be opened, the rest of the batch is not tried),
    or .eml files in MAIL_DIR without SMTP_URL."""

    def __init__(self, config) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None
        self.down: Exception | None = None

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    def send(self, recipient: str, raw: bytes) -> None:
        url = self.config.get("SMTP_URL")
        if not url:
            _write_eml(Path(self.config["MAIL_DIR"]), raw)
            return
        if self.down is not None:
            raise self.down  # the server is unreachable: the rest of the batch waits too
        if self.smtp is None:
            try:
                self.smtp = _connect(url)
            except (smtplib.SMTPException, OSError) as exc:
                self.down = exc
                raise
        try:
            self.smtp.sendmail(self.config["MAIL_FROM"], [recipient], raw)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.smtp.close()
            self.smtp = None
            raise
        except smtplib.SMTPException:
            try:  # the transaction is refused: clear it for the next message
                self.smtp.rset()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
                self.smtp = None
            raise


def send_raw(recipient: str, raw: bytes) -> None:
    """Send one built message on its own connection."""
    with Sender(current_app.config) as sender:
        sender.send(recipient, raw)


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
