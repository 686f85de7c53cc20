"""Fixtures for the relay point tests: an app on a fresh in-memory SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.extensions import db

DATA_DIR = Path(__file__).resolve().parents[2] / "portal" / "data"


TEST_CONFIG = {
    "TESTING": True,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "SECRET_KEY": "test",
    "RATELIMIT_ENABLED": False,
}


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app(TEST_CONFIG)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture
def session(app: Flask):
    return db.session


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR
