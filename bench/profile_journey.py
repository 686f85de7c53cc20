"""Where one customer journey spends its time: SQL statements per request and a cProfile.

In-process (Flask test client, temporary SQLite or BENCH_DATABASE_URL), CSRF off, the demo
shop loaded; runs the journey (lookup → items → relay → review → confirm → status → label)
N times (default 20) and prints, per step, the statements issued (writes apart) and the
functions cProfile puts on top. A tool for finding causes, not a benchmark.

    .venv/bin/python bench/profile_journey.py [N] [--profile]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from sqlalchemy import event

    from portal import create_app
    from portal.commands.demo import load_demo
    from portal.extensions import db
    from portal.models import Order, RelayPoint

    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "20"))
    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/profile.sqlite"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "profile",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_DIR": tmp,
            "DELIVER_MAIL_AFTER_REQUEST": False,
        }
    )
    counts: Counter = Counter()
    step = ["setup"]
    with app.app_context():
        db.create_all()
        with app.test_request_context():
            load_demo(datetime.now(UTC))
            db.session.commit()
        from bench import bulkload

        bulkload.load(url, n + 1)
        point_id = db.session.query(RelayPoint).first().id
        first = db.session.query(Order).filter_by(number=bulkload.number(1)).one().lines[0].id

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, *_args):
            verb = statement.lstrip().split(None, 1)[0].upper()
            if "--sql" in sys.argv and step[0] in sys.argv:
                print(step[0], "|", " ".join(statement.split())[:150])
            counts[(step[0], "write" if verb in {"INSERT", "UPDATE", "DELETE"} else "read")] += 1

    def journey(client, i):
        from bench import bulkload

        line_id = first + i  # one line per bench order, ids in order
        step[0] = "lookup"
        client.post(
            "/lookup", data={"number": bulkload.number(i + 1), "contact": bulkload.email(i + 1)}
        )
        step[0] = "items GET"
        client.get("/return/items")
        step[0] = "items POST"
        client.post(
            "/return/items",
            data={
                f"item-{line_id}-quantity": "1",
                f"item-{line_id}-reason": "too_small",
                f"item-{line_id}-resolution": "refund",
            },
        )
        step[0] = "relay POST"
        client.post("/return/relay", data={"relay_point_id": point_id})
        step[0] = "review"
        client.get("/return/review")
        step[0] = "confirm"
        r = client.post("/return/confirm")
        if "-v" in sys.argv:
            print(r.status_code, r.headers.get("Location"))
        status = r.headers["Location"].split("?")[0]
        step[0] = "status"
        client.get(status)
        step[0] = "label"
        client.get(status + "/label.pdf")

    profiler = cProfile.Profile() if "--profile" in sys.argv else None
    for i in range(n):
        client = app.test_client()
        if profiler and i > 0:
            profiler.enable()
        journey(client, i)
        if profiler:
            profiler.disable()
    print(f"statements per journey step (mean of {n}):")
    for name in dict.fromkeys(s for s, _ in counts):
        if name == "setup":
            continue
        reads, writes = counts[(name, "read")] / n, counts[(name, "write")] / n
        print(f"  {name:<11} reads {reads:5.1f}  writes {writes:5.1f}")
    if profiler:
        pstats.Stats(profiler).sort_stats(
            sys.argv[-1] if sys.argv[-1] in ("tottime", "cumulative") else "cumulative"
        ).print_stats(45)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
