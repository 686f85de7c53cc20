"""Benchmark: the drop-off page's time with Mondial Relay answering, slow, and down.

    .venv/bin/python bench/bench_relay_page.py [--requests 5]

The portal (temporary SQLite) with Mondial Relay pointed at the fake service on loopback
(`tests/fakes/mondial_relay_server.py`) and the cache switched off, so that every page asks
the network. A customer with an order chooses an item, then the relay page is requested
`--requests` times per case: the network answering; slow (answers after 5 s); 503; dropping
the connection; nothing listening at all. Prints median and max in ms per case and exits 1
if any page took more than 2.5 s (RELAY_POINTS_TIMEOUT is 2 s) or a case showed the wrong
list.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.factories import Factory  # noqa: E402
from tests.fakes.mondial_relay_server import FakeMondialRelay  # noqa: E402

LIMIT_S = 2.5
CASES = (
    ("answering", None, "LOCKER 24/7 MONOPRIX VOLTAIRE"),
    ("slow (5 s)", "slow", "is not answering right now"),
    ("HTTP 503", "503", "is not answering right now"),
    ("connection dropped", "drop", "is not answering right now"),
    ("nothing listening", "refused", "is not answering right now"),
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp, FakeMondialRelay(slow_seconds=5) as fake:
        config = fake.config(MONDIAL_RELAY_TIMEOUT=10) | {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_DIR": f"{tmp}/mail",
            "DELIVER_MAIL_AFTER_REQUEST": False,
            "DEFAULT_LOCALE": "en",
            "RELAY_POINTS_CACHE_MINUTES": 0,
        }
        app = create_app(config)
        with app.app_context():
            db.create_all()
            factory = Factory()
            order = factory.order(email="bench@example.fr")
            factory.relay_point(name="Saved Tabac")
            db.session.commit()
            client = app.test_client()
            client.post("/lookup", data={"number": order.number, "contact": "bench@example.fr"})
            line = order.lines[0]
            client.post(
                "/return/items",
                data={
                    f"item-{line.id}-quantity": "1",
                    f"item-{line.id}-reason": "too_small",
                    f"item-{line.id}-resolution": "refund",
                },
            )
            print(f"{'case':<22} {'median ms':>10} {'max ms':>10}")
            for name, mode, expected in CASES:
                times = []
                for _ in range(args.requests):
                    if mode == "refused":
                        app.config["MONDIAL_RELAY_API_URL"] = "http://127.0.0.1:9/Web_Services.asmx"
                    else:
                        app.config["MONDIAL_RELAY_API_URL"] = fake.api_url
                        if mode:
                            fake.fail("search", mode)
                    started = time.perf_counter()
                    page = client.get("/return/relay").get_data(as_text=True)
                    times.append(time.perf_counter() - started)
                    if expected not in page:
                        print(f"  {name}: the page did not show {expected!r}")
                        failed = True
                median, worst = statistics.median(times), max(times)
                print(f"{name:<22} {median * 1000:>10.1f} {worst * 1000:>10.1f}")
                failed |= worst > LIMIT_S
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
