"""The local demo carrier: no network, tracking numbers with a check digit, our own PDF.

It is what `make run` uses offline. Its label says plainly that it is a demo valid for no
network and never carries a real network's name, not even the chosen point's network: a
customer who took it to a relay point would be turned away.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, timedelta

from labels import LabelData, render_label
from labels.data import validate_label
from portal.carriers.base import IssuedLabel, LabelRequest

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
# What the label prints instead of a carrier's and a network's name (labels/ renders them).
DEMO_CARRIER = {"fr": "DÉMO – valable sur aucun réseau", "en": "DEMO – valid for no network"}
DEMO_NETWORK = {
    "fr": "Démo : aucun réseau ne l'accepte",
    "en": "Demo: no network accepts it",
}


def _demo(texts: dict[str, str], locale: str) -> str:
    return texts.get((locale or "en")[:2], texts["en"])


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("serial must be 8 digits")
    total = sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def new_tracking_code(prefix: str = "RT", country: str = "FR") -> str:
    serial = f"{secrets.randbelow(10**8):08d}"
    return f"{prefix}{serial}{s10_check_digit(serial)}{country}"


def is_valid_tracking_code(code: str) -> bool:
    if len(code) != 13 or not code[2:11].isdigit():
        return False
    return s10_check_digit(code[2:10]) == int(code[10])


class LocalRelayCarrier:
    name = "local"
    display_name = "Demo (no network)"

    def __init__(self, today: date | None = None) -> None:
        self._today = today

    def issue_label(self, request: LabelRequest) -> IssuedLabel:
        issued = self.issue_label_undrawn(request)
        return replace(issued, pdf=render_label(issued.drawing), drawing=None)

    def issue_label_undrawn(self, request: LabelRequest) -> IssuedLabel:
        """The label without its PDF: what it says (`drawing`), checked, to be drawn when
        first needed (`portal.services.label_pdf`), outside the customer's request."""
        code = new_tracking_code()
        today = self._today or date.today()
        point = request.relay_point
        if point is not None:
            point = replace(point, network=_demo(DEMO_NETWORK, request.locale))
        drawing = LabelData(
            rma=request.rma,
            tracking_code=code,
            carrier_name=_demo(DEMO_CARRIER, request.locale),
            relay_point=point,
            sender=request.sender,
            recipient=request.recipient,
            items=request.items,
            status_url=request.status_url,
            issued_on=today,
            valid_until=today + timedelta(days=request.valid_days),
            locale=request.locale,
        )
        validate_label(drawing)  # bad data fails now, as drawing it would
        return IssuedLabel(carrier=self.name, tracking_code=code, pdf=None, drawing=drawing)

    def void_label(self, tracking_code: str, shipment_id: str | None) -> None:
        """Nothing to tell anyone: the code simply stops being accepted."""
