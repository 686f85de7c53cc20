"""Colissimo tracking through La Poste's tracking API ("Suivi" v2), as tracking updates.

`GET <LAPOSTE_TRACKING_API_URL>/<parcel number>` with the `X-Okapi-Key` header; the answer's
`shipment.event[]` has a `code`, a `label` and an ISO `date` (docs/carriers.md). Colissimo has
no webhooks for us: the tracking worker polls. No Flask in here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests

from portal.carriers.base import TrackingUpdate

DEFAULT_URL = "https://api.laposte.fr/suivi/v2/idships"
DEFAULT_TIMEOUT = 10.0

# La Poste's event codes -> ours. AG1 ("waiting to be collected at the counter") is a parcel
# held at a point, not delivered to us; RE1/DI2 went back to the sender.
EVENT_STATUS: dict[str, str] = {
    "DR1": "pre_transit",
    **dict.fromkeys(
        ("PC1", "PC2", "ET1", "ET2", "ET3", "ET4", "EP1", "DO1", "DO2", "PB2"), "in_transit"
    ),
    "MD2": "out_for_delivery",
    "AG1": "held_at_point",
    "DI1": "delivered",
    **dict.fromkeys(("RE1", "DI2"), "returned_to_sender"),
    **dict.fromkeys(("PB1", "ND1", "DO3"), "failure"),
}


class TrackingUnavailable(Exception):
    """The tracking API did not answer, or failed: poll again later."""


@dataclass(frozen=True)
class TrackingSettings:
    api_key: str
    url: str = DEFAULT_URL
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TrackingSettings:
        return cls(
            api_key=str(config.get("LAPOSTE_TRACKING_API_KEY") or "").strip(),
            url=str(config.get("LAPOSTE_TRACKING_API_URL") or DEFAULT_URL).rstrip("/"),
            timeout=float(config.get("COLISSIMO_TIMEOUT") or DEFAULT_TIMEOUT),
        )

    @property
    def configured(self) -> bool:
        return bool(self.api_key)


def track(settings: TrackingSettings, number: str) -> list[TrackingUpdate]:
    """The parcel's events as updates, oldest first; [] when La Poste does not know it yet."""
    try:
        response = requests.get(
            f"{settings.url}/{number}",
            headers={"X-Okapi-Key": settings.api_key, "Accept": "application/json"},
            timeout=settings.timeout,
        )
    except requests.RequestException as exc:
        raise TrackingUnavailable(f"Colissimo tracking of {number}: {exc}") from exc
    if response.status_code == 404:
        return []
    if response.status_code != 200:
        raise TrackingUnavailable(f"Colissimo tracking of {number}: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as exc:
        raise TrackingUnavailable(f"Colissimo tracking of {number}: not JSON") from exc
    shipment = body.get("shipment") if isinstance(body, dict) else None
    if shipment is None and isinstance(body, dict) and body.get("responses"):
        shipment = (body["responses"][0] or {}).get("shipment")
    events = (shipment or {}).get("event") or []
    out = []
    for event in events:
        status = EVENT_STATUS.get(str(event.get("code") or ""))
        when = _when(event.get("date"))
        if status is None:
            continue  # a code we do not know: not guessed
        label = " ".join(str(event.get("label") or "").split())
        digest = hashlib.sha1(f"{event.get('code')}|{event.get('date')}".encode()).hexdigest()
        out.append(
            TrackingUpdate(
                event_id=f"colissimo:{number}:{digest[:16]}",
                tracking_code=number,
                status=status,
                occurred_at=when,
                description=label,
            )
        )
    out.sort(key=lambda u: u.occurred_at or datetime.min.replace(tzinfo=UTC))
    return out


def _when(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
