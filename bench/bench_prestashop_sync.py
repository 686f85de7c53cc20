"""Benchmark: sync N PrestaShop orders from the fake webservice, then sync them again.

    .venv/bin/python bench/bench_prestashop_sync.py [--orders 100000]

The fake (`tests/fakes/prestashop.py`) runs in a child process and makes its orders as
they are asked for (never all held), two lines each (the same product twice, as a real
shop does); the portal (temporary SQLite) runs the real sync (`prestashop_orders.sync`,
the one `flask shop poll` runs), committing each page. Prints the time of both syncs and
the peak RSS of this process after 10 %, 50 % and 100 % of the first; exits 1 if the first
sync took over 15 minutes, the peak grew by more than 16 MB between 10 % and the end (pages
are streamed, not held), or the second sync wrote anything.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.shops.prestashop_orders import sync  # noqa: E402
from portal.shops.sync import SyncResult  # noqa: E402
from tests.fakes.prestashop import FakePrestaShop, order, row  # noqa: E402

LIMIT_S = 15 * 60
GROWTH_LIMIT_MB = 16


class GeneratedShop(FakePrestaShop):
    """The fake with `total` orders made on the fly from their id."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total

    def _order(self, i: int) -> dict:
        return order(
            i,
            f"B{i:08d}",
            rows=[
                row(i * 10, product_id=1 + i % 50, reference=f"SKU-{i % 50}"),
                row(i * 10 + 1, product_id=1 + i % 50, reference=f"SKU-{i % 50}"),
            ],
            date_add="2026-11-20 10:00:00",
        )

    def _list(self, resource: str, query: dict[str, str]):
        if resource == "orders" and "filter[id]" in query and "filter[date_upd]" in query:
            low = int(query["filter[id]"].strip("[]").split(",")[0])
            count = int(query["limit"].split(",")[-1])
            ids = range(low, min(low + count, self.total + 1))
            return {"orders": [self._order(i) for i in ids]}
        if resource == "order_histories":
            ids = query["filter[id_order]"].strip("[]").split("|")
            return {
                "order_histories": [
                    {
                        "id": int(i),
                        "id_order": i,
                        "id_order_state": "4",
                        "date_add": "2026-11-21 10:00:00",
                    }
                    for i in ids
                ]
            }
        return super()._list(resource, query)


def _serve(total: int, queue, stop) -> None:
    with GeneratedShop(total) as fake:
        queue.put((fake.base_url, fake.key))
        stop.wait()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    args = parser.parse_args()
    queue, stop = multiprocessing.Queue(), multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(args.orders, queue, stop), daemon=True)
    server.start()
    base_url, key = queue.get(timeout=30)
    failed = False
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(
                {
                    "TESTING": True,
                    "SECRET_KEY": "bench",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                    "MAIL_DIR": f"{tmp}/mail",
                    "PRESTASHOP_SHOP_URL": base_url,
                    "PRESTASHOP_WEBSERVICE_KEY": key,
                    "PRESTASHOP_TIMEOUT": 60,
                }
            )
            with app.app_context():
                db.create_all()
                since = datetime(2026, 1, 1, tzinfo=UTC)
                marks = {max(1, args.orders // 10): "10 %", args.orders // 2: "50 %"}
                peaks: dict[str, float] = {}
                started = time.monotonic()
                done = 0
                result = SyncResult()
                for result in sync(since):
                    db.session.commit()
                    db.session.expunge_all()
                    done = result.created + result.updated + result.unchanged + len(result.errors)
                    for at, label in marks.items():
                        if done >= at and label not in peaks:
                            peaks[label] = _rss_mb()
                first = time.monotonic() - started
                peaks["100 %"] = _rss_mb()
                print(f"first sync: {result.counts()} in {first:.1f} s")
                print("peak RSS: " + ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()))
                writes: list[str] = []

                def count(conn, cursor, statement, *rest):
                    if statement.lstrip().split(" ", 1)[0].upper() in (
                        "INSERT",
                        "UPDATE",
                        "DELETE",
                    ):
                        writes.append(statement)

                event.listen(db.engine, "before_cursor_execute", count)
                started = time.monotonic()
                again = SyncResult()
                for _ in sync(since, result=again):
                    db.session.commit()
                    db.session.expunge_all()
                second = time.monotonic() - started
                event.remove(db.engine, "before_cursor_execute", count)
                print(f"second sync: {again.counts()} in {second:.1f} s, {len(writes)} writes")
                if first > LIMIT_S:
                    print(f"FAIL: the first sync took over {LIMIT_S} s")
                    failed = True
                if peaks["100 %"] - peaks.get("10 %", peaks["100 %"]) > GROWTH_LIMIT_MB:
                    print("FAIL: memory grew with the orders")
                    failed = True
                if writes or again.unchanged != args.orders:
                    print("FAIL: the second sync wrote or did not find every order unchanged")
                    failed = True
    finally:
        stop.set()
        server.join(timeout=10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
