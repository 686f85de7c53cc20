"""Driving the kept journey through the test client."""

from __future__ import annotations

from tests.customer.pagekit import item_fields, lookup


def choose(client, order, *lines, reason="damaged", resolution="refund"):
    """Lookup, then the items page with `lines` (1 unit each); returns the items response."""
    assert lookup(client, order).status_code == 302
    data = {}
    for line in lines:
        data.update(item_fields(line, reason=reason, resolution=resolution))
    return client.post("/return/items", data=data)
