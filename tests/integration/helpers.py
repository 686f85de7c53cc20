"""Driving the customer journey and reading what the customer sees."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Order, RelayPoint, ReturnRequest
from portal.models.base import utcnow
from tests.htmlkit import visible

__all__ = ["visible"]  # re-exported: the page's text, as tests/htmlkit.py reads it


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@dataclass
class Journey:
    order: Order
    point: RelayPoint
    status_path: str
    page: str  # the status page's visible text, right after confirming

    @property
    def rr(self) -> ReturnRequest:
        return fresh_return(self.order)


def fresh_return(order: Order) -> ReturnRequest:
    """The return as the database holds it now (requests and commands use other sessions)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalars(select(ReturnRequest).where(ReturnRequest.order_id == order.id)).one()


def confirm_return(client, factory, *, email: str = "anne@example.fr") -> Journey:
    """Find the order, return one item for a refund, choose a relay point, confirm."""
    order = factory.order(email=email)
    point = factory.relay_point()
    db.session.commit()
    response = client.post("/lookup", data={"number": order.number, "contact": email})
    assert response.status_code == 302, response.get_data(as_text=True)
    line = order.lines[0]
    response = client.post(
        "/return/items",
        data={
            f"item-{line.id}-quantity": "1",
            f"item-{line.id}-reason": "too_small",
            f"item-{line.id}-resolution": "refund",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.post("/return/relay", data={"relay_point_id": point.id}).status_code == 302
    response = client.post("/return/confirm")
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    page = client.get(location)
    assert page.status_code == 200
    return Journey(order, point, location.split("?")[0], visible(page.get_data(as_text=True)))


def status_text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return visible(response.get_data(as_text=True))


def make_due(rr: ReturnRequest) -> None:
    """Move the next label attempt into the past, as if the wait were over."""
    rr.label_next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def actions(rr: ReturnRequest) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.return_id == rr.id).order_by(AuditEvent.id)
        )
    )


def invoke(runner, *args: str, ok: bool = True):
    result = runner.invoke(args=list(args))
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result
