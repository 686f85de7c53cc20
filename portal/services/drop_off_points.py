"""The drop-off points shown to the customer: live from the network, cached, or saved.

With Mondial Relay configured, the points around the postcode come from its live search
(`WSI4_PointRelais_Recherche`), lockers included, with their opening hours and distance. The
page never waits more than `RELAY_POINTS_TIMEOUT` seconds (2 by default) for the network: the
call runs in a worker thread and, past the deadline or when the service fails, the page shows
the last answer for that postcode (`cached`) or, failing that, the points we have saved — the
imported CSV list and every point fetched live before (`saved`), and says so. A late answer
still fills the cache for the next customer.

Live points are kept as `RelayPoint` rows (network "Mondial Relay", external_id = its number),
so that the journey stores the chosen point like an imported one. Flushes; the caller commits.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import geo
from portal.carriers import COLISSIMO, MONDIAL_RELAY, offered_networks
from portal.carriers.mondial_relay_client import Settings
from portal.carriers.mondial_relay_points import LivePoint, PointSearchError, search_points
from portal.extensions import db
from portal.models import RelayPoint
from portal.models.base import utcnow
from portal.services.relay_points import nearest_relay_points

ANYWHERE = "anywhere"  # the kind of the rows that stand for "any point of the network"
# network -> (external_id, name): the label takes the parcel at any point of the network.
ANYWHERE_POINTS = {
    MONDIAL_RELAY: ("AUTO", "Any Mondial Relay point or locker"),
    COLISSIMO: ("ANY", "Any post office or Colissimo pickup point"),
}
CACHE_KEY = "drop_off_points_cache"
EXECUTOR_KEY = "drop_off_points_executor"


@dataclass
class DropOffPoints:
    points: list[tuple[RelayPoint, float]] = field(default_factory=list)
    source: str = "saved"  # "live", "cached" (an earlier live answer) or "saved"
    network: str = ""
    unavailable: bool = False  # the network did not answer in time, or failed
    postcode_rejected: bool = False  # the network does not know this postcode


class _Cache:
    """Per process: (network, postcode, limit) -> (fetched at, points)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[tuple[str, str, int], tuple[float, list[LivePoint]]] = {}

    def get(self, key: tuple[str, str, int], max_age: float | None) -> list[LivePoint] | None:
        with self.lock:
            entry = self.entries.get(key)
        if entry is None or (max_age is not None and time.monotonic() - entry[0] > max_age):
            return None
        return entry[1]

    def put(self, key: tuple[str, str, int], points: list[LivePoint]) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic(), points)


def _cache() -> _Cache:
    return current_app.extensions.setdefault(CACHE_KEY, _Cache())


def _executor() -> ThreadPoolExecutor:
    executor = current_app.extensions.get(EXECUTOR_KEY)
    if executor is None:
        executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="relay-points")
        current_app.extensions[EXECUTOR_KEY] = executor
    return executor


def live_network() -> str | None:
    """The network whose points are searched live, if it is offered."""
    offered = {n.network for n in offered_networks()}
    return MONDIAL_RELAY if MONDIAL_RELAY in offered else None


def find_drop_off_points(postcode: str, limit: int = 8) -> DropOffPoints:
    """The points to show for a postcode (see the module doc). Flushes; the caller commits."""
    network = live_network()
    code = geo.normalize_postcode(postcode)
    if network is not None and code is None:
        return DropOffPoints([], network=network)  # not a postcode: not sent to the network
    if network is None or code is None:
        if not any(not n.network for n in offered_networks()):
            return DropOffPoints([])  # only networks without a point list (Colissimo)
        return DropOffPoints(nearest_relay_points(postcode, limit=limit) if postcode else [])
    config = current_app.config
    key = (network, code, limit)
    cache = _cache()
    fresh = cache.get(key, max_age=float(config.get("RELAY_POINTS_CACHE_MINUTES") or 0) * 60)
    if fresh is not None:
        return DropOffPoints(_rows(network, fresh, code), "cached", network)
    deadline = float(config.get("RELAY_POINTS_TIMEOUT") or 2)
    settings = Settings.from_config(config)
    # The call itself may take up to MONDIAL_RELAY_TIMEOUT; the page waits `deadline` at most.
    future = _executor().submit(search_points, settings, code, "FR", limit, settings.timeout)
    try:
        found = future.result(timeout=deadline)
    except FutureTimeout:
        if not future.cancel():  # started: its answer, when it comes, is for the next one
            future.add_done_callback(lambda done: _keep_late_answer(cache, key, done))
        current_app.logger.warning(
            "%s point search for %s: no answer in %gs", network, code, deadline
        )
        return _fallback(network, code, limit, cache.get(key, max_age=None))
    except PointSearchError as exc:
        if exc.postcode_rejected:
            return DropOffPoints([], "live", network, postcode_rejected=True)
        current_app.logger.warning("%s", exc)
        return _fallback(network, code, limit, cache.get(key, max_age=None))
    cache.put(key, found)
    return DropOffPoints(_rows(network, found, code), "live", network)


