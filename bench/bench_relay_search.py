"""Benchmark: nearest relay points among 50,000 across France.

    .venv/bin/python bench/bench_relay_search.py [--points 50000] [--queries 200] [--seed 1]

Builds the points with the real import (a generated CSV through `import_relay_points`)
in a temporary SQLite file, then times `nearest_relay_points` (limit 8) for random
postcodes of the shipped table, after a few warm-up calls. If TEST_DATABASE_URL is set
(a PostgreSQL URL), does the same in a throw-away schema that is dropped at the end.
Points are placed around random postcodes (a few km of jitter), so they are dense where
postcodes are, like real networks. Prints median / p95 / max in ms; exits 1 if a
median is above 50 ms or a result differs from a brute-force search.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import geo  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import RelayPoint  # noqa: E402
from portal.services.relay_points import (  # noqa: E402
    CSV_HEADER,
    SEARCH_RADII_KM,
    import_relay_points,
    nearest_relay_points,
)

MEDIAN_LIMIT_MS = 50.0
NETWORKS = ("Mondial Relay", "Relais Colis")
LIMIT = 8


def metropolitan_postcodes() -> list[tuple[str, tuple[float, float]]]:
    geo.coordinates("75001")  # load the table
    table = geo._tables()[0]  # noqa: SLF001 (the benchmark walks the loaded table)
    return sorted((pc, xy) for pc, xy in table.items() if not pc.startswith(("97", "98")))


def generate_csv(rng: random.Random, count: int, network: str) -> str:
    postcodes = metropolitan_postcodes()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for i in range(count):
        postcode, (lat, lon) = rng.choice(postcodes)
        lat += rng.gauss(0, 0.03)  # ~3 km
        lon += rng.gauss(0, 0.04)
        writer.writerow(
            [f"{network[:2].upper()}{i:06d}", f"Point {i}", f"{i} rue de la Gare", postcode,
             "Ville", "FR", f"{lat:.6f}", f"{lon:.6f}", "Lun–Sam 9h–19h"]
        )  # fmt: skip
    return out.getvalue()


def brute_force(postcode: str, everything: list[tuple[int, float, float]]) -> list[int]:
    lat, lon = geo.coordinates(postcode)
    found = sorted(
        (d, pid)
        for pid, p_lat, p_lon in everything
        if (d := geo.haversine_km(lat, lon, p_lat, p_lon)) <= SEARCH_RADII_KM[-1]
    )
    return [pid for _, pid in found[:LIMIT]]


def run(label: str, app: Flask, args: argparse.Namespace) -> bool:
    rng = random.Random(args.seed)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        per_network = args.points // len(NETWORKS)
        for network in NETWORKS:
            report = import_relay_points(
                io.StringIO(generate_csv(rng, per_network, network)), network
            )
            assert report.created == per_network and not report.rejected, report.rejected[:3]
        db.session.commit()
        import_s = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE relay_points"))
            db.session.commit()

        postcodes = [pc for pc, _ in metropolitan_postcodes()]
        queries = [rng.choice(postcodes) for _ in range(args.queries)]
        for postcode in queries[:5]:  # warm-up: postcode table, statement cache
            nearest_relay_points(postcode, LIMIT)
        timings, sizes = [], []
        for postcode in queries:
            db.session.expire_all()
            started = time.perf_counter()
            results = nearest_relay_points(postcode, LIMIT)
            timings.append((time.perf_counter() - started) * 1000)
            sizes.append(len(results))

        everything = db.session.execute(
            db.select(RelayPoint.id, RelayPoint.latitude, RelayPoint.longitude)
        ).all()
        wrong = [
            pc
            for pc in queries[:25]
            if [p.id for p, _ in nearest_relay_points(pc, LIMIT)] != brute_force(pc, everything)
        ]
        db.session.remove()
        db.drop_all()

    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"{label}: {args.points} points imported in {import_s:.1f} s; "
        f"{len(queries)} searches: median {median:.2f} ms, p95 {p95:.2f} ms, "
        f"max {timings[-1]:.2f} ms; {statistics.mean(sizes):.1f} results on average"
    )
    if wrong:
        print(f"{label}: results differ from brute force for {wrong}", file=sys.stderr)
    if median > MEDIAN_LIMIT_MS:
        print(f"{label}: median above {MEDIAN_LIMIT_MS} ms", file=sys.stderr)
    return not wrong and median <= MEDIAN_LIMIT_MS


def make_app(uri: str, engine_options: dict | None = None) -> Flask:
    """A bare app with only the database: the benchmark needs nothing else."""
    app = Flask("bench_relay_search")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options or {}
    db.init_app(app)
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark nearest_relay_points.")
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= run("SQLite", make_app(f"sqlite:///{tmp}/bench.db"), args)

    pg_url = os.environ.get("TEST_DATABASE_URL")
    if pg_url:
        schema = f"bench_relay_{os.getpid()}"
        admin = create_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            options = {"connect_args": {"options": f"-csearch_path={schema}"}}
            ok &= run("PostgreSQL", make_app(pg_url, options), args)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
