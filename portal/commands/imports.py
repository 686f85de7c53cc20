"""`import orders FILE` and `import catalog FILE`: a JSON list, or JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.services import shop_sync
from portal.services.errors import ValidationFailed

import_cli = AppGroup("import", help="Load the shop's catalogue or orders from a file.")


def read_records(path: str) -> Iterator[tuple[int, object]]:
    """Yield (record number, record) from a JSON list or a JSON Lines file."""
    with open(path, encoding="utf-8-sig") as fh:
        head = fh.read(1)
        while head and head.isspace():
            head = fh.read(1)
        fh.seek(0)
        if head == "[":
            for n, record in enumerate(json.load(fh), 1):
                yield n, record
            return
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, ValueError(f"not valid JSON ({exc.msg})")


def _run(path: str, apply) -> None:
    counts = {"created": 0, "updated": 0, "rejected": 0}
    problems = []
    for n, record in read_records(path):
        try:
            if isinstance(record, Exception):
                raise record
            with db.session.begin_nested():
                counts["created" if apply(record) else "updated"] += 1
        except ValidationFailed as exc:
            counts["rejected"] += 1
            problems.append(f"record {n}: " + "; ".join(f"{k} {v}" for k, v in exc.errors.items()))
        except ValueError as exc:
            counts["rejected"] += 1
            problems.append(f"record {n}: {exc}")
    db.session.commit()
    click.echo(
        f"created {counts['created']}, updated {counts['updated']}, rejected {counts['rejected']}"
    )
    for problem in problems:
        click.echo(problem)


@import_cli.command("orders")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_orders(path: str) -> None:
    """Create or replace orders (each record as for PUT /api/v1/orders/<number>)."""

    def apply(record) -> bool:
        if not isinstance(record, dict) or not isinstance(record.get("number"), str):
            raise ValidationFailed({"number": "is required"})
        return shop_sync.upsert_order(record["number"], record)[1]

    _run(path, apply)


@import_cli.command("catalog")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_catalog(path: str) -> None:
    """Create or update variants (each record as one item of PUT /api/v1/catalog)."""

    def apply(record) -> bool:
        return shop_sync.upsert_variants({"variants": [record]})["created"] == 1

    _run(path, apply)
