"""Reading customer pages the way a person (or a browser without JavaScript) would, and
driving the journey through the test client with the same form fields the pages offer.

The reading is tests/htmlkit.py's (BeautifulSoup); its names are re-exported here.
"""

from __future__ import annotations

from portal.extensions import db
from portal.models import ReturnRequest
from tests.htmlkit import Control, Form, Page, page, squash

__all__ = [
    "Control",
    "Form",
    "Page",
    "confirm",
    "item_fields",
    "lookup",
    "page",
    "returns",
    "squash",
    "to_review",
]


# --- driving the journey -------------------------------------------------------------


def lookup(client, order, contact: str | None = None, number: str | None = None, **kw):
    return client.post(
        "/lookup",
        data={"number": number or order.number, "contact": contact or order.email},
        **kw,
    )


def item_fields(
    line,
    quantity: int = 1,
    reason: str = "too_small",
    resolution: str = "refund",
    exchange=None,
    comment: str = "",
) -> dict[str, str]:
    key = f"item-{line.id}"
    data = {
        f"{key}-quantity": str(quantity),
        f"{key}-reason": reason,
        f"{key}-resolution": resolution,
        f"{key}-comment": comment,
    }
    if exchange is not None:
        data[f"{key}-exchange"] = str(getattr(exchange, "id", exchange))
    return data


def to_review(client, order, point, items: dict[str, str]) -> None:
    """Lookup, items, relay point: the customer is on the review page."""
    assert lookup(client, order).status_code == 302
    response = client.post("/return/items", data=items)
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post("/return/relay", data={"relay_point_id": point.id})
    assert response.headers["Location"].endswith("/return/review")


def confirm(client):
    return client.post("/return/confirm")


def returns() -> list[ReturnRequest]:
    db.session.expire_all()
    return list(db.session.query(ReturnRequest).order_by(ReturnRequest.id))
