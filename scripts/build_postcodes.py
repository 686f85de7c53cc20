"""Derive portal/data/postcodes.csv from La Poste's official postcode base.

Usage (from the project root):

    .venv/bin/python scripts/build_postcodes.py [SOURCE] [--output PATH]

SOURCE defaults to ../shared/data/laposte_hexasmal.csv (relative to the project root):
La Poste, "Base officielle des codes postaux" (laposte_hexasmal), Licence Ouverte /
Open Licence 2.0 (Etalab), `;`-separated, UTF-8, `coordonnees_gps` = "lat,lon".

The output has one row per postcode, `postcode,lat,lon`: the mean of the coordinates of
the communes that postcode serves (each commune counted once, even when it appears on
several rows with different `Ligne_5` localities), rounded to 4 decimals (~10 m), sorted
by postcode. Rows without coordinates are skipped; a postcode with no coordinates at all
is left out (the portal then falls back to its département's centroid).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "laposte_hexasmal.csv"
DEFAULT_OUTPUT = ROOT / "portal" / "data" / "postcodes.csv"
SOURCE_HEADER = (
    "Code_commune_INSEE",
    "Nom_commune",
    "Code_postal",
    "Ligne_5",
    "Libellé_d_acheminement",
    "coordonnees_gps",
)


def parse_coordinates(raw: str) -> tuple[float, float] | None:
    """`"48.85,2.35"` → (48.85, 2.35); None when empty or malformed."""
    parts = raw.strip().split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def build(source: Path) -> list[tuple[str, float, float]]:
    """Read La Poste's file; return sorted (postcode, lat, lon) rows."""
    communes: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    with source.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = tuple(next(reader, ()))
        if header != SOURCE_HEADER:
            raise SystemExit(f"{source}: unexpected header {';'.join(header)!r}")
        for row in reader:
            if len(row) != len(SOURCE_HEADER):
                continue
            insee, postcode, coords = row[0].strip(), row[2].strip(), row[5]
            point = parse_coordinates(coords)
            if point is None or len(postcode) != 5 or not postcode.isdigit():
                continue
            communes[postcode].setdefault(insee, point)
    rows = []
    for postcode in sorted(communes):
        points = communes[postcode].values()
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        rows.append((postcode, round(lat, 4), round(lon, 4)))
    return rows


def write(rows: list[tuple[str, float, float]], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as f:
        f.write("postcode,lat,lon\n")
        for postcode, lat, lon in rows:
            f.write(f"{postcode},{lat:.4f},{lon:.4f}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"source not found: {args.source}", file=sys.stderr)
        return 1
    rows = build(args.source)
    write(rows, args.output)
    size_kb = args.output.stat().st_size / 1024
    print(f"wrote {len(rows)} postcodes to {args.output} ({size_kb:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
