"""A database that refuses one order: a constraint the writers do not check before they
write (what a payload breaking one looks like), on SQLite a trigger, on PostgreSQL a CHECK
constraint; removed again afterwards (PostgreSQL's schema outlives the test)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from portal.extensions import db


@contextmanager
def refusing_order(number: str) -> Iterator[None]:
    assert "'" not in number
    if db.engine.dialect.name == "sqlite":
        add = (
            "CREATE TRIGGER refuse_one BEFORE INSERT ON orders "
            f"WHEN NEW.number = '{number}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
        remove = "DROP TRIGGER refuse_one"
    else:
        add = f"ALTER TABLE orders ADD CONSTRAINT refuse_one CHECK (number <> '{number}')"
        remove = "ALTER TABLE orders DROP CONSTRAINT refuse_one"
    db.session.execute(text(add))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.execute(text(remove))
        db.session.commit()
