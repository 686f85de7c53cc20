"""Driving the claim pages through the test client."""

from __future__ import annotations

import io

from portal.claim_links import read_claim_token
from portal.services import claims
from tests.claims.conftest import photo_bytes


def find(client, order):
    return client.post("/lookup", data={"number": order.number, "contact": order.email})


def submit(client, order, kind="never_arrived", quantities=None, text="Nothing came.", photos=0):
    """Look the order up, then send the claim form; returns the response (not followed)."""
    assert find(client, order).status_code == 302
    quantities = quantities if quantities is not None else {order.lines[0].id: 1}
    data = {f"line-{line.id}": "0" for line in order.lines}
    data.update({f"line-{line_id}": str(q) for line_id, q in quantities.items()})
    data.update(kind=kind, description=text)
    data["photos"] = [(io.BytesIO(photo_bytes()), f"p{i}.jpg") for i in range(photos)]
    return client.post("/claim", data=data, content_type="multipart/form-data")


def claim_of(response):
    """The claim a successful submission redirected to."""
    token = response.headers["Location"].rsplit("/c/", 1)[1]
    return claims.by_access_key(read_claim_token(token))
