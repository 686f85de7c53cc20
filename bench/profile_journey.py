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
import time
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

    @app.get("/bench-hello")
    def hello():
        return "hello"

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

    cpu: Counter = Counter()

    def timed(name, call, *args, **kw):
        step[0] = name
        started = time.process_time()
        response = call(*args, **kw)
        cpu[name] += time.process_time() - started
        return response

    def journey(client, i):
        from bench import bulkload

        line_id = first + i  # one line per bench order, ids in order
        who = {"number": bulkload.number(i + 1), "contact": bulkload.email(i + 1)}
        timed("lookup", client.post, "/lookup", data=who)
        timed("items GET", client.get, "/return/items")
        item = {
            f"item-{line_id}-quantity": "1",
            f"item-{line_id}-reason": "too_small",
            f"item-{line_id}-resolution": "refund",
        }
        timed("items POST", client.post, "/return/items", data=item)
        timed("relay GET", client.get, "/return/relay?postcode=75011")
        timed("relay POST", client.post, "/return/relay", data={"relay_point_id": point_id})
        timed("review", client.get, "/return/review")
        r = timed("confirm", client.post, "/return/confirm")
        if "-v" in sys.argv:
            print(r.status_code, r.headers.get("Location"))
        status = r.headers["Location"].split("?")[0]
        timed("status", client.get, status)
        timed("label", client.get, status + "/label.pdf")
        timed("hello", client.get, "/bench-hello")

    profiler = cProfile.Profile() if "--profile" in sys.argv else None
    for i in range(n):
        if i == 1:
            cpu.clear()  # the first journey compiles templates, fills caches
        client = app.test_client()
        if profiler and i > 0:
            profiler.enable()
        journey(client, i)
        if profiler:
            profiler.disable()
    if "--staff" in sys.argv:  # then the staff home, with the returns just made waiting
        with app.app_context():
            from portal.services.staff import create_staff

            create_staff("p@example.com", "warehouse", "profile-password-1")
            db.session.commit()
        staff = app.test_client()
        staff.post(
            "/staff/login", data={"email": "p@example.com", "password": "profile-password-1"}
        )
        for k in range(n):
            if k == 1:
                cpu.pop("staff home", None)
            timed("staff home", staff.get, "/staff/")
    print(f"statements and CPU ms per journey step (mean of {n}, the first one left out):")
    for name in dict.fromkeys(s for s, _ in counts):
        if name == "setup":
            continue
        reads, writes = counts[(name, "read")] / n, counts[(name, "write")] / n
        ms = cpu[name] * 1000 / max(n - 1, 1)
        print(f"  {name:<11} reads {reads:5.1f}  writes {writes:5.1f}  CPU {ms:6.2f} ms")
    print(
        f"  {'hello':<11} (a hello-world route, same app)  "
        f"CPU {cpu['hello'] * 1000 / max(n - 1, 1):6.2f} ms"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats(
            sys.argv[-1] if sys.argv[-1] in ("tottime", "cumulative") else "cumulative"
        ).print_stats(45)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
