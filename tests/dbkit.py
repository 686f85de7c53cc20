"""The test database: the schema is built once per session, each test starts from it empty.

SQLite: `db.create_all()` once into a template file; each test gets its own copy (a file
copy takes about a millisecond, `create_all` about a quarter of a second).

PostgreSQL: `db.create_all()` once; before each test one statement deletes the rows of
the tables that have any and restarts the id sequences (cheaper than the TRUNCATE of
every table it replaces, which also rewrote each table's files).

Either way every commit is real: threads, a second connection, a live server and CLI
commands all see what a test committed, as in production. (A rolled-back outer
transaction with savepoints was tried on PostgreSQL and rejected: the e-mail delivery
that runs after a request opens a second session, whose commits then nest inside the
request session's savepoint and are undone by its next rollback; and no test that uses
threads could run in it.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text

from portal import create_app
from portal.extensions import db


def build_sqlite_template(path: Path) -> Path:
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": _url(path)})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


def no_fsync(dbapi_connection, _record) -> None:
    """Tests need no durability across a power cut: SQLite skips fsync (locking and
    visibility between connections are unchanged)."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def copy_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return _url(target)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def without_flush(url: str) -> str:
    """The same for PostgreSQL, per connection: a commit does not wait for the WAL flush."""
    return f"{url}{'&' if '?' in url else '?'}options=-c%20synchronous_commit%3Doff"


class PostgresSchema:
    """The tables, created once; `clean()` empties them and restarts their id sequences
    (ids start at 1 in every test, as on a fresh SQLite file), in one round trip."""

    def __init__(self, url: str) -> None:
        app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.drop_all()
            db.create_all()
            quote = db.engine.dialect.identifier_preparer.quote
            tables = [quote(t.name) for t in db.metadata.sorted_tables]
            with db.engine.connect() as conn:
                sequences = conn.scalars(
                    text(
                        "SELECT schemaname || '.' || sequencename FROM pg_sequences"
                        " WHERE schemaname = current_schema()"
                    )
                ).all()
            self.engine = db.engine
        deletes = " ".join(
            f"IF EXISTS (SELECT 1 FROM {t}) THEN DELETE FROM {t}; END IF;" for t in reversed(tables)
        )
        restarts = ", ".join(f"setval('{s}', 1, false)" for s in sequences) or "1"
        self.reset_sql = text(f"DO $$ BEGIN {deletes} PERFORM {restarts}; END $$")

    def clean(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.reset_sql)

    def close(self) -> None:
        self.engine.dispose()
