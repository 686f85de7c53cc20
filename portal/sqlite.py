"""SQLite, made to behave like the production database where it matters, and fast.

Foreign keys are enforced, as on PostgreSQL, and a writer waits up to 10 s for the
lock rather than failing at once.

The embedded default runs in WAL mode: readers never wait for the writer nor the writer
for readers (the rollback journal blocks every reader while a write commits), and a
commit appends to the log instead of rewriting pages. With WAL, `synchronous=NORMAL` is
durable across a crash of the process (a power cut can lose the last commits, not
corrupt the file); the page cache is 32 MB per connection and temporary tables stay in
memory. WAL needs the file on a local disk (not a network share); an in-memory
database keeps its own journal.

Python's sqlite3 driver begins a transaction only at the first write, so a SAVEPOINT
taken before any write would commit when released. The one "exactly once" guard that
uses a savepoint (`resolve.issue_refund`) writes first through `locks.lock_return`;
the driver's default is kept because it lets readers and a writer share the file, and
because every transaction then starts with its write lock (in WAL a transaction that
read first and wrote later could fail at once, its snapshot stale).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from portal.extensions import db

PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-32000",
    "PRAGMA temp_store=MEMORY",
)


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
