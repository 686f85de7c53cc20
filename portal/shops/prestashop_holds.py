"""An exchange's replacement held in a PrestaShop shop's `stock_availables`, and given back,
as safely as a webservice without an idempotency key allows.

A stock row holds no text of ours, and a PUT sets the row's whole `quantity`: a PUT whose
answer is lost (a timeout, a dropped connection, a 5xx) cannot be told from one that was
never made by asking the shop. So before each PUT the call's own row (PlatformCall, under
`payload["prestashop_plan"]`) records which stock row, the quantity read and the quantity
about to be written, and is committed. The next attempt reads the row again and compares:

- it holds what we were about to write: that PUT was made (no sale came in between, the
  common case): nothing is sent again;
- it holds what we had read: that PUT was not made: it is made now;
- anything else: a sale or a change in the shop came in between and the two cannot be told
  apart. The call is refused with a reason that says so and what to look at (staff see it
  on /staff/shops); nothing is taken twice behind their back. When staff retry, the units
  are taken (or given back) afresh, so the reason tells them to set the shop right first.

A hold over several rows that fails on one gives back the rows it took (their notes are
cleared when PrestaShop confirmed the give-back). A release goes on from where an earlier
attempt stopped, each row given back once. Outside `calls.send_due` (a connector called
directly) no notes are kept and each attempt starts afresh.

Left: a PUT whose answer was lost and then exactly as many units sold or added as we moved
reads as made or not made when it was the other; docs/shops-prestashop.md says why a
hold taken twice is then the safe side (our cache under-promises, never over-promises).
"""

from __future__ import annotations

import contextlib

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import PlatformCall
from portal.shops import calls
from portal.shops.platform import DONE, REFUSED, Answer, PlatformError, Reservation
from portal.shops.prestashop import PrestaShopClient
from portal.shops.prestashop_actions import answer_for
from portal.shops.prestashop_exchange import product_of

PLAN = "prestashop_plan"
MADE, AMBIGUOUS = "made", "ambiguous"


