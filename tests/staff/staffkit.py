"""Helpers for the back-office tests: read pages and e-mails, drive the staff routes."""

from __future__ import annotations

from portal.extensions import db
from portal.models import AuditEvent, Refund, ReturnRequest
from tests.htmlkit import Page


def text_of(mail) -> str:
    """The plain-text body with non-breaking spaces made plain, to compare amounts."""
    body = mail.get_body(("plain",)).get_content()
    return body.replace("\xa0", " ").replace("\u202f", " ")


class PageText(str):
    """A page's visible text (a plain `str` to search in), with the parsed page at
    `.page` (tests/htmlkit.py: `.page.ids`, `.page.by_id(...)`, `.page.soup.select(...)`)."""

    page: Page


def page(response) -> PageText:
    """The page's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    parsed = Page(response.get_data(as_text=True))
    text = PageText(parsed.text)
    text.page = parsed
    return text


def reload(rr: ReturnRequest) -> ReturnRequest:
    db.session.expire_all()
    return db.session.get(ReturnRequest, rr.id)


def actions(rr: ReturnRequest) -> list[str]:
    return [
        e.action
        for e in db.session.query(AuditEvent).filter_by(return_id=rr.id).order_by(AuditEvent.id)
    ]


def refund_count() -> int:
    return db.session.query(Refund).count()


class Desk:
    """What a staff member does, through the HTTP routes (follows the redirect)."""

    def __init__(self, client) -> None:
        self.client = client

    def receive(self, rr, quantities: dict | None = None, note: str = "", **extra):
        data = {"note": note, **extra}
        for item in rr.items:
            qty = (quantities or {}).get(item.id, item.quantity - item.received_quantity)
            data[f"qty-{item.id}"] = str(qty)
        return self.client.post(
            f"/staff/returns/{rr.rma}/receive", data=data, follow_redirects=True
        )

    def diagnose(
        self, rr, grade: str = "A", reject: str = "", note: str = "", items=None, send=True
    ):
        """Grade items; with a reason to reject, `send=False` stops at the e-mail preview."""
        data = {"send": "1"} if send else {}
        for item in items or rr.items:
            data[f"grade-{item.id}"] = grade
            data[f"diagnosis-note-{item.id}"] = note
            data[f"reject-{item.id}"] = reject
        return self.client.post(
            f"/staff/returns/{rr.rma}/diagnose", data=data, follow_redirects=True
        )

    def refund(self, rr, item=None):
        item = item or rr.items[0]
        return self.client.post(
            f"/staff/returns/{rr.rma}/items/{item.id}/refund", follow_redirects=True
        )

    def ship(self, rr, item=None):
        item = item or rr.items[0]
        return self.client.post(
            f"/staff/returns/{rr.rma}/items/{item.id}/ship-exchange", follow_redirects=True
        )

    def send_back(self, rr, item=None):
        item = item or rr.items[0]
        return self.client.post(
            f"/staff/returns/{rr.rma}/items/{item.id}/send-back", follow_redirects=True
        )


def flush_mail(mailbox) -> None:
    """Send what the factories queued (label e-mails) and forget it: start from an empty box."""
    from portal import outbox

    outbox.deliver_due()
    mailbox.clear()


def gift_return(factory, *, resolution: str = "store_credit", locale: str = "fr"):
    """A gift return of one TEE-M by its recipient, Léa, with a label issued."""
    import uuid
    from datetime import date

    from portal.services.labels import issue_label
    from portal.services.policy import current_policy
    from portal.services.returns import Contact, ItemChoice, ReturnDraft, create_return

    order = factory.order(email="buyer@example.fr", gift_code=f"GIFT-{uuid.uuid4().hex[:8]}")
    line = order.lines[0]
    rr = create_return(
        ReturnDraft(
            order_id=order.id,
            items=[ItemChoice(line.id, 1, "too_small", resolution)],
            relay_point_id=factory.relay_point().id,
            locale=locale,
            submission_key=uuid.uuid4().hex,
            gift=True,
            contact=Contact(
                name="Léa Roux",
                email="lea@example.fr",
                line1="2 rue Neuve",
                postcode="75011",
                city="Paris",
            ),
        ),
        policy=current_policy(),
        today=date.today(),
    )
    issue_label(rr)
    db.session.commit()
    return rr
