"""Shared tools of the reliability campaign: rounds, barrier races, the database kind."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from portal.extensions import db

DEFAULT_ROUNDS = 1


def rounds(default: int = DEFAULT_ROUNDS, scale: float = 1.0) -> int:
    """How many times each attempt is repeated: RELIABILITY_ROUNDS (`make reliability`
    sets 100), times `scale` for the slow attempts; `default` without it (CI)."""
    value = os.environ.get("RELIABILITY_ROUNDS", "").strip()
    return max(round(int(value) * scale), default, 1) if value else default


def on_postgres() -> bool:
    return db.engine.url.get_backend_name() == "postgresql"


def parallel(postgres: int, sqlite: int) -> int:
    """How many threads race: the full count on PostgreSQL, fewer on SQLite.

    On PostgreSQL each thread needs its own connection; when the server (shared with
    other test runs) has fewer free connection slots, fewer threads race, never fewer
    than two. Each test records the count it used (the report's totals)."""
    if not on_postgres():
        return sqlite
    free = db.session.execute(
        text(
            "SELECT current_setting('max_connections')::int - count(*) "
            "- current_setting('superuser_reserved_connections')::int FROM pg_stat_activity"
        )
    ).scalar()
    return max(2, min(postgres, free - 4))


def warm_pool(n: int) -> None:
    """PostgreSQL: open the n connections the threads will use before they race, so that
    a race never waits for (or fails to get) a new connection from the shared server;
    when it has no free slot ("too many clients", another test run's load), wait for one."""
    if not on_postgres():
        return
    for _ in range(120):
        held = []
        try:
            for _ in range(n + 1):
                held.append(db.engine.connect())
            return
        except OperationalError as exc:
            if "too many clients" not in str(exc):
                raise
            time.sleep(0.5)
        finally:
            for conn in held:
                conn.close()
    raise RuntimeError(f"the PostgreSQL server never had {n + 1} free connections")


def race(n: int, worker: Callable[[int, threading.Barrier], object], timeout: float = 120):
    """Run `worker(i, barrier)` in n threads; each calls `barrier.wait()` when ready, so
    that all of them start the contested step together. Returns each worker's result,
    or the exception it raised."""
    warm_pool(n)
    barrier = threading.Barrier(n, timeout=timeout)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            results[i] = worker(i, barrier)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    stuck = [i for i, t in enumerate(threads) if t.is_alive()]
    assert not stuck, f"threads {stuck} never finished"
    return results
