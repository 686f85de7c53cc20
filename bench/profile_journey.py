"""Where one customer journey spends its time: SQL statements per request and a cProfile.

In-process (Flask test client, temporary SQLite or BENCH_DATABASE_URL), CSRF off, the demo
shop loaded; runs the journey (lookup → items → relay → review → confirm → status → label)
N times (default 20) and prints, per step, the statements issued (writes apart) and the
functions cProfile puts on top. A tool for finding causes, not a benchmark.

    .venv/bin/python bench/profile_journey.py [N] [--prod] [--outbox] [--profile [tottime]]
        [--only STEP,STEP] [--sql STEP…] [--staff] [--mix]

--prod: CSRF on and the limits on Redis, as in production; --outbox: then the mails
(--mix: with an "in transit" and a "received" mail per return besides the confirmation).
BENCH_DATABASE_URL=postgresql+psycopg://…: on PostgreSQL, in a schema of its own.
Instructions, which the machine's load does not move (journeys 2..N, those steps only):

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=starmap_next \
        .venv/bin/python bench/profile_journey.py 10 --prod --callgrind all|STEP,STEP
    (--outbox --callgrind outbox: the delivery of the queued mails, templates compiled)
"""

from __future__ import annotations

import cProfile
import itertools
import os
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOURNEY_STEPS = (
    "start",
    "lookup",
    "items GET",
    "items POST",
    "relay GET",
    "relay POST",
    "review",
    "confirm",
    "status",
    "label",
)
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
    pg = os.environ.get("BENCH_DATABASE_URL", "")
    if pg:  # PostgreSQL: a schema of its own, dropped at the end (`_pg_schema`)
        url = _pg_schema(pg)
    prod = "--prod" in sys.argv  # CSRF on, the limits on Redis: as gunicorn serves them
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "profile",
        "WTF_CSRF_ENABLED": prod,
        "RATELIMIT_ENABLED": prod,
        "MAIL_DIR": tmp,
        "DELIVER_MAIL_AFTER_REQUEST": False,
    }
    if prod:
        config["RATELIMIT_STORAGE_URI"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
        config["LOOKUP_RATE_LIMIT"] = "1000000 per minute"
    app = create_app(config)

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
                flat = " ".join(statement.split())
                print(step[0], "|", flat[:150], "…", flat[-120:])
            counts[(step[0], "write" if verb in {"INSERT", "UPDATE", "DELETE"} else "read")] += 1

    cpu: Counter = Counter()
    fastest: dict[str, float] = {}  # per step, the least CPU one request took

    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    # --callgrind STEP,STEP (or all): the steps whose instructions valgrind counts
    counted = None
    if "--callgrind" in sys.argv:
        counted = sys.argv[sys.argv.index("--callgrind") + 1].split(",")
        if counted == ["all"]:
            counted = list(JOURNEY_STEPS)
    state = {"profiler": None, "counting": False}

    def timed(name, call, *args, **kw):
        step[0] = name
        profiler = state["profiler"] if only and name in only else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        if counted is not None and name in counted and state["counting"]:
            # run inside itertools' starmap_next: under valgrind --toggle-collect=starmap_next
            # the instructions of these steps alone are counted (nothing else uses starmap)
            (response,) = itertools.starmap(lambda: call(*args, **kw), [()])
        else:
            response = call(*args, **kw)
        if profiler:
            profiler.disable()
        spent = time.process_time() - started
        cpu[name] += spent
        fastest[name] = min(fastest.get(name, spent), spent)
        return response

    def token(client, path):
        if not prod:
            return {}
        step[0] = "token"  # the page read for its token is not counted in any step
        page = client.get(path).get_data(as_text=True)
        return {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)}

    def journey(client, i):
        from bench import bulkload

        line_id = first + i  # one line per bench order, ids in order
        who = {"number": bulkload.number(i + 1), "contact": bulkload.email(i + 1)}
        timed("start", client.get, "/")
        timed("lookup", client.post, "/lookup", data={**who, **token(client, "/")})
        timed("items GET", client.get, "/return/items")
        item = {
            f"item-{line_id}-quantity": "1",
            f"item-{line_id}-reason": "too_small",
            f"item-{line_id}-resolution": "refund",
        }
        item.update(token(client, "/return/items"))
        timed("items POST", client.post, "/return/items", data=item)
        timed("relay GET", client.get, "/return/relay?postcode=75011")
        relay = {"relay_point_id": point_id, **token(client, "/return/relay?postcode=75011")}
        timed("relay POST", client.post, "/return/relay", data=relay)
        timed("review", client.get, "/return/review")
        r = timed("confirm", client.post, "/return/confirm", data=token(client, "/return/review"))
        if "-v" in sys.argv:
            print(r.status_code, r.headers.get("Location"))
        status = r.headers["Location"].split("?")[0]
        timed("status", client.get, status)
        timed("label", client.get, status + "/label.pdf")
        timed("hello", client.get, "/bench-hello")

    # CPU time, not wall time: the machine is shared
    profiler = cProfile.Profile(time.process_time) if "--profile" in sys.argv else None
    for i in range(n):
        if i == 1:
            cpu.clear()  # the first journey compiles templates, fills caches
            fastest.clear()
            state["counting"] = True
        client = app.test_client()
        if profiler and i > 0 and only:
            state["profiler"] = profiler
        elif profiler and i > 0:
            profiler.enable()
        journey(client, i)
        if profiler and not only:
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
    if "--outbox" in sys.argv:  # then deliver the mails the journeys queued, to aiosmtpd
        outbox_profile(app, step, counts, cpu, profiler if "outbox" in (only or []) else None)
    print(f"statements and CPU ms per journey step (mean of {n}, the first one left out):")
    for name in dict.fromkeys([*cpu, *(s for s, _ in counts)]):
        if name in ("setup", "token", "hello"):
            continue
        reads, writes = counts[(name, "read")] / n, counts[(name, "write")] / n
        ms = cpu[name] * 1000 / max(n - 1, 1)
        least = fastest.get(name, 0) * 1000
        print(
            f"  {name:<11} reads {reads:5.1f}  writes {writes:5.1f}  CPU {ms:6.2f} ms"
            f"  (least {least:6.2f})"
        )
    print(
        f"  {'hello':<11} (a hello-world route, same app)  "
        f"CPU {cpu['hello'] * 1000 / max(n - 1, 1):6.2f} ms"
        f"  (least {fastest.get('hello', 0) * 1000:6.2f})"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats(
            sys.argv[-1] if sys.argv[-1] in ("tottime", "cumulative") else "cumulative"
        ).print_stats(45)
    return 0


def _pg_schema(base: str) -> str:
    """`base` with a fresh schema `profile_<pid>` first on its search path, dropped at exit."""
    import atexit

    from sqlalchemy import create_engine, text

    schema = f"profile_{os.getpid()}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    atexit.register(drop)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def _queue_mix(app) -> None:
    """For every return made, the "in transit" and "received" mails queued too (as the
    carrier's scan and the warehouse would queue them), through `notifications.notify`."""
    from portal.extensions import db
    from portal.models import ReturnRequest
    from portal.notifications import notify

    with app.test_request_context():
        for rr in db.session.query(ReturnRequest).order_by(ReturnRequest.id):
            notify(rr, "in_transit")
            notify(rr, "received")
        db.session.commit()


def _warm_templates() -> None:
    """Each queued kind rendered once, uncounted: a worker compiles its templates once."""
    from portal.emails import render
    from portal.extensions import db
    from portal.models import OutboxMessage

    seen = {}
    for row in db.session.query(OutboxMessage).filter_by(status="pending"):
        seen.setdefault((row.kind, row.locale), row)
    for row in seen.values():
        render(row.kind, row.locale, dict(row.context), subject=row.subject)
    db.session.commit()


def outbox_profile(app, step, counts, cpu, profiler) -> None:
    """`deliver_due` over every queued mail, to an aiosmtpd in another process."""
    import socket
    import subprocess

    from portal.extensions import db
    from portal.models import OutboxMessage
    from portal.outbox import deliver_due

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ]
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        if "--mix" in sys.argv:  # besides each confirmation, two mails without attachments
            _queue_mix(app)
        with app.app_context():
            queued = db.session.query(OutboxMessage).filter_by(status="pending").count()
            _warm_templates()
            step[0] = "outbox"
            started, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            if (
                "--callgrind" in sys.argv
                and "outbox" in sys.argv[sys.argv.index("--callgrind") + 1]
            ):
                # counted under valgrind --toggle-collect=starmap_next, as the steps are
                (sent,) = itertools.starmap(lambda: deliver_due(limit=max(queued, 1))[0], [()])
            else:
                sent = deliver_due(limit=max(queued, 1))[0]
            if profiler:
                profiler.disable()
            cpu["outbox"] = time.process_time() - started
            wall = time.perf_counter() - wall
        print(
            f"outbox: {sent} of {queued} mails sent, CPU {cpu['outbox'] * 1000 / max(sent, 1):.2f}"
            f" ms per mail ({sent / max(cpu['outbox'], 1e-9):.0f} mails per CPU second;"
            f" wall {sent / wall:.0f} mails/s), statements per mail"
            f" {(counts[('outbox', 'read')] + counts[('outbox', 'write')]) / max(sent, 1):.1f}"
        )
        cpu.pop("outbox")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    raise SystemExit(main())
