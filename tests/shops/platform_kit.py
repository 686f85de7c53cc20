"""What the end-to-end tests of the three platforms share: a return of a platform order,
received and graded, and small readers of what the wiring left in the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select

from portal.extensions import db
from portal.models import PlatformCall, Refund


def platform_return(
    factory,
    source: str,
    external_id: str,
    line_id: str,
    *,
    resolution="refund",
    inspect=True,
    locale="en",
    **extra,
):
    """A return of one €25.00 tee (the factory's) on the platform's order `external_id`
    (line `line_id`); received and graded A unless `inspect` is false; `extra` goes to
    factory.return_."""
    from portal.outbox import deliver_due
    from portal.services import warehouse

    rr = factory.return_(with_label=False, locale=locale, resolution=resolution, **extra)
    rr.order.source, rr.order.external_id = source, external_id
    rr.order.lines[0].external_id = line_id
    db.session.flush()
    if inspect:
        warehouse.receive_parcel(rr, {i.id: i.quantity for i in rr.items}, actor="w")
        warehouse.diagnose(rr, {i.id: ("A", "", "") for i in rr.items}, actor="w")
    db.session.commit()
    deliver_due()
    return rr


def the_refund() -> Refund:
    db.session.expire_all()
    return db.session.scalars(select(Refund)).one()


def calls_of(kind: str) -> list[PlatformCall]:
    db.session.expire_all()
    return list(db.session.scalars(select(PlatformCall).where(PlatformCall.kind == kind)))


def run_ok(runner, *args) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def sync_platform(runner, name: str) -> str:
    """`flask shop sync --platform NAME --since 90d`, which must succeed; its output."""
    return run_ok(runner, "shop", "sync", "--platform", name, "--since", "90d")


def stock_of(sku: str) -> tuple[int, int]:
    """(on hand, reserved) of our variant `sku`, read fresh."""
    from portal.models import Variant

    db.session.expire_all()
    variant = db.session.scalar(select(Variant).where(Variant.sku == sku))
    return variant.stock_on_hand, variant.stock_reserved


@contextmanager
def statements_starting(prefix: str) -> Iterator[list[str]]:
    """The statements sent meanwhile that start with `prefix` ("UPDATE VARIANTS")."""
    from sqlalchemy import event

    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(prefix):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
