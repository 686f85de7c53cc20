"""`make bench`: the portal measured from outside, under production settings, honestly.

For each database (SQLite always; PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL
is a postgresql URL, in a schema of its own dropped at the end):

1. a fresh schema, the demo shop, a warehouse login, and bench orders (bulkload.py);
2. the portal as in production (`gunicorn -w 2 wsgi:app`, CSRF on, rate limits on Redis,
   DELIVER_MAIL_AFTER_REQUEST=0) and a separate hello-world Flask app on the same
   gunicorn (-w 2), both on loopback;
3. rounds of locust (headless, `.venv-bench`), the hello-world app and the portal
   interleaved (A B A B …): each customer page; returns created end to end by 50
   concurrent customers; staff scan → receive; the outbox delivering the returns' mails
   through its CLI (`flask outbox deliver --loop`, 1 then 2 workers) to a local aiosmtpd;
   lookups (order and gift) and the staff queues at 10k, 100k and 1M orders;
4. per round: req/s, p50/p95/p99 (ms), errors, CPU ms per request of the gunicorn workers
   plus the PostgreSQL backends serving them (from /proc), and RSS per worker at the end.

Then the label PDFs against a blank page (bench_label.py). Writes bench/REPORT.md and the raw
figures in bench/report.json. Never fails for a timing: it reports. BENCH_QUICK=1: tiny sizes and
short rounds (for developing it). Needs Redis on 127.0.0.1:6379 (REDIS_URL).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUND_S = 3 if QUICK else 4
JOURNEY_S = 12 if QUICK else 20  # 50 customers, 9 requests each: long enough to finish
SIZES = (6_000, 8_000, 10_000) if QUICK else (10_000, 100_000, 1_000_000)
POOL = 6_000 if QUICK else 10_000  # orders for journeys and pages (their first lines)
PER_JOURNEY_ROUND = 1_500 if QUICK else 2_500  # orders a journey round may use up
USERS = 50  # concurrent clients of every customer round
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
LOCUST = Path(os.environ.get("BENCH_LOCUST", ROOT / ".venv-bench" / "bin" / "locust"))
VENV_BIN = Path(sys.executable).parent
STAFF = ("bench.warehouse@example.com", "bench-password-123")
TICK = os.sysconf("SC_CLK_TCK")
PAGES = (
    "start",
    "lookup",
    "items",
    "relay",
    "review",
    "status",
    "label",
    "label (drawn on download)",
    "gift",
)
# seconds for the users of a page round to do what the page needs (a return made for the
# status page and the label) before the page's own requests are counted
SETUP_S = {"start": 2, "lookup": 2, "gift": 2, "items": 6, "relay": 8, "review": 8, "status": 12}
SETUP_S["label"] = SETUP_S["status"]


def log(*args) -> None:
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on {port}")


# --- /proc -------------------------------------------------------------------------


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError):
        return 0


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass
    return found


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- databases ---------------------------------------------------------------------


class Database:
    def __init__(self, kind: str, tmp: str, pg_url: str | None):
        self.kind = kind
        self.schema = f"bench_{os.getpid()}"
        if kind == "sqlite":
            self.url = f"sqlite:///{tmp}/bench.sqlite"
        else:
            sep = "&" if "?" in pg_url else "?"
            self.url = (
                f"{pg_url}{sep}application_name=retours-bench&options=-csearch_path%3D{self.schema}"
            )
            self.admin_url = pg_url

    def create(self) -> None:
        from sqlalchemy import create_engine, text

        if self.kind == "postgresql":
            engine = create_engine(self.admin_url)
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {self.schema}"))
            engine.dispose()

    def drop(self) -> None:
        from sqlalchemy import create_engine, text

        if self.kind == "postgresql":
            engine = create_engine(self.admin_url)
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
            engine.dispose()

    def backend_pids(self) -> list[int]:
        if self.kind != "postgresql":
            return []
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url)
        with engine.connect() as conn:
            pids = conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'retours-bench'"
                    " AND pid <> pg_backend_pid()"
                )
            ).scalars()
            found = list(pids)
        engine.dispose()
        return found


def prepare(db: Database, tmp: str) -> None:
    """Schema, demo shop, a warehouse login, the first bench orders."""
    from portal import create_app
    from portal.commands.demo import load_demo
    from portal.extensions import db as sa
    from portal.services.staff import create_staff

    db.create()
    app = create_app({"SQLALCHEMY_DATABASE_URI": db.url, "SECRET_KEY": "bench", "MAIL_DIR": tmp})
    with app.app_context(), app.test_request_context():
        sa.create_all()
        load_demo(datetime.now(UTC))
        create_staff(STAFF[0], "warehouse", STAFF[1])
        sa.session.commit()
        sa.engine.dispose()
    from bench import bulkload

    bulkload.load(db.url, POOL)


# --- servers -----------------------------------------------------------------------


class Server:
    def __init__(self, app: str, env: dict, extra: tuple[str, ...] = ()):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                *extra,
                app,
            ],
            env=env,
            cwd=ROOT,
        )
        wait_port(self.port)
        time.sleep(1)  # both workers up

    @property
    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def portal_env(db: Database, tmp: str, smtp_port: int) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db.url,
        "SECRET_KEY": "bench-secret",
        "REDIS_URL": REDIS,
        "DELIVER_MAIL_AFTER_REQUEST": "0",
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "RETOURS_INSTANCE_PATH": tmp,
        "PUBLIC_URL": "http://127.0.0.1:5000",
        # the one limit raised: every simulated customer comes from 127.0.0.1, so the
        # per-address lookup limit is lifted; the per-order-number limit (same value,
        # other key) is never reached, each customer finding their own order
        "LOOKUP_RATE_LIMIT": "1000000 per minute",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }


# --- rounds ------------------------------------------------------------------------


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None  # "N/A": no request of that name answered


def locust(
    host: str,
    user: str,
    users: int,
    seconds: int,
    env: dict,
    cpu_pids,
    name: str,
    setup: tuple[float, str] | None = None,
    during_setup=None,
) -> dict:
    """One headless locust round; its figures, with the CPU the servers spent.

    `setup` = (seconds, row): the users first do what the page needs, then wait for the
    end of those seconds (BENCH_T0, bench/locustfile.py PageUser); the CPU is counted from
    then, and the figures are those of the locust row named `row` alone. `during_setup`
    (a callable returning a stop function) runs while the users set up."""
    for attempt in range(2):
        result = _locust_once(host, user, users, seconds, env, cpu_pids, name, setup, during_setup)
        if result["requests"] or attempt:
            return result
        log(f"  {name}: no request answered, once more (locust: {result['stderr'][-200:]!r})")
    return result


def _locust_once(host, user, users, seconds, env, cpu_pids, name, setup, during_setup) -> dict:
    prefix = OUT / f"locust-{uuid.uuid4().hex[:8]}"
    window, measured = setup or (0, "")
    t0 = time.time() + window
    if setup:
        env = {**env, "BENCH_T0": f"{t0:.3f}"}
    before = {pid: cpu_ticks(pid) for pid in cpu_pids()}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(LOCUST),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--loglevel",
            "ERROR",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds + window:g}s",
            "--stop-timeout",
            "5",
            "-H",
            host,
            "--csv",
            str(prefix),
            user,
        ],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if setup:
        stop = during_setup() if during_setup else None
        time.sleep(max(0.0, t0 - time.time()))
        if stop:
            stop()
        before = {pid: cpu_ticks(pid) for pid in cpu_pids()}  # the page's own requests from now
        started = time.perf_counter()
    try:
        _out, stderr = proc.communicate(timeout=seconds + window + 120)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, stderr = proc.communicate()
    wall = time.perf_counter() - started
    after = {pid: cpu_ticks(pid) for pid in cpu_pids()}
    cpu_s = sum(after[p] - before.get(p, 0) for p in after) / TICK
    rows = {}
    stats = Path(f"{prefix}_stats.csv")
    with open(stats) if stats.exists() else open(os.devnull) as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = {
                "type": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "p99": _number(row["99%"]),
            }
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv") as f:
            failures = [f"{r['Name']}: {r['Error']} ×{r['Occurrences']}" for r in csv.DictReader(f)]
    for suffix in ("_stats.csv", "_failures.csv", "_exceptions.csv", "_stats_history.csv"):
        Path(f"{prefix}{suffix}").unlink(missing_ok=True)
    http = rows.get("Aggregated", {})
    flows = {n: r for n, r in rows.items() if r["type"] == "FLOW"}
    http_requests = http.get("requests", 0) - sum(r["requests"] for r in flows.values())
    setup_failures = 0
    if setup:  # the page's row alone; what the users did to get there is not counted
        setup_failures = http.get("failures", 0) - rows.get(measured, {}).get("failures", 0)
        http = rows.get(measured, {})
        http_requests = http.get("requests", 0)
    result = {
        "name": name,
        "users": users,
        "round_seconds": seconds,
        "seconds": round(wall, 1),
        "requests": http_requests,
        "errors": http.get("failures", 0),
        "setup_seconds": window,
        "setup_failures": setup_failures,
        "rps": round(http_requests / seconds, 1) if seconds else 0,
        "p50": http.get("p50"),
        "p95": http.get("p95"),
        "p99": http.get("p99"),
        "cpu_s": round(cpu_s, 2),
        "cpu_ms_per_request": round(cpu_s * 1000 / http_requests, 2) if http_requests else None,
        "by_name": rows,
        "failures": failures[:10],
        "load_average": load_average(),
        "stderr": (stderr or "")[-2000:],
    }
    for flow, r in flows.items():
        result.setdefault("flows", {})[flow] = {
            **r,
            "per_second": round(r["requests"] / seconds, 1),
            "cpu_ms_per_flow": round(cpu_s * 1000 / r["requests"], 1) if r["requests"] else None,
        }
    log(
        f"  {name:<34} {result['rps']:>7} req/s  p95 {result['p95']} ms  "
        f"errors {result['errors']}  CPU {result['cpu_ms_per_request']} ms/req"
    )
    for failure in result["failures"][:3]:
        log(f"    {failure[:300]}")
    return result


class Bench:
    def __init__(self, db: Database, tmp: str, smtp):
        self.db, self.tmp, self.smtp = db, tmp, smtp
        env = portal_env(db, tmp, smtp.port)
        self.env = env
        self.portal = Server("wsgi:app", env)
        self.hello = Server("bench.hello_app:app", {**os.environ, "PYTHONPATH": str(ROOT)})
        self.order_next = 1  # bench orders not yet used by a journey

    def portal_pids(self) -> list[int]:
        return self.portal.workers + self.db.backend_pids()

    def take(self, n: int) -> dict:
        first = self.order_next
        self.order_next += n
        return {"BENCH_ORDER_FIRST": str(first), "BENCH_ORDER_COUNT": str(n)}

    def run(self, user, users, seconds, env, name, target="portal", setup=None, during_setup=None):
        server = self.portal if target == "portal" else self.hello
        pids = self.portal_pids if target == "portal" else (lambda: self.hello.workers)
        return locust(
            f"http://127.0.0.1:{server.port}",
            user,
            users,
            seconds,
            {"BENCH_STAFF": ":".join(STAFF), **env},
            pids,
            name,
            setup,
            during_setup,
        )

    def outbox_worker(self):
        """`flask outbox deliver --loop` running, as in production; returns its stop."""
        proc = subprocess.Popen(
            [
                str(VENV_BIN / "flask"),
                "--app",
                "wsgi",
                "outbox",
                "deliver",
                "--loop",
                "--interval",
                "1",
            ],
            env={**self.env, "FLASK_APP": "wsgi"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def stop():
            proc.terminate()
            proc.wait(20)

        return stop

    def hello_round(self, users=USERS):
        return self.run(
            "PageUser", users, ROUND_S, {"BENCH_TARGET": "hello"}, "hello world", "hello"
        )

    def stop(self) -> dict:
        rss = {
            "portal": [rss_kb(p) for p in self.portal.workers],
            "hello": [rss_kb(p) for p in self.hello.workers],
        }
        self.portal.stop()
        self.hello.stop()
        return rss


def pages(b: Bench) -> list[dict]:
    log(f"warm-up (not counted), then customer pages, {USERS} concurrent clients, A/B")
    b.run("JourneyUser", 5, ROUND_S, b.take(200), "warm-up")
    b.run("PageUser", 5, 2, {"BENCH_TARGET": "hello"}, "warm-up hello", "hello")
    rounds = []
    for name in PAGES:
        target = name.split(" ")[0]
        rounds.append(b.hello_round())
        env = {"BENCH_TARGET": target, **b.take(USERS)}
        if target == "lookup":
            env = {"BENCH_TARGET": target, "BENCH_ORDER_FIRST": "1", "BENCH_ORDER_COUNT": str(POOL)}
        # what the page needs is done first and not counted (bench/locustfile.py PageUser);
        # the label: with the outbox worker running meanwhile, as in production, so the
        # customer downloads the label the worker drew; "(drawn on download)" without it
        setup = (SETUP_S[target], "POST /lookup" if target == "lookup" else target)
        worker = b.outbox_worker if name == "label" else None
        rounds.append(
            b.run("PageUser", USERS, ROUND_S, env, name, setup=setup, during_setup=worker)
        )
    return rounds


def journeys(b: Bench, label: str) -> dict:
    log(f"returns end to end, 50 concurrent customers ({label})")
    return b.run("JourneyUser", USERS, JOURNEY_S, b.take(PER_JOURNEY_ROUND), f"journeys ({label})")


def outbox(b: Bench, workers: int) -> dict:
    """Deliver what the journeys queued, with N CLI workers; mails/s and delays."""
    from sqlalchemy import create_engine, text

    engine = create_engine(b.db.url)
    with engine.connect() as conn:
        pending = conn.execute(
            text("SELECT count(*) FROM outbox WHERE status = 'pending'")
        ).scalar()
    engine.dispose()
    log(f"outbox: {pending} mails queued, {workers} worker(s)")
    b.smtp.clear()
    env = {**b.env, "FLASK_APP": "wsgi"}
    started, sink_started = time.perf_counter(), time.process_time()
    procs = [
        subprocess.Popen(
            [
                str(VENV_BIN / "flask"),
                "--app",
                "wsgi",
                "outbox",
                "deliver",
                "--loop",
                "--interval",
                "1",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    deadline = started + (60 if QUICK else 180)
    while len(b.smtp.received) < pending and time.perf_counter() < deadline:
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    cpu = sum(cpu_ticks(p.pid) for p in procs) / TICK
    sink_cpu = time.process_time() - sink_started  # this process: the mailbox, and its polling
    time.sleep(1.5)  # a duplicate would arrive now
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(20)
    got = list(b.smtp.received)
    ids = [m["id"] for m in got]
    from sqlalchemy import select

    from portal.models import OutboxMessage, ReturnRequest

    engine = create_engine(b.db.url)
    t, r = OutboxMessage.__table__, ReturnRequest.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(r.c.rma, t.c.kind, t.c.created_at).join(r, r.c.id == t.c.return_id)
        ).all()
    engine.dispose()
    created = {(row.rma, row.kind): row.created_at for row in rows}
    delays = sorted(
        m["at"] - created[(m["rma"], m["kind"])].timestamp()
        for m in got
        if (m["rma"], m["kind"]) in created
    )
    arrivals = sorted(m["at"] for m in got)
    steady = (
        round((len(arrivals) - 1) / (arrivals[-1] - arrivals[0]), 1)
        if len(arrivals) > 1 and arrivals[-1] > arrivals[0]
        else None
    )
    result = {
        "workers": workers,
        "queued": pending,
        "delivered": len(got),
        "duplicates": len(ids) - len(set(ids)),
        "seconds": round(elapsed, 2),
        "mails_per_s": round(len(got) / elapsed, 1) if elapsed else None,
        "mails_per_s_first_to_last": steady,
        "matched_delays": len(delays),
        "cpu_ms_per_mail": round(cpu * 1000 / len(got), 1) if got else None,
        "sink_cpu_ms_per_mail": round(sink_cpu * 1000 / len(got), 2) if got else None,
        "delay_p50_s": round(delays[len(delays) // 2], 2) if delays else None,
        "delay_p95_s": round(delays[int(len(delays) * 0.95)], 2) if delays else None,
        "delay_max_s": round(delays[-1], 2) if delays else None,
    }
    log(f"  {result}")
    return result


def staff(b: Bench) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(b.db.url)
    with engine.connect() as conn:
        codes = conn.execute(
            text(
                "SELECT l.tracking_code FROM labels l JOIN return_requests r ON r.id = l.return_id"
                " WHERE r.status = 'label_issued' AND l.voided_at IS NULL"
            )
        ).scalars()
        codes = list(codes)
    engine.dispose()
    path = Path(b.tmp) / "codes.txt"
    path.write_text("\n".join(codes))
    log(f"staff scan → receive, 4 staff, {len(codes)} parcels")
    return b.run("StaffUser", 4, ROUND_S * 2, {"BENCH_CODES": str(path)}, "scan → receive")


def plans(db: Database) -> dict:
    """What the database does for the two lookups (EXPLAIN), as the app sends them."""
    from sqlalchemy import create_engine

    from bench.bulkload import gift_code, number
    from portal.services import lookup

    queries = {  # the statements the app sends, with a bench order's number and code
        "order number": lookup.number_statement().params(key=lookup.normalize_number(number(7))),
        "gift code": lookup.gift_statement().params(code=lookup.normalize_gift_code(gift_code(10))),
    }
    engine = create_engine(db.url)
    found = {}
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        for name, query in queries.items():
            compiled = query.compile(dialect=engine.dialect)
            if db.kind == "sqlite":
                params = [compiled.params[k] for k in compiled.positiontup]
                rows = raw.execute("EXPLAIN QUERY PLAN " + str(compiled), params).fetchall()
            else:
                with raw.cursor() as cursor:
                    cursor.execute("EXPLAIN " + str(compiled), compiled.params)
                    rows = cursor.fetchall()
            found[name] = " / ".join(str(r[-1]) for r in rows)
    engine.dispose()
    return found


def scale(b: Bench) -> list[dict]:
    from bench import bulkload

    loaded = POOL
    curve = []
    for size in SIZES:
        if size > loaded:
            started = time.perf_counter()
            bulkload.load(b.db.url, size - loaded)
            log(f"loaded {size - loaded} orders in {time.perf_counter() - started:.1f} s")
            loaded = size
        point = {"orders": size, "plans": plans(b.db)}
        point["hello"] = b.hello_round()
        count = {"BENCH_ORDER_FIRST": "1", "BENCH_ORDER_COUNT": str(size)}
        point["lookup"] = b.run(
            "PageUser", 10, ROUND_S, {"BENCH_TARGET": "lookup", **count}, f"lookup @{size}"
        )
        point["gift"] = b.run("GiftLookupUser", 10, ROUND_S, count, f"gift lookup @{size}")
        point["queues"] = b.run(
            "StaffUser", 4, ROUND_S, {"BENCH_TARGET": "queues"}, f"staff queues @{size}"
        )
        curve.append(point)
    return curve


# --- SMTP: bench/smtp_sink.py (aiosmtpd read DATA a line at a time and capped the figures)


# --- the whole run -----------------------------------------------------------------


def labels() -> dict:
    log("label PDFs against a blank page (bench_label.py)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_label.py"), "60" if QUICK else "300"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return {"output": done.stdout.strip(), "exit": done.returncode}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    if not LOCUST.exists():
        raise SystemExit(f"{LOCUST} is missing: run `make bench` (it installs locust)")
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    kinds = ["sqlite"] + (["postgresql"] if pg.startswith("postgresql") else [])
    if os.environ.get("BENCH_ONLY"):
        kinds = [k for k in kinds if k == os.environ["BENCH_ONLY"]]
    started = time.time()
    report = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": QUICK,
        "cpus": os.cpu_count(),
        "load_average_before": load_average(),
        "round_seconds": ROUND_S,
        "databases": {},
    }
    from bench.smtp_sink import Mailbox

    smtp = Mailbox()
    try:
        for kind in kinds:
            with tempfile.TemporaryDirectory() as tmp:
                db = Database(kind, tmp, pg)
                log(f"== {kind}: preparing")
                prepare(db, tmp)
                b = Bench(db, tmp, smtp)
                part: dict = {}
                report["databases"][kind] = part
                try:
                    part["pages"] = pages(b)
                    part["journeys"] = [journeys(b, "A"), b.hello_round(), journeys(b, "B")]
                    part["outbox_1"] = outbox(b, 1)
                    part["journeys"].append(journeys(b, "C"))
                    part["outbox_2"] = outbox(b, 2)
                    part["staff"] = [b.hello_round(4), staff(b)]
                    part["scale"] = scale(b)
                except Exception as exc:  # noqa: BLE001 — report what was measured, and why not the rest
                    log(f"{kind}: stopped by {exc!r}")
                    part["error"] = repr(exc)[:2000]
                finally:
                    part["rss_kb"] = b.stop()
                    db.drop()
        report["labels"] = labels()
    finally:
        smtp.stop()
    report["seconds"] = round(time.time() - started)
    report["load_average_after"] = load_average()
    raw = OUT / "bench.json" if QUICK else ROOT / "bench" / "report.json"
    raw.write_text(json.dumps(report, indent=1, default=str))
    from bench import report as writer

    target = OUT / "REPORT.md" if QUICK else ROOT / "bench" / "REPORT.md"
    target.write_text(writer.render(report))
    log(f"wrote {target} and {raw} in {report['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
