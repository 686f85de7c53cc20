"""Mondial Relay tracing (WSI2_TracingColisDetaille) as tracking updates. No Flask in here.

The answer (WSDL): `STAT`, `Libelle01`, `Relais_Libelle`, `Relais_Num`, `Libelle02`, and
`Tracing`, a list of scans each with `Libelle`, `Date` (dd/mm/yy), `Heure` (HH:MM),
`Emplacement`, `Relais_Num`, `Relais_Pays`. The parcel's state is the STAT: 80 registered,
81 handled by Mondial Relay, 82 delivered, 83 anomaly (Mondial Relay's code list); the scans
carry no code of their own. So each scan becomes an update with its own date and place: the
latest carries the state of the STAT, the earlier ones are "in transit" (they are scans in the
network), or "pre_transit" while the parcel is only registered. A return (`ModeLiv=LCC`) is
delivered to the shop: Mondial Relay has no "held at a point" state for it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.carriers.base import TrackingUpdate
from portal.carriers.mondial_relay_client import (
    SERVICE_STATS,
    Client,
    Settings,
    SoapFailure,
    stat_of,
    stat_text,
)

STAT_STATUS = {80: "pre_transit", 81: "in_transit", 82: "delivered", 83: "failure"}
NOT_YET_KNOWN = frozenset({94})  # "unknown parcel": not registered yet


class TracingUnavailable(Exception):
    """The service did not answer, or failed: poll again later."""


def paris() -> timezone | ZoneInfo:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # pragma: no cover - no tz database on this machine
        return timezone(timedelta(hours=1))


def trace(settings: Settings, number: str) -> list[TrackingUpdate]:
    """The expedition's scans as updates, oldest first; [] when there is nothing yet."""
    client = Client(settings)
    try:
        result = client.call("WSI2_TracingColisDetaille", {"Expedition": number, "Langue": "FR"})
    except SoapFailure as exc:
        raise TracingUnavailable(f"Mondial Relay tracing of {number}: {exc}") from exc
    stat = stat_of(result)
    if stat in NOT_YET_KNOWN:
        return []
    if stat is None or stat in SERVICE_STATS or stat not in STAT_STATUS:
        raise TracingUnavailable(
            f"Mondial Relay tracing of {number}: STAT {stat} ({stat_text(stat or -1)})"
        )
    return updates(number, stat, result)


def updates(number: str, stat: int, result: dict[str, Any]) -> list[TrackingUpdate]:
    scans = ((result.get("Tracing") or {}).get("ret_WSI2_sub_TracingColisDetaille")) or []
    state = STAT_STATUS[stat]
    earlier = "pre_transit" if stat == 80 else "in_transit"
    found = []
    for scan in scans:
        if not isinstance(scan, dict):
            continue
        label, when = _text(scan.get("Libelle")), _when(scan.get("Date"), scan.get("Heure"))
        if not label and when is None:
            continue  # the service pads the list with empty entries
        found.append((when, label, _place(scan)))
    if not found:  # no scan yet, only the state
        label = _text(result.get("Libelle01"))
        found.append((None, label, _text(result.get("Relais_Libelle"))))
    found.sort(key=lambda item: item[0] or datetime.min.replace(tzinfo=UTC))
    out = []
    for index, (when, label, place) in enumerate(found):
        status = state if index == len(found) - 1 else earlier
        digest = hashlib.sha1(f"{when}|{label}|{place}|{status}".encode()).hexdigest()[:16]
        out.append(
            TrackingUpdate(
                event_id=f"mondial_relay:{number}:{digest}",
                tracking_code=number,
                status=status,
                occurred_at=when,
                location=place,
                description=label,
            )
        )
    return out


def _place(scan: dict[str, Any]) -> str:
    place, relay = _text(scan.get("Emplacement")), _text(scan.get("Relais_Num"))
    if relay:
        country = _text(scan.get("Relais_Pays"))
        relay = f"{place + ' — ' if place else ''}Point Relais {country}-{relay}".strip()
        return relay.replace(" -", " ").strip()
    return place


def _when(date: Any, clock: Any) -> datetime | None:
    day, hour = _text(date), _text(clock) or "00:00"
    for pattern in ("%d/%m/%y %H:%M", "%d/%m/%Y %H:%M"):
        try:
            local = datetime.strptime(f"{day} {hour}", pattern)
        except ValueError:
            continue
        return local.replace(tzinfo=paris()).astimezone(UTC)
    return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""
