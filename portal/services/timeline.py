"""A return's story for the customer: the steps, their dates, and what happens next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select

from portal import lifecycle
from portal.extensions import db
from portal.i18n import fmt_date
from portal.models import AuditEvent, Refund, ReturnRequest
from portal.payments.lines import payment_line
from portal.services import repair_timeline
from portal.services.warehouse import promised_by


def _actions(*events: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(lifecycle.RETURN.event(e).action for e in events))


# Each step of the customer's progress bar, dated by the first of these events.
STEP_ACTIONS = {
    "requested": _actions("request"),
    "label_issued": _actions("issue_label"),
    "in_transit": _actions("carrier_scan"),
    "received": _actions("receive"),
    "inspected": _actions("inspect"),
    # ticked when money or goods actually left: a refund *sent* (not merely approved),
    # store credit issued, or an exchange shipped
    "resolved": ("refund_sent", "store_credit_issued", *_actions("ship_exchange")),
}


@dataclass
class Step:
    key: str
    title: str
    when: datetime | None
    passed: bool = False  # done, or a later step is: never an unticked hole between ticks
    note: str = ""  # why a passed step has no date ("not scanned by the carrier")

    @property
    def done(self) -> bool:
        return self.when is not None


@cache  # built on first use, then shared: a statement is immutable
def _events() -> Select:
    by_return = AuditEvent.return_id == bindparam("return_id")
    return select(AuditEvent).where(by_return).order_by(AuditEvent.id)


def events(rr: ReturnRequest) -> list[AuditEvent]:
    return list(db.session.scalars(_events(), {"return_id": rr.id}))


def when(event: AuditEvent) -> datetime:
    """When it happened: a carrier scan's own time (`occurred_at`, from the carrier), not
    when we heard of it; for everything else, when we recorded it."""
    raw = (event.details or {}).get("occurred_at")
    if isinstance(raw, str):
        try:
            found = datetime.fromisoformat(raw)
        except ValueError:
            found = None
        if found is not None and found.tzinfo is not None:
            return found
    return event.created_at


def history(rr: ReturnRequest, read: list[AuditEvent] | None = None) -> list[tuple[datetime, str]]:
    """The customer's history lines: (when it happened, in their words[, where]); `read`
    is the return's events when the caller has them already."""
    lines = []
    for event in events(rr) if read is None else read:
        text = friendly(event)
        if not text:
            continue
        place = (event.details or {}).get("location") if event.actor_type == "carrier" else None
        lines.append((when(event), f"{text} — {place}" if place else text))
    return lines


def steps(rr: ReturnRequest, read: list[AuditEvent] | None = None) -> list[Step]:
    """The progress bar; `read` is the return's events when the caller has them already."""
    first: dict[str, datetime] = {}
    for event in events(rr) if read is None else read:
        first.setdefault(event.action, when(event))
    titles = {
        "requested": _("Return requested"),
        "label_issued": _("Label ready"),
        "in_transit": _("Parcel dropped off"),
        "received": _("Received at our warehouse"),
        "inspected": _("Inspected"),
        "resolved": repair_timeline.resolved_title(rr) or _("Refunded or exchange shipped"),
    }
    dated = []
    for key, actions in STEP_ACTIONS.items():
        dates = [first[a] for a in actions if a in first]
        at = min(dates) if dates else None
        if key == "resolved":  # ticked once nothing is open (a failed refund reopens it)
            at = (at or rr.resolved_at) if lifecycle.is_in(rr, "resolved") else None
        dated.append((key, at))
    result = []
    for index, (key, at) in enumerate(dated):
        later = any(w is not None for _key, w in dated[index + 1 :])
        note = ""
        if at is None and later:  # skipped: the parcel got further without this event
            note = _("not scanned by the carrier") if key == "in_transit" else ""
        result.append(Step(key, titles[key], at, at is not None or later, note))
    return result


# Each event the customer is told of, in their words (translated when shown: a page reads
# one line per event, not the whole table); None for an internal event.
_LINES = {
    "return_requested": lambda: _("You asked to return items."),
    "return_kept": lambda: _("You keep the items: there is nothing to send back."),
    "label_issued": lambda: _("Your prepaid label was created."),
    "label_reissued": lambda: _("A new label was created; the previous one no longer works."),
    "label_failed": lambda: None,
    "carrier_scan": lambda: _("The carrier picked up your parcel."),
    "arriving_at_warehouse": lambda: _("The carrier delivered your parcel to our warehouse."),
    "parcel_received": lambda: _("We received your parcel."),
    "items_inspected": lambda: _("We inspected your items."),
    "exchange_shipped": lambda: _("Your exchange was shipped."),
    "return_cancelled": lambda: _("The return was cancelled."),
    "return_expired": lambda: _("The label expired before the parcel was sent."),
    "goodwill_gesture": lambda: _("We added a gesture of goodwill."),
}


def friendly(event: AuditEvent) -> str | None:
    """The event in the customer's words; None for internal events."""
    mine, line = payment_line(event)  # refunds and store credit: portal/payments/lines.py
    if mine:
        return line
    text = _LINES.get(event.action)
    return (text() if text else None) or repair_timeline.line(event)


def _refunds(rr: ReturnRequest) -> list[Refund]:
    return list(db.session.scalars(select(Refund).where(Refund.return_id == rr.id)))


def next_step(rr: ReturnRequest, label_valid_days: int) -> str:
    if repair := repair_timeline.next_step(rr):
        return repair
    label = rr.current_label
    phase = lifecycle.phase(rr)
    if phase == "preparing":
        return _("Your label is being prepared — we'll e-mail it to you in a few minutes.")
    collected = rr.relay_point is not None and rr.relay_point.kind == "letterbox"
    if phase == "ready" and label is not None and collected and rr.collection_date:
        return _(
            "Print the label, stick it on the parcel and leave it in your letterbox on "
            "%(date)s: a Colissimo agent collects it from there.",
            date=fmt_date(rr.collection_date, "full"),
        )
    if phase == "ready" and label is not None and collected:  # the collection was not booked
        return _(
            "We could not book the collection from your letterbox. Print the label, stick it "
            "on the parcel and take it to any post office or Colissimo pickup point before "
            "%(date)s.",
            date=fmt_date(label.expires_at.date()),
        )
    if phase == "ready" and label is not None:
        return _(
            "Print the label, stick it on the parcel and drop it off at your relay point "
            "before %(date)s.",
            date=fmt_date(label.expires_at.date()),
        )
    if phase == "travelling":
        return _("Your parcel is on its way to us. We'll e-mail you when it arrives.")
    if phase in ("checking", "done") and any(lifecycle.still_owed(r) for r in _refunds(rr)):
        # inspected, refunded by support, but the money has not left yet
        return _("Your refund is approved; we'll e-mail you as soon as it has been sent.")
    if phase == "checking" and rr.received_at is not None:
        by = fmt_date(promised_by(rr).date())
        return _("We're checking your items. Your refund or exchange follows by %(date)s.", date=by)
    if phase == "done":
        return _("All done. Thank you!")
    if phase == "cancelled":
        return _("This return was cancelled. You can start a new one at any time.")
    if phase == "expired":
        return _("The label expired. You can start a new return from the first page.")
    return ""
