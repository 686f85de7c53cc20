"""Waiting for an e-mail the live server sends just after its response."""

from __future__ import annotations

import time

from portal.extensions import db
from portal.models import OutboxMessage


def wait_for_mail(mailbox, address: str, kind: str, timeout: float = 10.0):
    """The e-mail of `kind` to `address`: the outbox sends it just after the response."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mailbox.to(address):
            if message["X-Retours-Kind"] == kind:
                return message
        time.sleep(0.05)
    db.session.expire_all()
    outbox = [
        (row.kind, row.status, row.attempts)
        for row in db.session.query(OutboxMessage).order_by(OutboxMessage.id)
        if address in row.recipient
    ]
    raise AssertionError(
        f"no {kind!r} e-mail for {address} after {timeout} s; received {mailbox.kinds(address)}; "
        f"outbox (kind, status, attempts): {outbox}"
    )
