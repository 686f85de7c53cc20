"""Fixtures: the app on an empty database per test (SQLite, or PostgreSQL with
TEST_DATABASE_URL; the schema is built once per session, see tests/dbkit.py), the client
and CLI runner, factories, a real SMTP server on loopback. tests/README.md explains them."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from hypothesis import settings
from jinja2 import BytecodeCache
from sqlalchemy import event

from portal import create_app
from portal.extensions import db
from tests import dbkit
from tests.factories import PASSWORD, Factory

PG_URL = os.environ.get("TEST_DATABASE_URL")

# The property tests draw the same examples on every run of the normal suite, so that CI's
# verdict depends on the code, not on the dice; `HYPOTHESIS_PROFILE=hunt` draws new ones
# (and finds what the fixed draw misses: then add the case as a plain test).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("hunt", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_configure(config):
    if PG_URL and not PG_URL.startswith("postgresql"):
        raise pytest.UsageError(f"TEST_DATABASE_URL must be a postgresql URL, not {PG_URL!r}")


def pytest_sessionstart(session):
    from scripts.compile_translations import compile_all

    compile_all()


POSTGRES_ONLY = "PostgreSQL only: set TEST_DATABASE_URL (CI's second pass does)"


def pytest_collection_modifyitems(config, items):
    """`postgres` tests skip on SQLite with one reason; with TEST_DATABASE_URL they run."""
    if PG_URL:
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=POSTGRES_ONLY))


GROUPS = ("postgres", "concurrency", "browser")


def pytest_runtest_logreport(report):
    for group in GROUPS:
        if group in report.keywords and (report.when == "call" or report.outcome != "passed"):
            OUTCOMES.setdefault(group, {})[report.nodeid] = report.outcome


OUTCOMES: dict[str, dict[str, str]] = {}


def pytest_sessionfinish(session, exitstatus):
    """RETOURS_REQUIRE_GROUPS=postgres (CI's PostgreSQL pass) fails the run unless every
    test of the group ran and none was skipped."""
    required = [g for g in os.environ.get("RETOURS_REQUIRE_GROUPS", "").split(",") if g]
    for group in required:
        outcomes = list(OUTCOMES.get(group, {}).values())
        if not outcomes or "skipped" in outcomes:
            MISSING.append(group)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


MISSING: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """One line per group that may skip, so a log says whether it ran, e.g.
    `postgres-only tests on PostgreSQL: 3 passed` or `... on SQLite: 3 skipped`."""
    backend = "PostgreSQL" if PG_URL else "SQLite"
    for group in GROUPS:
        outcomes = list(OUTCOMES.get(group, {}).values())
        counts = ", ".join(f"{outcomes.count(o)} {o}" for o in sorted(set(outcomes)))
        label = "postgres-only" if group == "postgres" else group
        terminalreporter.write_line(f"{label} tests on {backend}: {counts or 'none collected'}")
    for group in MISSING:
        terminalreporter.write_line(
            f"RETOURS_REQUIRE_GROUPS: the {group} tests did not all run", red=True
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """Messages received by the loopback SMTP server."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        msg.envelope_to = list(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m.envelope_to]

    def kinds(self, address: str | None = None) -> list[str]:
        msgs = self.to(address) if address else self.messages
        return [m["X-Retours-Kind"] for m in msgs]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    box, _url = smtp_server
    box.clear()
    return box


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file holding the empty schema, built once; tests copy it."""
    return dbkit.build_sqlite_template(tmp_path_factory.mktemp("schema") / "template.sqlite")


@pytest.fixture(scope="session")
def _pg_schema() -> Iterator[dbkit.PostgresSchema | None]:
    """On PostgreSQL: the tables, created once for the session."""
    if not PG_URL:
        yield None
        return
    schema = dbkit.PostgresSchema(PG_URL)
    yield schema
    schema.close()


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """This test's database, holding the empty schema: a copy of the SQLite template, or
    the PostgreSQL database with its tables emptied and id sequences restarted."""
    if not PG_URL:
        return dbkit.copy_sqlite(
            request.getfixturevalue("sqlite_template"), tmp_path / "test.sqlite"
        )
    request.getfixturevalue("_pg_schema").clean()
    return dbkit.without_flush(PG_URL)


@pytest.fixture
def app_config(tmp_path, smtp_server, database_url) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SMTP_URL": smtp_server[1],
        "MAIL_DIR": str(tmp_path / "mail"),
        "PUBLIC_URL": "http://portal.test",
        "EASYPOST_API_KEY": None,
        # tests that count working days relative to today must not depend on the date they
        # run on; tests/test_holidays.py turns France's holidays on
        "PUBLIC_HOLIDAYS": "",
    }


# What Flask extensions cache on `g` for one request. The `app` fixture keeps one app
# context open for the whole test and the test client reuses it, so without clearing
# these a locale, a loaded user or a CSRF token would leak from one request to the next.
PER_REQUEST = ("_flask_babel", "outbox_queued", "_login_user", "csrf_token")


class BufferedClient(FlaskClient):
    """Each request starts with nothing cached on `g`, as with a real server; each
    response is read whole and closed, so that the work registered with
    `call_on_close` (e-mail delivery) runs before the test looks."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in PER_REQUEST:
                g.pop(name, None)
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the apps of this test run (each test builds an app)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


@pytest.fixture
def app(app_config):
    """The app, inside an app context for the whole test, on an empty database."""
    app = create_app(app_config)
    app.test_client_class = BufferedClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", dbkit.no_fsync)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(app) -> Factory:
    return Factory()


class AuthActions:
    def __init__(self, client, factory: Factory) -> None:
        self.client = client
        self.factory = factory

    def login(self, role: str = "warehouse"):
        user = self.factory.staff(role)
        response = self.client.post(
            "/staff/login", data={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code in (302, 303), response.get_data(as_text=True)
        return user

    def logout(self):
        return self.client.post("/staff/logout")


@pytest.fixture
def auth(client, factory) -> AuthActions:
    return AuthActions(client, factory)


@pytest.fixture
def api_token(app) -> str:
    from portal.api.blueprint import create_token

    token = create_token("tests")
    db.session.commit()
    return token
