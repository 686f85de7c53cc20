"""Orders as CSV, one row per order line: each order becomes the record PUT
/api/v1/orders/<number> takes, so it goes through the very same checks.

The order's columns are read from its first row; its other rows add lines and must repeat
the same order columns (or leave them empty). Numbers and true/false are converted only
when they are plainly that; anything else is passed on as text so that the OpenAPI
schema names the problem in its own words ("must be an integer (minor units, e.g. cents)").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import click

ORDER_COLUMNS = (
    "number",
    "email",
    "placed_at",
    "delivered_at",
    "currency",
    "cancelled",
    "discount",
    "payment_method",
    "payment_reference",
    "shipping_name",
    "shipping_line1",
    "shipping_line2",
    "shipping_postcode",
    "shipping_city",
    "shipping_country",
    "gift_code",
    "gift_message",
)
LINE_COLUMNS = ("sku", "quantity", "unit_price", "final_sale", "line_discount")
COLUMNS = ORDER_COLUMNS + LINE_COLUMNS
REQUIRED = ("number", "email", "placed_at", "currency", "payment_method", "sku", "quantity")
REQUIRED += ("unit_price", "shipping_name", "shipping_line1", "shipping_postcode")
REQUIRED += ("shipping_city", "shipping_country")
INTEGER = re.compile(r"-?[0-9]+")
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _integer(text: str):
    text = text.strip()
    return int(text) if INTEGER.fullmatch(text) else text


def _boolean(text: str):
    word = text.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    return text


def _or_none(text: str) -> str | None:
    return text if text.strip() else None


def _order(row: dict[str, str]) -> dict:
    record: dict = {
        "number": row["number"],
        "email": row["email"],
        "placed_at": row["placed_at"],
        "delivered_at": _or_none(row.get("delivered_at", "")),
        "currency": row["currency"],
        "shipping_address": {
            "name": row["shipping_name"],
            "line1": row["shipping_line1"],
            "line2": _or_none(row.get("shipping_line2", "")),
            "postcode": row["shipping_postcode"],
            "city": row["shipping_city"],
            "country": row["shipping_country"],
        },
        "payment": {
            "method": row["payment_method"],
            "reference": _or_none(row.get("payment_reference", "")),
        },
        "lines": [],
    }
    if (row.get("cancelled") or "").strip():
        record["cancelled"] = _boolean(row["cancelled"])
    if (row.get("discount") or "").strip():
        record["discount"] = _integer(row["discount"])
    code, message = row.get("gift_code", ""), row.get("gift_message", "")
    if code.strip() or message.strip():
        record["gift"] = {"code": _or_none(code), "message": _or_none(message)}
    return record


def _line(row: dict[str, str]) -> dict:
    line: dict = {
        "sku": row["sku"],
        "quantity": _integer(row["quantity"]),
        "unit_price": _integer(row["unit_price"]),
    }
    if (row.get("final_sale") or "").strip():
        line["final_sale"] = _boolean(row["final_sale"])
    if (row.get("line_discount") or "").strip():
        line["discount"] = _integer(row["line_discount"])
    return line


def _differs(first: dict[str, str], row: dict[str, str]) -> list[str]:
    return [c for c in ORDER_COLUMNS if c in row and row[c] and row[c] != first.get(c, "")]


def read_orders(path: str) -> Iterator[tuple[str, object]]:
    """Yield ("row N", the order record or a ValueError) for each order of the CSV file, in
    the order of their first rows. A file that cannot be read as CSV with our columns is
    refused whole (click.ClickException)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        why = f"{path} is not UTF-8 ({exc.reason}); nothing imported."
        raise click.ClickException(why) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\0extra")
    header = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append("missing columns: " + ", ".join(missing))
        if unknown:
            problems.append("unknown columns: " + ", ".join(unknown))
        if len(set(header)) != len(header):
            problems.append("a column is named twice")
        raise click.ClickException(f"{path}: {'; '.join(problems)}; nothing imported.")
    orders: dict[str, tuple[int, dict[str, str], object]] = {}
    try:
        for n, row in enumerate(reader, 2):  # as a spreadsheet numbers them: the header is 1
            number = (row.get("number") or "").strip()
            if "\0extra" in row or any(value is None for value in row.values()):
                why = ValueError(f"row {n} has not as many values as columns")
                first_n, first, _ = orders.get(number or f"\0row{n}", (n, row, None))
                orders[number or f"\0row{n}"] = (first_n, first, why)  # the whole order
                continue
            if not any(value.strip() for value in row.values()):
                continue
            if number not in orders:
                orders[number] = (n, row, _order(row))
            first_n, first, record = orders[number]
            if isinstance(record, Exception):
                continue
            if different := _differs(first, row):
                why = f"row {n} gives other {', '.join(different)} than row {first_n}"
                orders[number] = (first_n, first, ValueError(why))
                continue
            record["lines"].append(_line(row))
    except csv.Error as exc:
        raise click.ClickException(f"{path} is not valid CSV ({exc}); nothing imported.") from exc
    for n, _row, record in orders.values():
        yield f"row {n}", record
