"""Mondial Relay drop-off points, live, from WSI4_PointRelais_Recherche. No Flask in here.

The answer's shape (docs/carriers.md, checked against a recorded real answer): `Num`, name in
`LgAdr1`/`LgAdr2`, street in `LgAdr3`/`LgAdr4` (padded with spaces), `Latitude`/`Longitude`
with a decimal comma, `Distance` in metres from the searched place, and per day
`Horaires_<Lundi…Dimanche>` four HHMM strings — two opening slots, `0000` for none. Lockers are
the points whose `Information` says `LOCKER`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.carriers.mondial_relay_client import (
    Client,
    Settings,
    SoapFailure,
    stat_of,
    stat_text,
)

DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
# Postcode or place errors: the customer should type another postcode.
PLACE_STATS = frozenset({9, 16, 18, 19, 40})

Slot = tuple[str, str]  # ("09:00", "12:30")


@dataclass(frozen=True)
class LivePoint:
    number: str  # Mondial Relay's "Num"
    name: str
    street: str
    postcode: str
    city: str
    country: str
    latitude: float
    longitude: float
    kind: str  # "locker" or "relay"
    hours: dict[int, tuple[Slot, ...]]  # 0 = Monday; a day without slots is closed
    distance_m: int | None


class PointSearchError(Exception):
    """No list from the service. `postcode_rejected`: the service refused the postcode (the
    customer should correct it); otherwise the service failed or did not answer."""

    def __init__(self, message: str, *, postcode_rejected: bool = False) -> None:
        super().__init__(message)
        self.postcode_rejected = postcode_rejected


def search_points(
    settings: Settings, postcode: str, country: str = "FR", limit: int = 10, timeout: float = 2.0
) -> list[LivePoint]:
    """The points around a postcode, nearest first (the service's order)."""
    client = Client(settings, timeout=timeout)
    params = {"Pays": country.upper(), "CP": postcode, "NombreResultats": limit}
    try:
        result = client.call("WSI4_PointRelais_Recherche", params)
    except SoapFailure as exc:
        raise PointSearchError(f"Mondial Relay point search failed: {exc}") from exc
    stat = stat_of(result)
    if stat != 0:
        text = f"Mondial Relay point search: STAT {stat} ({stat_text(stat or -1)})"
        raise PointSearchError(text, postcode_rejected=stat in PLACE_STATS)
    details = (result.get("PointsRelais") or {}).get("PointRelais_Details") or []
    points = [point for point in (_point(d, country) for d in details) if point is not None]
    return points[:limit]


def _point(data: dict[str, Any], country: str) -> LivePoint | None:
    number = _text(data.get("Num"))
    latitude, longitude = _number(data.get("Latitude")), _number(data.get("Longitude"))
    if not number or latitude is None or longitude is None:
        return None
    name = " ".join(p for p in (_text(data.get("LgAdr1")), _text(data.get("LgAdr2"))) if p)
    street = " ".join(p for p in (_text(data.get("LgAdr3")), _text(data.get("LgAdr4"))) if p)
    information = _text(data.get("Information")).upper()
    distance = _number(data.get("Distance"))
    return LivePoint(
        number=number,
        name=name or number,
        street=street,
        postcode=_text(data.get("CP")),
        city=_text(data.get("Ville")),
        country=_text(data.get("Pays")) or country.upper(),
        latitude=latitude,
        longitude=longitude,
        kind="locker" if "LOCKER" in information else "relay",
        hours={i: _slots(data.get(f"Horaires_{day}")) for i, day in enumerate(DAYS)},
        distance_m=int(distance) if distance is not None else None,
    )


def _slots(value: Any) -> tuple[Slot, ...]:
    strings = (value or {}).get("string") if isinstance(value, dict) else value
    times = [_text(s) for s in strings or []]
    slots = []
    for opens, closes in zip(times[0::2], times[1::2], strict=False):
        if opens == closes == "0000" or not (_hhmm(opens) and _hhmm(closes)):
            continue
        slots.append((f"{opens[:2]}:{opens[2:]}", f"{closes[:2]}:{closes[2:]}"))
    return tuple(slots)


def _hhmm(value: str) -> bool:
    return len(value) == 4 and value.isdigit() and int(value[:2]) < 24 and int(value[2:]) < 60


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _number(value: Any) -> float | None:
    try:
        return float(_text(value).replace(",", "."))
    except ValueError:
        return None
