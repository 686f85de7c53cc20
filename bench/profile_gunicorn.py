"""What a request costs under gunicorn, outside the view as well as in it.

Starts the portal as `bench/run.py` does (gunicorn, 2 sync workers, the production
settings: CSRF on, limits on Redis, `DELIVER_MAIL_AFTER_REQUEST=0`) and the hello-world
app beside it, runs locust rounds on the pages asked for, and prints the CPU ms per
request of the workers (plus PostgreSQL's backends). With `--profile` the portal's
workers run under cProfile from start to exit (`bench/gunicorn_profile.py`) and the
functions on top are printed: gunicorn's own work, Flask's hooks and the pools included.

    .venv/bin/python bench/profile_gunicorn.py [lookup,start,items,…] [--profile]
        [--users N] [--seconds S] [--top N]

BENCH_DATABASE_URL=postgresql+psycopg://…: on PostgreSQL, in a schema of its own.
"""

from __future__ import annotations

import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _arg(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main() -> int:
    from bench import run

    targets = next((a for a in sys.argv[1:] if not a.startswith("-") and not a.isdigit()), "")
    targets = [t for t in (targets or "lookup").split(",") if t]
    users = int(_arg("--users", "10"))
    seconds = int(_arg("--seconds", "8"))
    profile = "--profile" in sys.argv
    split = "--split" in sys.argv  # CPU inside the app against the worker's, no cProfile
    run.OUT.mkdir(parents=True, exist_ok=True)
    pg = os.environ.get("BENCH_DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        db = run.Database("postgresql" if pg else "sqlite", tmp, pg or None)
        run.prepare(db, tmp)
        env = run.portal_env(db, tmp, run.free_port())  # no mail is sent in a request
        extra: tuple[str, ...] = ()
        if profile or split:
            env["PROFILE_DIR"] = tmp
            env.update({"PROFILE_SPLIT": "1"} if split else {})
            extra = ("-c", str(ROOT / "bench" / "gunicorn_profile.py"))
        b = run.Bench.__new__(run.Bench)
        b.db, b.tmp, b.smtp, b.env, b.order_next = db, tmp, None, env, 1
        b.portal = run.Server("wsgi:app", env, extra)
        b.hello = run.Server("bench.hello_app:app", {**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            b.run("PageUser", 5, 3, b.take(100), "warm-up") if "lookup" not in targets else None
            results = [b.hello_round(users)]
            for target in targets:
                env_t = {"BENCH_TARGET": target, **b.take(users)}
                if target == "lookup":
                    env_t.update(BENCH_ORDER_FIRST="1", BENCH_ORDER_COUNT=str(run.POOL))
                results.append(b.run("PageUser", users, seconds, env_t, target))
            results.append(b.hello_round(users))
        finally:
            b.stop()
            db.drop()
        for r in results:
            print(f"{r['name']:<14} {r['requests']:>6} req  {r['cpu_ms_per_request']} ms CPU/req")
        if profile:
            files = [str(p) for p in Path(tmp).glob("worker-*.prof")]
            if files:
                stats = pstats.Stats(*files)
                stats.dump_stats(str(run.OUT / "gunicorn.prof"))  # for pstats' callers, snakeviz
                top = int(_arg("--top", "40"))
                stats.sort_stats("tottime").print_stats(top)
                stats.sort_stats("cumulative").print_stats(top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
