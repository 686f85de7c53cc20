"""Postcodes to coordinates, and distances. Plain Python: no Flask, no database.

The postcode table (`portal/data/postcodes.csv`, built by `scripts/build_postcodes.py`
from La Poste's official postcode base) is read on first use, once per process.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from functools import cache
from pathlib import Path

POSTCODES_CSV = Path(__file__).resolve().parent / "data" / "postcodes.csv"
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180  # ~111.2 km

Coordinates = tuple[float, float]


def normalize_postcode(raw: str | None, country: str = "FR") -> str | None:
    """`" 75 011 "` → `"75011"`; None when it cannot be a postcode of that country.

    France (the only country with coordinates): exactly five digits once spaces are
    removed. Other countries: spaces removed, upper-cased, 2 to 10 letters or digits.
    """
    if raw is None:
        return None
    value = "".join(str(raw).split()).upper()
    if (country or "FR").upper() == "FR":
        return value if len(value) == 5 and value.isascii() and value.isdigit() else None
    return value if 2 <= len(value) <= 10 and value.isascii() and value.isalnum() else None


def departement(postcode: str) -> str | None:
    """The département a French postcode belongs to, as used for the fallback.

    First two digits; three for overseas postcodes (97x, 98x: 971 Guadeloupe … 976
    Mayotte, and 98x for Monaco and the Pacific, so they never blend into one "98");
    Corsica (20xxx, 2A/2B) stays "20".
    """
    code = normalize_postcode(postcode)
    if code is None:
        return None
    if code[:2] in ("97", "98"):
        return code[:3]
    return code[:2]


@cache
def _tables() -> tuple[dict[str, Coordinates], dict[str, Coordinates]]:
    """(postcode → coordinates, département → centroid of its postcodes)."""
    postcodes: dict[str, Coordinates] = {}
    with POSTCODES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            postcodes[row["postcode"]] = (float(row["lat"]), float(row["lon"]))
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for code, (lat, lon) in postcodes.items():
        dep = departement(code)
        if dep is not None:
            acc = sums[dep]
            acc[0] += lat
            acc[1] += lon
            acc[2] += 1
    centroids = {dep: (s[0] / s[2], s[1] / s[2]) for dep, s in sums.items()}
    return postcodes, centroids


def postcode_coordinates(postcode: str | None) -> Coordinates | None:
    """Coordinates of the postcode itself, from the table only (no fallback)."""
    code = normalize_postcode(postcode)
    return None if code is None else _tables()[0].get(code)


def departement_coordinates(postcode: str | None) -> Coordinates | None:
    """Centroid of the postcode's département, or None if the département is unknown."""
    dep = departement(postcode) if postcode else None
    return None if dep is None else _tables()[1].get(dep)


def coordinates(postcode: str | None) -> Coordinates | None:
    """(lat, lon) of a French postcode: the table, else its département's centroid."""
    return postcode_coordinates(postcode) or departement_coordinates(postcode)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) containing every point within radius_km.

    Latitudes are clamped to ±90; near a pole the box spans all longitudes. A box that
    would cross the antimeridian is clamped at ±180 (not split): points just across
    the 180° line are missed, which no French postcode area needs.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    if cos_lat < 1e-6 or radius_km / (KM_PER_DEGREE_LAT * cos_lat) >= 180:
        return min_lat, max_lat, -180.0, 180.0
    dlon = radius_km / (KM_PER_DEGREE_LAT * cos_lat)
    return min_lat, max_lat, max(-180.0, lon - dlon), min(180.0, lon + dlon)
