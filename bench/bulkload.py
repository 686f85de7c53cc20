"""Load many orders fast, for the benchmark's lookup curve (10k → 100k → 1M orders).

Each order is `BK-0000001`… with one line of a demo variant, delivered five days ago,
e-mail `c1@bench.example`…, postcode 75011; every tenth order is a gift with the code
`BKG-000000010`… (the gift lookup's curve). Rows are written straight into the tables with
explicit ids, past the ones already there, in chunks of 200,000, each one
`INSERT … SELECT` over a series of numbers made by the database (generate_series on
PostgreSQL, a recursive CTE on SQLite): no Python per row. The unique and lookup
indexes exist before the load and are kept up to date by it, as in production. Measured
here with the machine busy (load average ~10 on 2 CPUs): 100,000 orders in 2.0 s on
SQLite, 5.6 s on PostgreSQL.

    .venv/bin/python bench/bulkload.py DATABASE_URL COUNT   # adds COUNT orders
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 200_000


def number(i: int) -> str:
    return f"BK-{i:07d}"


def email(i: int) -> str:
    return f"c{i}@bench.example"


def gift_code(i: int) -> str | None:
    return f"BKG-{i:09d}" if i % 10 == 0 else None  # 12 characters: the shortest looked up


# The rows are made by the database itself from a series of numbers (no Python per
# row): generate_series on PostgreSQL, a recursive CTE on SQLite. Same values as
# number() / email() / gift_code() above.
_SERIES = {
    "postgresql": "SELECT g FROM generate_series(CAST(:first AS integer), CAST(:last AS integer))"
    " AS g",
    "sqlite": "WITH RECURSIVE s(g) AS (SELECT :first UNION ALL SELECT g + 1 FROM s WHERE g < :last)"
    " SELECT g FROM s",
}
_TEXT = {
    "postgresql": {
        "number": "'BK-' || lpad(g::text, 7, '0')",
        "key": "'BK' || lpad(g::text, 7, '0')",
        "gift": "CASE WHEN g % 10 = 0 THEN 'BKG-' || lpad(g::text, 9, '0') END",
        "false": "false",
    },
    "sqlite": {
        "number": "printf('BK-%07d', g)",
        "key": "printf('BK%07d', g)",
        "gift": "CASE WHEN g % 10 = 0 THEN printf('BKG-%09d', g) END",
        "false": "0",
    },
}


def _statements(dialect: str) -> tuple[str, str]:
    t, series = _TEXT[dialect], _SERIES[dialect]
    orders = (
        "INSERT INTO orders (id, number, number_key, email, shipping_name, shipping_line1,"
        " shipping_line2, shipping_postcode, shipping_city, shipping_country, placed_at,"
        " delivered_at, currency, payment_method, payment_reference, discount, gift_code,"
        " gift_message, cancelled, delivery_estimated, created_at, updated_at)"
        f" SELECT :first_order + g - :first, {t['number']}, {t['key']},"
        " 'c' || g || '@bench.example', 'Client ' || g, (g % 200 + 1) || ' rue de la Roquette',"
        " NULL, '75011', 'Paris', 'FR', :placed, :delivered, 'EUR', 'card', 'pi_bench_' || g, 0,"
        f" {t['gift']}, NULL, {t['false']}, {t['false']}, :now, :now FROM ({series}) AS numbers"
    )
    lines = (
        "INSERT INTO order_lines (id, order_id, variant_id, quantity, unit_price, discount,"
        " final_sale)"
        f" SELECT :first_line + g - :first, :first_order + g - :first, :variant, 1, :price, 0,"
        f" {t['false']} FROM ({series}) AS numbers"
    )
    return orders, lines


def _sqlite_stamp(value: datetime) -> str:
    # what SQLAlchemy's DateTime stores on SQLite (UTCDateTime: UTC, naive)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def load(url: str, count: int, start: int | None = None) -> int:
    """Add `count` bench orders; returns the index of the first one added."""
    engine = create_engine(url)
    with engine.begin() as conn:
        first_order = (conn.execute(text("SELECT coalesce(max(id), 0) FROM orders")).scalar()) + 1
        first_line = (
            conn.execute(text("SELECT coalesce(max(id), 0) FROM order_lines")).scalar()
        ) + 1
        if start is None:
            start = (
                conn.execute(text("SELECT count(*) FROM orders WHERE number LIKE 'BK-%'")).scalar()
                + 1
            )
        variant = conn.execute(
            text(
                "SELECT v.id, v.price FROM variants v JOIN products p ON p.id = v.product_id "
                "WHERE v.returnable AND p.returnable ORDER BY v.id LIMIT 1"
            )
        ).one()
    postgres = engine.dialect.name == "postgresql"
    stamp = (lambda value: value) if postgres else _sqlite_stamp
    now = datetime.now(UTC)
    orders_sql, lines_sql = _statements(engine.dialect.name)
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        params = {
            "first": start + done,
            "last": start + done + n - 1,
            "first_order": first_order + done,
            "first_line": first_line + done,
            "variant": variant[0],
            "price": variant[1],
            "placed": stamp(now - timedelta(days=8)),
            "delivered": stamp(now - timedelta(days=5)),
            "now": stamp(now),
        }
        with engine.begin() as conn:
            conn.execute(text(orders_sql), params)
            conn.execute(text(lines_sql), params)
        done += n
    if postgres:
        with engine.begin() as conn:
            for table in ("orders", "order_lines"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(text("ANALYZE orders"))
            conn.execute(text("ANALYZE order_lines"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return start


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    load(sys.argv[1], int(sys.argv[2]))
