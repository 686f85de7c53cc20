"""Walk returns to the points the follow-up looks at; read the follow-up's e-mails."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from portal.carriers.base import TrackingUpdate
from portal.extensions import db
from portal.models import ReturnRequest
from portal.outbox import deliver_due
from portal.services import resolve, tracking, warehouse
from portal.services.followup import run

LINK = re.compile(r"https?://[^\s/]+/feedback/[^\s<>\"/]+/([1-5])")


def received(factory, *, locale: str = "fr", resolution: str = "refund", email=None):
    order = factory.order(email=email) if email else factory.order()
    rr = factory.return_(order, locale=locale, resolution=resolution)
    [item] = rr.items
    warehouse.receive_parcel(rr, {item.id: 1}, actor="w@example.fr")
    db.session.commit()
    return rr


def resolved(factory, *, locale: str = "fr", pay: bool = True, email=None) -> ReturnRequest:
    """Received, inspected and refunded (paid by hand unless `pay` is False)."""
    rr = received(factory, locale=locale, email=email)
    [item] = rr.items
    warehouse.diagnose(rr, {item.id: ("A", "", "")}, actor="w@example.fr")
    refund = resolve.issue_refund(rr, item, actor="s@example.fr")
    db.session.commit()
    if pay:
        resolve.mark_refund_paid(refund, actor="s@example.fr")
        db.session.commit()
    return rr


def held(rr: ReturnRequest, when: datetime, location: str = "Tabac de la Roquette, Paris"):
    tracking.apply_tracking(
        TrackingUpdate(
            event_id=f"held-{rr.rma}",
            tracking_code=rr.current_label.tracking_code,
            status="held_at_point",
            occurred_at=when,
            location=location,
        ),
        provider="local",
    )
    db.session.commit()


def follow_up(now: datetime) -> dict[str, int]:
    """One cron run at `now`: committed, then the outbox delivered."""
    sent = run(now)
    db.session.commit()
    deliver_due()
    return sent


def mails(mailbox, address: str, kind: str) -> list:
    return [m for m in mailbox.to(address) if m["X-Retours-Kind"] == kind]


def text_of(mail) -> str:
    text = mail.get_body(("plain",)).get_content()
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def links_of(mail) -> dict[int, str]:
    text = mail.get_body(("plain",)).get_content()
    return {int(m.group(1)): m.group(0) for m in LINK.finditer(text)}


def later(moment: datetime, **delta) -> datetime:
    return moment + timedelta(**delta)
