"""Load many orders fast, for the benchmark's lookup curve (10k → 100k → 1M orders).

Each order is `BK-0000001`… with one line of a demo variant, delivered five days ago,
e-mail `c1@bench.example`…, postcode 75011; every tenth order is a gift with the code
`BKG-000000010`… (the gift lookup's curve). Rows are written straight into the tables with
explicit ids, past the ones already there, in chunks of 50,000: PostgreSQL through
`COPY … FROM STDIN` (psycopg), SQLite through one `executemany` per chunk in one
transaction per chunk. The unique and lookup indexes exist before the load and are kept
up to date by it, as in production. About 10–20 s per million orders here.

    .venv/bin/python bench/bulkload.py DATABASE_URL COUNT   # adds COUNT orders
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 50_000


def number(i: int) -> str:
    return f"BK-{i:07d}"


def email(i: int) -> str:
    return f"c{i}@bench.example"


def gift_code(i: int) -> str | None:
    return f"BKG-{i:09d}" if i % 10 == 0 else None  # 12 characters: the shortest looked up


def _rows(first_order: int, first_line: int, start: int, count: int, variant: tuple[int, int]):
    now = datetime.now(UTC)
    placed, delivered = now - timedelta(days=8), now - timedelta(days=5)
    orders, lines = [], []
    for k in range(count):
        i = start + k
        order_id = first_order + k
        orders.append(
            {
                "id": order_id,
                "number": number(i),
                "number_key": number(i).replace("-", ""),
                "email": email(i),
                "shipping_name": f"Client {i}",
                "shipping_line1": f"{i % 200 + 1} rue de la Roquette",
                "shipping_line2": None,
                "shipping_postcode": "75011",
                "shipping_city": "Paris",
                "shipping_country": "FR",
                "placed_at": placed,
                "delivered_at": delivered,
                "currency": "EUR",
                "payment_method": "card",
                "payment_reference": f"pi_bench_{i}",
                "discount": 0,
                "gift_code": gift_code(i),
                "gift_message": None,
                "cancelled": False,
                "created_at": now,
                "updated_at": now,
            }
        )
        lines.append(
            {
                "id": first_line + k,
                "order_id": order_id,
                "variant_id": variant[0],
                "quantity": 1,
                "unit_price": variant[1],
                "discount": 0,
                "final_sale": False,
            }
        )
    return orders, lines


def _copy(conn, table: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    raw = conn.connection.driver_connection
    with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def load(url: str, count: int, start: int | None = None) -> int:
    """Add `count` bench orders; returns the index of the first one added."""
    from portal.models import Order, OrderLine

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
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        orders, lines = _rows(first_order + done, first_line + done, start + done, n, variant)
        with engine.begin() as conn:
            if postgres:
                _copy(conn, "orders", orders)
                _copy(conn, "order_lines", lines)
            else:
                conn.execute(insert(Order.__table__), orders)
                conn.execute(insert(OrderLine.__table__), lines)
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
