"""The reliability campaign: each test tries to break one guarantee, counts its attempts,
and (with RELIABILITY_RESULTS=path) the run writes what it tried and what happened as
JSON, which `scripts/reliability_report.py` turns into docs/RELIABILITY.md."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import PG_URL

_RESULTS: list[dict] = []


class Attempts:
    """What a test tried: `add()` once per attempt to break its guarantee."""

    def __init__(self) -> None:
        self.count = 0
        self.notes: dict[str, int] = {}

    def add(self, n: int = 1, **notes: int) -> None:
        self.count += n
        for key, value in notes.items():
            self.notes[key] = self.notes.get(key, 0) + value


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """On PostgreSQL a pool that keeps a connection for every racing thread (kit.warm_pool)."""
    if PG_URL:
        app_config = app_config | {
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 24, "max_overflow": 4}
        }
    return app_config


@pytest.fixture(autouse=True)
def _release_connections(app):
    """Give the database connections back after each test: the PostgreSQL server is
    shared, and the races use many."""
    yield
    from portal.extensions import db

    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def attempts(request) -> Attempts:
    counter = Attempts()
    request.node._reliability_attempts = counter
    return counter


def _guarantee(item) -> tuple[str, str]:
    marker = item.get_closest_marker("guarantee")
    if marker is None:
        return item.name, ""
    return marker.args[0], marker.kwargs.get("part", "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "setup":
        item._reliability_started = time.monotonic()
    done = report.when == "call" or (report.when == "setup" and not report.passed)
    if not done:
        return
    guarantee, part = _guarantee(item)
    counter = getattr(item, "_reliability_attempts", None)
    kinds = [m.name for m in item.iter_markers() if m.name in ("concurrency", "faults", "stateful")]
    doc = (getattr(item, "function", None).__doc__ or "") if hasattr(item, "function") else ""
    _RESULTS.append(
        {
            "test": item.nodeid,
            "what": " ".join(doc.split()),
            "guarantee": guarantee,
            "part": part or (kinds[0] if kinds else ""),
            "database": "postgresql" if PG_URL else "sqlite",
            "outcome": report.outcome,
            "attempts": counter.count if counter else 0,
            "notes": counter.notes if counter else {},
            "seconds": round(time.monotonic() - getattr(item, "_reliability_started", 0), 2),
            "rounds": os.environ.get("RELIABILITY_ROUNDS", ""),
        }
    )
    _write_results()  # after every test: a run stopped part-way keeps what it finished


def _write_results() -> None:
    target = os.environ.get("RELIABILITY_RESULTS")
    if not target or not _RESULTS:
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_RESULTS, indent=1, ensure_ascii=False) + "\n")


def pytest_sessionfinish(session, exitstatus):
    _write_results()