class Notes:
    """The plan of the call being sent, kept in its row; none outside `send_due`."""

    def __init__(self) -> None:
        self.call_id = calls.sending()

    def read(self) -> list:
        if self.call_id is None:
            return []
        payload = db.session.scalar(
            select(PlatformCall.payload).where(PlatformCall.id == self.call_id)
        )
        plan = (payload or {}).get(PLAN)
        return list(plan) if isinstance(plan, list) else []

    def write(self, plan: list) -> None:
        """Committed at once: it must outlive this process if the PUT's answer is lost."""
        if self.call_id is None:
            return
        payload = db.session.scalar(
            select(PlatformCall.payload).where(PlatformCall.id == self.call_id)
        )
        db.session.execute(
            update(PlatformCall)
            .where(PlatformCall.id == self.call_id)
            .values(payload={**(payload or {}), PLAN: plan})
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def _entry(plan: list, index: int) -> dict | None:
    found = plan[index] if index < len(plan) else None
    return found if isinstance(found, dict) else None


def _verdict(entry: dict | None, stock_id: str, have: int) -> str | None:
    """What an earlier attempt's PUT on this row did: MADE, AMBIGUOUS, or None (not made,
    or nothing recorded: to be made now)."""
    if entry is None or entry.get("state") == AMBIGUOUS or str(entry.get("stock")) != stock_id:
        return None
    if have == entry.get("write"):
        return MADE
    if have == entry.get("read"):
        return None
    return AMBIGUOUS


def _set(plan: list, index: int, entry: dict | None) -> None:
    while len(plan) <= index:
        plan.append(None)
    plan[index] = entry


def _quantity(stock: dict) -> int:
    return int(stock.get("quantity") or 0)


def _put(client: PrestaShopClient, stock: dict, quantity: int) -> None:
    values = {k: v for k, v in stock.items() if k not in ("id", "associations")}
    values["quantity"] = str(quantity)
    client.update("stock_availables", "stock_available", str(stock["id"]), values)


def _stock(client: PrestaShopClient, product: str, attribute: str) -> dict:
    found = client.listing(
        "stock_availables",
        {
            "display": "full",
            "filter[id_product]": f"[{product}]",
            "filter[id_product_attribute]": f"[{attribute}]",
        },
    )
    if not found:
        raise PlatformError("bad_answer", f"no stock line for product {product}-{attribute}")
    return found[0]


def _fresh(client: PrestaShopClient, stock_id: str) -> dict:
    found = client.listing("stock_availables", {"display": "full", "filter[id]": f"[{stock_id}]"})
    if not found:
        raise PlatformError("bad_answer", f"stock line {stock_id} is gone")
    return found[0]


def _unknown(entry: dict, have: int, what: str) -> str:
    return (
        f"PrestaShop stock line {entry['stock']}: to {what} {entry['units']} we set it from "
        f"{entry['read']} to {entry['write']}, the shop's answer was lost, and it is now "
        f"{have}: a sale or a change in the shop came in between, so whether it was done "
        "cannot be told. Look at that product's stock in PrestaShop and set it right by hand; "
        f"then retry (the {entry['units']} will be {'taken' if what == 'hold' else 'given back'} "
        "again)."
    )


# -- hold ---------------------------------------------------------------------------------


def reserve(client: PrestaShopClient, reservation: Reservation) -> Answer:
    """Take the units off the shop's available stock; external_id says what to give back."""
    notes = Notes()
    plan = notes.read()
    taken: list[tuple[int, dict, int]] = []
    try:
        for index, line in enumerate(reservation.lines):
            stock = _stock(client, *product_of(client, line))
            have, entry = _quantity(stock), _entry(plan, index)
            verdict = _verdict(entry, str(stock["id"]), have)
            if verdict == MADE:
                taken.append((index, stock, line.quantity))
                continue
            if verdict == AMBIGUOUS:
                _set(plan, index, {**entry, "state": AMBIGUOUS, "seen": have})
                _undo(client, taken, plan)
                notes.write(plan)
                return Answer(REFUSED, reason=_unknown(entry, have, "hold"))
            if have < line.quantity:
                _undo(client, taken, plan)
                _set(plan, index, None)
                notes.write(plan)
                return Answer(REFUSED, reason=f"only {have} of {line.sku} left in the shop")
            planned = {
                "stock": str(stock["id"]),
                "units": line.quantity,
                "read": have,
                "write": have - line.quantity,
            }
            _set(plan, index, planned)
            notes.write(plan)
            _put(client, stock, planned["write"])
            taken.append((index, stock, line.quantity))
    except PlatformError as exc:
        _undo(client, taken, plan)
        notes.write(plan)
        return answer_for(exc)
    held = ",".join(f"{stock['id']}x{units}" for _, stock, units in taken)
    return Answer(DONE, external_id=f"stock:{held}")


def _undo(client: PrestaShopClient, taken: list[tuple[int, dict, int]], plan: list) -> None:
    """Give back the rows this hold took; a row PrestaShop confirms given back loses its
    note (the next attempt takes it afresh), one whose answer is lost keeps it."""
    for index, stock, units in taken:
        with contextlib.suppress(PlatformError):  # best effort: the answer says what failed
            fresh = _fresh(client, str(stock["id"]))
            _put(client, fresh, _quantity(fresh) + units)
            _set(plan, index, None)


# -- release ------------------------------------------------------------------------------


def release(client: PrestaShopClient, external_id: str) -> Answer:
    """Give back what `reserve` took ("stock:<id>x<units>,…"), each row once."""
    if not external_id.startswith("stock:"):
        return Answer(REFUSED, reason=f"{external_id!r} is not a PrestaShop reservation")
    try:
        parts = [
            (stock_id, int(units))
            for stock_id, _, units in (
                part.partition("x") for part in filter(None, external_id[6:].split(","))
            )
        ]
    except ValueError as exc:
        return Answer(REFUSED, reason=str(exc))
    notes = Notes()
    plan = notes.read()
    try:
        for index, (stock_id, units) in enumerate(parts):
            stock = _fresh(client, stock_id)
            have, entry = _quantity(stock), _entry(plan, index)
            verdict = _verdict(entry, str(stock["id"]), have)
            if verdict == MADE:
                continue
            if verdict == AMBIGUOUS:
                _set(plan, index, {**entry, "state": AMBIGUOUS, "seen": have})
                notes.write(plan)
                return Answer(REFUSED, reason=_unknown(entry, have, "give back"))
            planned = {
                "stock": str(stock["id"]),
                "units": units,
                "read": have,
                "write": have + units,
            }
            _set(plan, index, planned)
            notes.write(plan)
            _put(client, stock, planned["write"])
    except PlatformError as exc:
        return answer_for(exc)
    return Answer(DONE, external_id=external_id)
