"""Benchmark: a first sync of N orders from a platform's fake, then a second that must
write nothing.

    .venv/bin/python bench/bench_shop_sync.py [--platform shopify] [--orders 100000]

Starts the platform's fake on loopback with generated pages (tests/fakes/shopify_bulk.py:
orders are made page by page and never held, so the memory measured is the sync's), runs
the sync the command runs (`portal.commands.shops.sync_one`, each page committed) into a
temporary SQLite file, or into TEST_DATABASE_URL (PostgreSQL) when it is set, in a
throw-away schema. Prints the time, the orders per second, the resident memory sampled
after every page (first, middle, last, peak) and, for the second sync, the INSERT, UPDATE
and DELETE statements on orders and order lines (must be 0). Exits 1 if the first sync
takes more than 15 minutes, if memory grows by more than 16 MB from the first tenth to
the end, or if the second sync writes.

Another platform plugs in with an entry in FAKES: a function (count) -> a started fake
and the app config that points the platform at it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

LIMIT_SECONDS = 15 * 60
GROWTH_LIMIT_MB = 16


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def shopify_fake(count: int):
    from tests.fakes.shopify_bulk import BulkShopify

    fake = BulkShopify(count).start()
    config = {
        "SHOPIFY_SHOP_DOMAIN": "bench.myshopify.com",
        "SHOPIFY_ACCESS_TOKEN": fake.token,
        "SHOPIFY_API_BASE": fake.base_url,
    }
    return fake, config


FAKES = {"shopify": shopify_fake}


def run(url: str, platform_name: str, count: int, schema: str | None) -> bool:
    fake, config = FAKES[platform_name](count)
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": options,
            "RATELIMIT_ENABLED": False,
            **config,
        }
    )
    ok = True
    try:
        with app.app_context():
            db.create_all()
            from portal.commands.shops import parse_since, sync_one
            from portal.shops import credentials
            from portal.shops.platform import PLATFORMS

            connector = PLATFORMS[platform_name]
            creds = credentials.current(platform_name)
            samples: list[float] = []
            original = connector.apply_orders if hasattr(connector, "apply_orders") else None

            def sampled(page, result):
                original(page, result)
                samples.append(rss_mb())

            connector.apply_orders = sampled
            start = time.monotonic()
            result = sync_one(connector, creds, parse_since("90d"), bar=False)
            took = time.monotonic() - start
            counts = result.counts()
            print(f"first sync: {counts} in {took:.1f} s ({count / took:.0f} orders/s)")
            tenth = samples[max(len(samples) // 10 - 1, 0)]
            print(
                f"  RSS MB: first page {samples[0]:.0f}, at a tenth {tenth:.0f}, middle "
                f"{samples[len(samples) // 2]:.0f}, last {samples[-1]:.0f}, peak {max(samples):.0f}"
            )
            if result.failure or counts["created"] != count:
                print(f"  FAILED: {result.failure or counts}")
                ok = False
            if took > LIMIT_SECONDS:
                print("  FAILED: slower than 15 minutes")
                ok = False
            if max(samples) - tenth > GROWTH_LIMIT_MB:
                print("  FAILED: memory grows with the number of orders")
                ok = False

            writes: list[str] = []

            def count_writes(conn, cursor, statement, *args):
                verb = statement.lstrip().split(" ", 1)[0].upper()
                if verb in ("INSERT", "UPDATE", "DELETE") and (
                    " orders" in statement or "order_lines" in statement
                ):
                    writes.append(statement)

            event.listen(db.engine, "before_cursor_execute", count_writes)
            start = time.monotonic()
            again = sync_one(connector, creds, parse_since("90d"), bar=False)
            took = time.monotonic() - start
            event.remove(db.engine, "before_cursor_execute", count_writes)
            print(
                f"second sync: {again.counts()} in {took:.1f} s; "
                f"writes to orders/lines: {len(writes)}"
            )
            if writes or again.counts()["unchanged"] != count:
                print("  FAILED: the second sync wrote")
                ok = False
            if original is not None:
                del connector.apply_orders
            db.session.remove()
    finally:
        fake.stop()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark a platform's order sync.")
    parser.add_argument("--platform", default="shopify", choices=sorted(FAKES))
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if pg_url:
        schema = f"bench_sync_{os.getpid()}"
        admin = create_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            print(f"PostgreSQL, {args.orders} orders from the {args.platform} fake")
            ok = run(pg_url, args.platform, args.orders, schema)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        return 0 if ok else 1
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite, {args.orders} orders from the {args.platform} fake")
        ok = run(f"sqlite:///{tmp}/bench.db", args.platform, args.orders, None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
