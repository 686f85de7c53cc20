"""Speed that shows in behaviour: finding an order writes nothing, the status page leaves
the label PDF in the database, a confirm reads the returned quantities once, the lookups
use their indexes on both databases, and SQLite runs in WAL mode."""

from __future__ import annotations

from portal import create_app
from portal.extensions import db
from portal.links import status_path
from portal.services import lookup as lookups
from tests.customer.pagekit import confirm, item_fields, lookup, page, to_review


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if s.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


def test_finding_an_order_writes_nothing(en, shop, statements):
    response = lookup(en, shop.order)
    assert response.headers["Location"].endswith("/return/items")
    assert any("FROM orders" in s for s in statements)  # it did look
    assert writes(statements) == []
    shown = page(en.get("/return/items"))  # and the journey goes on from the cookie alone
    assert shown.control(f"item-{shop.line.id}-quantity") is not None


def test_finding_a_gift_writes_nothing(en, factory, statements):
    factory.variants("TEE", M=5)
    order = factory.order([("TEE-M", 1)], gift_code="GIFT-ABCD-EFGH-JKLM")
    db.session.commit()
    statements.clear()
    response = en.post("/gift", data={"code": "gift abcd efgh jklm"})
    assert response.headers["Location"].endswith("/return/items")
    assert writes(statements) == []
    shown = page(en.get("/return/items"))
    assert shown.control(f"item-{order.lines[0].id}-quantity") is not None


def test_status_page_does_not_read_the_label_pdf(en, shop, factory, statements):
    rr = factory.return_(shop.order, locale="en")
    db.session.commit()
    path, rma = status_path(rr), rr.rma
    db.session.expunge_all()  # nothing cached from building it
    statements.clear()
    shown = page(en.get(path))
    assert rma in shown.text
    label_reads = [s for s in statements if "FROM labels" in s or "JOIN labels" in s]
    assert label_reads and not [s for s in label_reads if ".pdf" in s or "slip_pdf" in s]
    response = en.get(path + "/label.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert any("labels.pdf" in s for s in statements)  # read when downloaded


def test_confirm_reads_what_earlier_returns_hold_once(en, shop, statements):
    to_review(en, shop.order, shop.point, item_fields(shop.line))
    statements.clear()
    response = confirm(en)
    assert "/r/" in response.headers["Location"]
    held = [s for s in statements if "sum(return_items.quantity)" in s]
    assert len(held) == 1


def _plan(query) -> str:
    """The database's plan for `query` as the app sends it (bound parameters and all)."""
    compiled = query.compile(dialect=db.engine.dialect)
    raw = db.session.connection().connection.driver_connection
    if db.engine.dialect.name == "sqlite":
        params = [compiled.params[name] for name in compiled.positiontup]
        rows = raw.execute("EXPLAIN QUERY PLAN " + str(compiled), params).fetchall()
        return " ".join(str(r[-1]) for r in rows)
    with raw.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: ask if it can
        cursor.execute("EXPLAIN " + str(compiled), compiled.params)
        return " ".join(r[0] for r in cursor.fetchall())


def test_lookups_use_their_indexes(app):
    """The statements the lookups send (built once per process, portal/services/lookup.py)."""
    number = lookups.number_statement().params(key=lookups.normalize_number("fr-10001"))
    gift = lookups.gift_statement().params(code=lookups.normalize_gift_code("abcd-efgh-jklm"))
    for query, index in ((number, "ix_orders_number_key"), (gift, "ix_orders_gift_code_key")):
        plan = _plan(query)
        assert index in plan, plan
        assert "SCAN orders" not in plan and "Seq Scan" not in plan, plan
    db.session.rollback()


def test_embedded_sqlite_runs_in_wal_mode(tmp_path):
    app = create_app(
        {"SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wal.sqlite"}
    )
    with app.app_context():
        with db.engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        db.engine.dispose()
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "busy_timeout": 10000,
    }
