"""`import orders FILE` and `import catalog FILE`: a JSON list, or JSON Lines; orders also
as CSV, one row per order line (a FILE ending in .csv, portal/commands/csv_orders.py).

Each record goes through the same service verb as the API's PUT, so through the same
checks: the schemas of the published OpenAPI document, then the shop's own rules.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator

import click
from flask.cli import AppGroup

from portal.commands.csv_orders import read_orders
from portal.extensions import db
from portal.services import shop_sync
from portal.services.errors import ValidationFailed
from portal.services.validation import has_lone_surrogate

LONE_SURROGATE = "not valid text (a \\u escape that is half of a character)"
import_cli = AppGroup("import", help="Load the shop's catalogue or orders from a file.")


def read_records(path: str) -> Iterator[tuple[int, object]]:
    """Yield (record number, record) from a JSON list or a JSON Lines file.

    A JSON list is read whole: when it is not valid JSON (or not UTF-8) nothing can be
    imported. In JSON Lines a bad line is one rejected record (a ValueError in its place).
    """
    with open(path, "rb") as fh:
        bom = fh.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
        fh.seek(len(codecs.BOM_UTF8) if bom else 0)
        head = fh.read(1)
        while head.isspace():
            head = fh.read(1)
        fh.seek(0)
        if head == b"[":
            try:
                records = json.loads(fh.read().decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                raise click.ClickException(
                    f"{path} is not UTF-8 ({exc.reason}); nothing imported."
                ) from exc
            except json.JSONDecodeError as exc:
                raise click.ClickException(
                    f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}); nothing imported."
                ) from exc
            except RecursionError as exc:
                raise click.ClickException(
                    f"{path} is nested too deeply to be read; nothing imported."
                ) from exc
            if not isinstance(records, list):
                raise click.ClickException(f"{path} is not a JSON list; nothing imported.")
            for n, record in enumerate(records, 1):
                yield n, ValueError(LONE_SURROGATE) if has_lone_surrogate(record) else record
            return
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield n, ValueError(f"not UTF-8 ({exc.reason})")
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield n, ValueError(LONE_SURROGATE) if has_lone_surrogate(record) else record
            except json.JSONDecodeError as exc:
                yield n, ValueError(f"not valid JSON ({exc.msg})")
            except RecursionError:
                yield n, ValueError("nested too deeply to be read")


def _run(records, apply) -> None:
    """Apply each (record number or label, record); report what was created, updated and
    rejected (with the reasons), never stopping at the first problem."""
    counts = {"created": 0, "updated": 0, "rejected": 0}
    problems = []
    for n, record in records:
        where = n if isinstance(n, str) else f"record {n}"
        try:
            if isinstance(record, Exception):
                raise record
            with db.session.begin_nested():
                counts["created" if apply(record) else "updated"] += 1
        except ValidationFailed as exc:
            counts["rejected"] += 1
            problems.append(f"{where}: " + "; ".join(f"{k} {v}" for k, v in exc.errors.items()))
        except ValueError as exc:
            counts["rejected"] += 1
            problems.append(f"{where}: {exc}")
    db.session.commit()
    click.echo(
        f"created {counts['created']}, updated {counts['updated']}, rejected {counts['rejected']}"
    )
    for problem in problems:
        click.echo(problem)


@import_cli.command("orders")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_orders(path: str) -> None:
    """Create or replace orders (each record as for PUT /api/v1/orders/<number>; a .csv
    FILE has one row per order line)."""

    def apply(record) -> bool:
        if not isinstance(record, dict) or not isinstance(record.get("number"), str):
            raise ValidationFailed({"number": "is required"})
        return shop_sync.upsert_order(record["number"], record)[1]

    csv_file = path.lower().endswith(".csv")
    _run(read_orders(path) if csv_file else read_records(path), apply)


@import_cli.command("catalog")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_catalog(path: str) -> None:
    """Create or update variants (each record as one item of PUT /api/v1/catalog)."""

    def apply(record) -> bool:
        return shop_sync.upsert_variants({"variants": [record]})["created"] == 1

    _run(read_records(path), apply)
