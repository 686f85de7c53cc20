"""The carrier interface: issue a return label, void it, read a tracking event.

Implementations: `local.LocalRelayCarrier` (default, no network) and
`easypost_carrier.EasyPostCarrier` (when EASYPOST_API_KEY is set).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from labels import Address, LabelItem, RelayPointInfo

# Our tracking vocabulary; carriers map theirs onto it.
TRACKING_STATUSES = ("pre_transit", "in_transit", "out_for_delivery", "delivered", "failure")


@dataclass(frozen=True)
class LabelRequest:
    rma: str
    sender: Address
    recipient: Address
    relay_point: RelayPointInfo | None
    items: tuple[LabelItem, ...]
    weight_grams: int
    status_url: str
    locale: str
    valid_days: int
    # The carrier's shipment id from an earlier attempt whose outcome is unknown
    # (timeout): the carrier must look it up and reuse its label rather than buy twice.
    previous_shipment_id: str | None = None


@dataclass(frozen=True)
class IssuedLabel:
    carrier: str
    tracking_code: str
    pdf: bytes
    shipment_id: str | None = None


@dataclass(frozen=True)
class TrackingUpdate:
    event_id: str
    tracking_code: str
    status: str  # one of TRACKING_STATUSES
    occurred_at: datetime | None = None


class CarrierError(Exception):
    """A label could not be bought.

    retryable: try again later (timeout, 5xx, 429, dropped connection).
    shipment_id: the shipment created before the failure, to look up on retry.
    retry_after: seconds the carrier asked us to wait (429), if it said.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        shipment_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.shipment_id = shipment_id
        self.retry_after = retry_after


class Carrier(Protocol):
    name: str

    def issue_label(self, request: LabelRequest) -> IssuedLabel: ...

    def void_label(self, tracking_code: str, shipment_id: str | None) -> None: ...
