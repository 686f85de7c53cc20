"""Fixtures for the relay point tests: an app on its own SQLite file holding the empty
schema (a copy of the session's template, whatever TEST_DATABASE_URL says)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.extensions import db
from tests import dbkit

DATA_DIR = Path(__file__).resolve().parents[2] / "portal" / "data"


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "RATELIMIT_ENABLED": False,
}


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Iterator[Flask]:
    url = dbkit.copy_sqlite(sqlite_template, tmp_path / "relay.sqlite")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app: Flask):
    return db.session


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR
