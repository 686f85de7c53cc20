"""Our routes against a hello-world route on the same gunicorn server, in one run.

Loads the demo shop into a temporary SQLite database, serves it with gunicorn (one
sync worker) on loopback, and times sequential keep-alive requests per route:
median and p95, and the ratio of each median to hello-world's. Exits 1 if a route's
median is above 50 ms (our promise: a reply within seconds, so well within that).
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N = 200
LIMIT_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db_url: str, mail_dir: str) -> tuple[str, str]:
    """Load the demo and create one return; returns (status path, order number)."""
    from datetime import UTC, date, datetime

    from portal import create_app
    from portal.commands.demo import load_demo
    from portal.extensions import db
    from portal.links import status_path
    from portal.models import Order
    from portal.services.labels import issue_label
    from portal.services.policy import current_policy
    from portal.services.returns import ItemChoice, ReturnDraft, create_return

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench", "MAIL_DIR": mail_dir}
    )
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo(datetime.now(UTC))
        order = db.session.query(Order).filter_by(number="FR-10001").one()
        from portal.models import RelayPoint

        rr = create_return(
            ReturnDraft(
                order.id,
                [ItemChoice(order.lines[0].id, 1, "too_small", "refund")],
                db.session.query(RelayPoint).first().id,
                "fr",
                "bench-key",
            ),
            policy=current_policy(),
            today=date.today(),
        )
        db.session.commit()
        issue_label(rr)
        db.session.commit()
        return status_path(rr), order.number


def timed(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None):
    samples = []
    for i in range(N + 20):
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.read()
        if i >= 20:
            samples.append((time.perf_counter() - start) * 1000)
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: HTTP {response.status}")
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.sqlite"
        status, number = prepare(db_url, tmp)
        port = free_port()
        env = {
            **os.environ,
            "BENCH_DATABASE_URL": db_url,
            "BENCH_MAIL_DIR": tmp,
            "PYTHONPATH": str(ROOT),
            "RETOURS_INSTANCE_PATH": tmp,
        }
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-w",
                "1",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "bench.route_app:make()",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            conn = http.client.HTTPConnection("127.0.0.1", port)
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            conn.request(
                "POST",
                "/lookup",
                urlencode({"number": number, "contact": "camille.martin@example.fr"}),
                form,
            )
            response = conn.getresponse()
            response.read()
            cookie = re.match(r"[^;]+", response.getheader("Set-Cookie")).group(0)
            routes = [
                ("hello world", "GET", "/bench/hello", None, {}),
                ("start page", "GET", "/", None, {}),
                (
                    "order lookup",
                    "POST",
                    "/lookup",
                    urlencode({"number": number, "contact": "75011"}),
                    form,
                ),
                ("items page", "GET", "/return/items", None, {"Cookie": cookie}),
                ("relay search", "GET", status + "/relay?postcode=69002", None, {}),
                ("status page", "GET", status, None, {}),
                ("label download", "GET", status + "/label.pdf", None, {}),
            ]
            results = [(name, *timed(conn, m, p, b, h)) for name, m, p, b, h in routes]
        finally:
            server.terminate()
            server.wait(10)
    hello = results[0][1]
    print(f"{'route':<16} {'median ms':>10} {'p95 ms':>8} {'× hello':>8}")
    failed = False
    for name, median, p95 in results:
        print(f"{name:<16} {median:>10.2f} {p95:>8.2f} {median / hello:>8.1f}")
        failed |= median > LIMIT_MS
    if failed:
        print(f"FAIL: a median is above {LIMIT_MS} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