def _keep_late_answer(cache: _Cache, key: tuple[str, str, int], done: Future) -> None:
    if not done.cancelled() and done.exception() is None:
        cache.put(key, done.result())


def _fallback(network: str, code: str, limit: int, stale: list[LivePoint] | None) -> DropOffPoints:
    if stale is not None:
        return DropOffPoints(_rows(network, stale, code), "cached", network, unavailable=True)
    saved = nearest_relay_points(code, limit=limit, networks=[network])
    return DropOffPoints(saved, "saved", network, unavailable=True)


def _rows(network: str, found: list[LivePoint], code: str) -> list[tuple[RelayPoint, float]]:
    """The live points as saved rows (created or refreshed), with their distance in km."""
    numbers = [p.number for p in found]
    existing = {
        row.external_id: row
        for row in db.session.scalars(
            select(RelayPoint).where(
                RelayPoint.network == network, RelayPoint.external_id.in_(numbers)
            )
        )
    }
    origin = geo.postcode_coordinates(code)
    now = utcnow()
    rows = []
    for point in found:
        row = existing.get(point.number) or _insert(network, point)
        row.name, row.address = point.name[:200], point.street[:300]
        row.postcode, row.city, row.country = point.postcode[:16], point.city[:100], point.country
        row.latitude, row.longitude = point.latitude, point.longitude
        row.kind, row.active, row.fetched_at = point.kind, True, now
        row.hours = json.dumps(
            {str(day): [list(s) for s in slots] for day, slots in point.hours.items()}
        )
        if point.distance_m is not None:
            km = point.distance_m / 1000
        elif origin is not None:
            km = geo.haversine_km(origin[0], origin[1], point.latitude, point.longitude)
        else:
            km = 0.0
        rows.append((row, km))
    db.session.flush()
    return rows


def _insert(network: str, point: LivePoint) -> RelayPoint:
    """A new row; if another request saved the same point meanwhile, that one."""
    row = RelayPoint(
        network=network,
        external_id=point.number,
        name=point.name[:200],
        address=point.street[:300],
        postcode=point.postcode[:16],
        city=point.city[:100],
        country=point.country,
        latitude=point.latitude,
        longitude=point.longitude,
        opening_hours="",
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalars(
            select(RelayPoint).where(
                RelayPoint.network == network, RelayPoint.external_id == point.number
            )
        ).one()
    return row


def placeholder_point(network: str, external_id: str, name: str, kind: str) -> RelayPoint:
    """The row that stands for a way of sending that needs no point (any point of the
    network, a letterbox collection), created on first use. Flushes."""

    def find() -> RelayPoint | None:
        return db.session.scalars(
            select(RelayPoint).where(
                RelayPoint.network == network, RelayPoint.external_id == external_id
            )
        ).first()

    found = find()
    if found is not None:
        return found
    row = RelayPoint(
        network=network,
        external_id=external_id,
        name=name,
        address="",
        postcode="",
        city="",
        country="FR",
        latitude=0.0,  # never near anyone: kept out of the nearest-point searches
        longitude=0.0,
        opening_hours="",
        kind=kind,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # created by a concurrent request
        return find()
    return row


def anywhere_options() -> list[RelayPoint]:
    """One row per offered network whose label is taken at any of its points — Mondial Relay
    (`COL_Rel=AUTO`), Colissimo (any post office or pickup point) — created on first use, so
    that a customer without a point nearby is never stuck. Flushes."""
    offered = {n.network for n in offered_networks()}
    rows = []
    for network, (external_id, name) in ANYWHERE_POINTS.items():
        if network not in offered:
            continue
        rows.append(placeholder_point(network, external_id, name, ANYWHERE))
    return rows


def opening_hours(point: RelayPoint) -> dict[int, list[tuple[str, str]]] | None:
    """A point's structured hours (0 = Monday), or None when only free text is known."""
    if not point.hours:
        return None
    try:
        data = json.loads(point.hours)
        return {int(day): [(str(a), str(b)) for a, b in slots] for day, slots in data.items()}
    except (ValueError, TypeError):
        return None
