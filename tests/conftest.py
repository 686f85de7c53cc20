"""Fixtures: a fresh database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL),
the app, client and CLI runner, factories, a real SMTP server on loopback."""

from __future__ import annotations

import os
import socket
import threading
from email import message_from_bytes, policy

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.factories import PASSWORD, Factory

PG_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_sessionstart(session):
    from scripts.compile_translations import compile_all

    compile_all()


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
def _pg_schema():
    """On PostgreSQL: create the tables once; each test truncates them."""
    if not PG_URL:
        yield None
        return
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": PG_URL, "SECRET_KEY": "t"})
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield PG_URL


def _database_url(tmp_path, pg_url) -> str:
    return pg_url or f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def app_config(tmp_path, smtp_server, _pg_schema) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path, _pg_schema),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SMTP_URL": smtp_server[1],
        "MAIL_DIR": str(tmp_path / "mail"),
        "PUBLIC_URL": "http://portal.test",
        "EASYPOST_API_KEY": None,
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
    app = create_app(app_config)
    app.test_client_class = BufferedClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with app.app_context():
        if PG_URL:
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        else:
            db.create_all()
        yield app
        db.session.remove()
        if not PG_URL:
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
