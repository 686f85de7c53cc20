"""Benchmark: sync 100,000 orders from the fake WooCommerce store, then sync again.

    .venv/bin/python bench/bench_woocommerce_sync.py [--orders 100000]

The fake (tests/fakes/woocommerce.py, on loopback) computes each order when a page asks
for it (two lines: a SKU among 50, and a line without SKU), so only the pages in flight
are ever held on either side. The sync is `portal.shops.woocommerce_orders.sync`,
committed after each page of 100 as the command does, into a temporary SQLite file (or a
throw-away PostgreSQL schema when TEST_DATABASE_URL is set). Prints the time, the
resident memory after the first 10 pages and at its peak, and the writes of the second
sync. Exits 1 if the first sync took more than 15 minutes, memory grew by more than
16 MB after the first 10 pages, an order is missing, or the second sync wrote anything.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import Order  # noqa: E402
from portal.shops.woocommerce_orders import sync  # noqa: E402
from tests.fakes.woocommerce import KEY, SECRET, FakeWooCommerce  # noqa: E402

TIME_LIMIT_S = 15 * 60
GROWTH_LIMIT_MB = 16
SINCE = datetime(2026, 10, 1, tzinfo=UTC)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    return 0.0


def run_sync(report_every: int) -> tuple[float, float, float, dict]:
    rss_early = peak = 0.0
    started = time.monotonic()
    result = None
    for pages, result in enumerate(sync(SINCE), start=1):  # noqa: B007 - the last counts
        db.session.commit()
        db.session.expunge_all()
        now = rss_mb()
        peak = max(peak, now)
        if pages == 10:
            rss_early = now
        if pages % report_every == 0:
            print(
                f"  page {pages}: {time.monotonic() - started:.0f} s, RSS {now:.0f} MB", flush=True
            )
    db.session.commit()
    return time.monotonic() - started, rss_early or peak, peak, result.counts()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-woo-")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite"
    schema = f"bench_woo_{os.getpid()}" if url.startswith("postgresql") else None
    with FakeWooCommerce() as fake:
        fake.generate(args.orders)
        config = {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_DIR": workdir,
            "WOOCOMMERCE_STORE_URL": fake.base_url,
            "WOOCOMMERCE_CONSUMER_KEY": KEY,
            "WOOCOMMERCE_CONSUMER_SECRET": SECRET,
            "WOOCOMMERCE_TIMEOUT": 30,
        }
        if schema:
            config["SQLALCHEMY_ENGINE_OPTIONS"] = {
                "connect_args": {"options": f"-csearch_path={schema}"}
            }
        app = create_app(config)
        with app.app_context():
            if schema:
                with db.engine.begin() as conn:
                    conn.execute(text(f"CREATE SCHEMA {schema}"))
            db.create_all()
            try:
                return measure(args.orders)
            finally:
                db.session.remove()
                if schema:
                    with db.engine.begin() as conn:
                        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                db.engine.dispose()


def measure(orders: int) -> int:
    every = max(orders // 100 // 10, 1)
    print(f"first sync of {orders} orders ({db.engine.dialect.name})", flush=True)
    took, early, peak, counts = run_sync(every)
    held = db.session.scalar(select(func.count(Order.id)))
    print(f"first sync: {took:.0f} s, {counts}, {held} orders held")
    print(f"RSS after 10 pages {early:.0f} MB, peak {peak:.0f} MB (+{peak - early:.0f} MB)")
    writes: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        again, _, _, counts2 = run_sync(every)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    print(f"second sync: {again:.0f} s, {counts2}, {len(writes)} writes")
    failed = []
    if took > TIME_LIMIT_S:
        failed.append(f"the first sync took {took:.0f} s (limit {TIME_LIMIT_S})")
    if peak - early > GROWTH_LIMIT_MB:
        failed.append(f"memory grew by {peak - early:.0f} MB")
    if held != orders or counts["created"] != orders:
        failed.append(f"{held} orders held, {orders} expected")
    if writes or counts2["unchanged"] != orders:
        failed.append(f"the second sync wrote {len(writes)} times")
    for why in failed:
        print("FAIL:", why)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
