"""SQLite, made to behave like the production database where it matters.

Foreign keys are enforced, as on PostgreSQL, and a writer waits up to 10 s for the
lock rather than failing at once.

Python's sqlite3 driver begins a transaction only at the first write, so a SAVEPOINT
taken before any write would commit when released. The one "exactly once" guard that
uses a savepoint (`resolve.issue_refund`) writes first through `locks.lock_return`;
the driver's default is kept because it lets readers and a writer share the file.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from portal.extensions import db


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
