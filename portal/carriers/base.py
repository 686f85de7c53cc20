"""The carrier interface: issue a return label, void it, read a tracking event.

Implementations: `local.LocalRelayCarrier` (default, no network, a demo label),
`easypost_carrier.EasyPostCarrier` (EASYPOST_API_KEY), `mondial_relay.MondialRelayCarrier`
(MONDIAL_RELAY_ENSEIGNE and MONDIAL_RELAY_PRIVATE_KEY) and `colissimo.ColissimoCarrier`
(COLISSIMO_CONTRACT_NUMBER and COLISSIMO_PASSWORD). See docs/carriers.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from labels import Address, LabelData, LabelItem, RelayPointInfo

# Our tracking vocabulary; every carrier maps its own onto it (docs/carriers.md, "One
# vocabulary"). "held_at_point": waiting at a relay point, locker or post office counter — on its
# way, not yet with us; "delivered": delivered to the warehouse. "returned_to_sender", "failure"
# and "cancelled" need someone to act.
TRACKING_STATUSES = (
    "pre_transit",
    "in_transit",
    "out_for_delivery",
    "held_at_point",
    "delivered",
    "returned_to_sender",
    "failure",
    "cancelled",
)
NEEDS_ACTION = ("returned_to_sender", "failure", "cancelled")


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
    # The chosen point's own id in its network (Mondial Relay's "Num"), and its country; None
    # when the customer may drop the parcel anywhere in the network (Mondial Relay "AUTO").
    relay_point_code: str | None = None
    relay_point_country: str = "FR"
    contact_email: str = ""
    # Colissimo letterbox collection (retour en boîte aux lettres): the day the customer chose
    # among those the service proposed; None = they drop the parcel off themselves.
    collection_date: date | None = None


@dataclass(frozen=True)
class IssuedLabel:
    carrier: str
    tracking_code: str
    # None when the label is ours to draw and not drawn yet: `drawing` says what it shows
    pdf: bytes | None
    shipment_id: str | None = None
    # a letterbox collection was asked for: was it booked? (None: none was asked for)
    collection_booked: bool | None = None
    drawing: LabelData | None = None


@dataclass(frozen=True)
class TrackingUpdate:
    event_id: str
    tracking_code: str
    status: str  # one of TRACKING_STATUSES
    occurred_at: datetime | None = None  # when the scan happened, not when we heard of it
    location: str = ""  # where, as the carrier says it (city, relay point)
    description: str = ""  # the carrier's own words


class CarrierError(Exception):
    """A label could not be bought.

    retryable: try again later (timeout, 5xx, 429, dropped connection).
    shipment_id: the shipment created before the failure, to look up on retry.
    retry_after: seconds the carrier asked us to wait (429), if it said.
    problem: what the customer can fix, when the carrier rejected their input: "sender_address"
    (their address or postcode), "relay_point" (the point no longer takes parcels); else None.
    code: the carrier's own error code (Mondial Relay STAT, Colissimo message id), if any.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        shipment_id: str | None = None,
        retry_after: float | None = None,
        problem: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.shipment_id = shipment_id
        self.retry_after = retry_after
        self.problem = problem
        self.code = code


class Carrier(Protocol):
    name: str

    def issue_label(self, request: LabelRequest) -> IssuedLabel: ...

    def void_label(self, tracking_code: str, shipment_id: str | None) -> None: ...
