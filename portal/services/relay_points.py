"""Relay points: import a network's CSV list, find the points nearest to a postcode.

Both functions use `db.session`; the import flushes but never commits (the caller
commits once, or rolls back when it raises).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import func, select

from portal import geo
from portal.extensions import db
from portal.models import RelayPoint

CSV_HEADER = (
    "id",
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "latitude",
    "longitude",
    "opening_hours",
)
REQUIRED = CSV_HEADER[:-1]  # opening_hours may be empty
MAX_LENGTHS = {"id": 64, "name": 200, "address": 300, "postcode": 16, "city": 100}
NETWORK_MAX_LENGTH = 64
SEARCH_RADII_KM = (5, 15, 50, 200)


@dataclass
class ImportReport:
    """What an import did. `updated` counts rows matching an existing point (changed
    or not); `rejected` lists (line number, reason), line 1 being the header.
    `deactivation_skipped` is set when a full import had no valid row at all: rather
    than switch the whole network off, it deactivated nothing."""

    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    deactivated: int = 0
    deactivation_skipped: bool = False


class RowError(Exception):
    """One CSV row is unusable; the message says why."""


def import_relay_points(stream: TextIO, network: str, full: bool = True) -> ImportReport:
    """Upsert the points of one network from CSV (header `CSV_HEADER`, UTF-8, commas).

    Rows are matched on (network, id). Bad rows are rejected with a reason and the
    rest goes on. A full import deactivates the network's points absent from the file
    (never deletes them: returns may reference them) and reactivates the ones that
    come back; a partial one (`full=False`) only creates and updates. A point whose
    row is present but rejected is left as it was.

    Raises ValueError (nothing usable was read; roll back) when the network name is
    empty or too long, the header is not exactly `CSV_HEADER`, or the file is not UTF-8.
    """
    network = (network or "").strip()
    if not network or len(network) > NETWORK_MAX_LENGTH:
        raise ValueError(f"network name must be 1 to {NETWORK_MAX_LENGTH} characters")
    try:
        return _import(stream, network, full)
    except UnicodeDecodeError as exc:
        raise ValueError(f"the file is not valid UTF-8 ({exc.reason})") from exc


def _import(stream: TextIO, network: str, full: bool) -> ImportReport:
    reader = csv.reader(stream)
    _check_header(next(reader, None))
    existing = {
        p.external_id: p
        for p in db.session.scalars(
            # "anywhere" and "letterbox" rows stand for a way to send, not a point: no list
            # touches them
            select(RelayPoint).where(
                RelayPoint.network == network, RelayPoint.kind.not_in(("anywhere", "letterbox"))
            )
        )
    }
    report = ImportReport()
    first_seen: dict[str, int] = {}  # id → line, for every row that had an id
    accepted = 0
    previous_end = reader.line_num
    while True:
        line_no = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            previous_end = reader.line_num
            report.rejected.append((line_no, f"unreadable CSV: {exc}"))
            continue
        previous_end = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue  # blank line
        external_id = row[0].strip()
        if external_id:
            if external_id in first_seen:
                reason = f"duplicate id {external_id!r} (first on line {first_seen[external_id]})"
                report.rejected.append((line_no, reason))
                continue
            first_seen[external_id] = line_no
        try:
            values = _parse_row(row)
        except RowError as exc:
            report.rejected.append((line_no, str(exc)))
            continue
        accepted += 1
        point = existing.get(external_id)
        if point is None:
            point = RelayPoint(network=network, external_id=external_id)
            db.session.add(point)
            existing[external_id] = point
            report.created += 1
        else:
            report.updated += 1
        for name, value in values.items():
            setattr(point, name, value)
        point.active = True
    if full:
        if accepted == 0 and any(p.active for p in existing.values()):
            report.deactivation_skipped = True
        else:
            for external_id, point in existing.items():
                if external_id not in first_seen and point.active:
                    point.active = False
                    report.deactivated += 1
    db.session.flush()
    return report


def _check_header(header: list[str] | None) -> None:
    if header is None:
        raise ValueError(f"the file is empty; expected the header {','.join(CSV_HEADER)}")
    cells = [cell.strip() for cell in header]
    if cells:
        cells[0] = cells[0].lstrip("\ufeff").strip()
    if tuple(cells) == CSV_HEADER:
        return
    hint = ""
    if len(cells) == 1 and ";" in cells[0]:
        hint = " (the file looks ';'-separated; it must be comma-separated)"
    raise ValueError(
        f"unexpected CSV header {','.join(cells)!r}; expected {','.join(CSV_HEADER)!r}{hint}"
    )


def _parse_row(row: list[str]) -> dict[str, object]:
    """Check one data row; return the RelayPoint attributes (without network/id)."""
    if len(row) != len(CSV_HEADER):
        raise RowError(f"expected {len(CSV_HEADER)} fields, got {len(row)}")
    cells = {name: value.strip() for name, value in zip(CSV_HEADER, row, strict=True)}
    missing = [name for name in REQUIRED if not cells[name]]
    if missing:
        raise RowError(f"missing {', '.join(missing)}")
    for name, max_length in MAX_LENGTHS.items():
        if len(cells[name]) > max_length:
            raise RowError(f"{name} longer than {max_length} characters")
    country = cells["country"].upper()
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise RowError(f"country {cells['country']!r} is not a two-letter code")
    postcode = geo.normalize_postcode(cells["postcode"], country)
    if postcode is None:
        raise RowError(f"postcode {cells['postcode']!r} is not valid for {country}")
    latitude = _number(cells["latitude"], "latitude", 90)
    longitude = _number(cells["longitude"], "longitude", 180)
    if latitude == 0 and longitude == 0:
        raise RowError("latitude and longitude are both 0 (point not geocoded?)")
    return {
        "name": cells["name"],
        "address": cells["address"],
        "postcode": postcode,
        "city": cells["city"],
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        "opening_hours": cells["opening_hours"],
    }


def _number(raw: str, name: str, bound: float) -> float:
    try:
        value = float(raw.replace(",", ".", 1) if raw.count(",") == 1 else raw)
    except ValueError:
        raise RowError(f"{name} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise RowError(f"{name} {raw!r} is not a number")
    if not -bound <= value <= bound:
        raise RowError(f"{name} {raw} is out of range (-{bound} to {bound})")
    return value


def nearest_relay_points(
    postcode: str, limit: int = 8, networks: Iterable[str] | None = None
) -> list[tuple[RelayPoint, float]]:
    """Up to `limit` active points nearest to a French postcode, as (point, km), nearest
    first, within SEARCH_RADII_KM[-1] km. Empty when the postcode and its département
    are unknown. `networks` restricts the search to those networks.

    The search box grows (5, 15, 50, 200 km) until it holds `limit` points within its
    radius, so a dense city needs one small indexed range query; distances are
    great-circle and computed here, not in SQL.
    """
    code = geo.normalize_postcode(postcode)
    wanted = None if networks is None else set(networks)
    if code is None or limit <= 0 or wanted == set():
        return []
    origin = _origin(code)
    if origin is None:
        return []
    lat, lon = origin
    found: list[tuple[float, int]] = []
    for radius in SEARCH_RADII_KM:
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, radius)
        # `active` and `network` are checked in Python, not SQL: given `active = 1` or
        # `network IN (...)`, SQLite prefers the active index or the (network, id) unique
        # index to the lat/lon ones, and reads a whole network instead of one small box.
        stmt = select(
            RelayPoint.id,
            RelayPoint.latitude,
            RelayPoint.longitude,
            RelayPoint.active,
            RelayPoint.network,
        ).where(
            RelayPoint.latitude.between(min_lat, max_lat),
            RelayPoint.longitude.between(min_lon, max_lon),
        )
        found = sorted(
            (distance, point_id)
            for point_id, p_lat, p_lon, active, network in db.session.execute(stmt)
            if active
            and (wanted is None or network in wanted)
            and (distance := geo.haversine_km(lat, lon, p_lat, p_lon)) <= radius
        )
        if len(found) >= limit:
            break
    nearest = found[:limit]
    ids = [point_id for _, point_id in nearest]
    points = {p.id: p for p in db.session.scalars(select(RelayPoint).where(RelayPoint.id.in_(ids)))}
    return [(points[point_id], distance) for distance, point_id in nearest]


def _origin(postcode: str) -> tuple[float, float] | None:
    """The postcode's coordinates; if not in the table, the mean position of the active
    points that carry this postcode; failing that, the département's centroid."""
    exact = geo.postcode_coordinates(postcode)
    if exact is not None:
        return exact
    mean_lat, mean_lon = db.session.execute(
        select(func.avg(RelayPoint.latitude), func.avg(RelayPoint.longitude)).where(
            RelayPoint.postcode == postcode, RelayPoint.active.is_(True)
        )
    ).one()
    if mean_lat is not None and mean_lon is not None:
        return float(mean_lat), float(mean_lon)
    return geo.departement_coordinates(postcode)
