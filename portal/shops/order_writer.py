"""The orders writer the three platforms share (flush, never commit): a platform maps its
payloads into `MappedOrder`s (shopify_mapping, woocommerce_mapping, prestashop_mapping)
and this module writes them, a page at a time.

What a page needs from the database is read in a few queries (`Page.read`), not a few per
order or per line: our orders with these ids, the lines (with their variants and what was
returned of them) of those that changed, the order numbers already taken, the variants by
SKU and the products of the new ones. The page is then written in one savepoint and one
flush. An order that cannot be read or whose number is taken is named and skipped before
anything of it is written; if the database still refuses the page (a constraint the
payload broke), the page is written again order by order, each in its own savepoint, so
that the one refused is named and the others land.

The rules: fields are assigned only when they changed, so that an order that did not
change is not rewritten; an order whose platform `updated_at` we already hold (or an
older one, arriving late) is left alone and costs no write at all. Lines are matched on
the platform's line id (`OrderLine.external_id`), so the same SKU on two lines stays two
lines. A line's variant is ours with that SKU, else a new one (stock 0: the platform owns
the stock); a line without a SKU, or a gift card, has its variant's `returnable` follow
the setting. A line that has returns keeps its quantity (never below what was returned)
and its price, and is never removed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import Order, OrderLine, Product, ReturnItem, ReturnRequest, Variant
from portal.services.shop_sync import new_gift_code
from portal.shops.shopify_mapping import BadPayload, Line, MappedOrder, Settings

REFUSED = (IntegrityError, DataError)  # what the database says of a payload it will not hold


def unchanged(mapped: MappedOrder, order: Order | None) -> bool:
    """We hold this version of the order already (or a newer one)."""
    held = order.external_updated_at if order is not None else None
    return held is not None and mapped.updated_at is not None and mapped.updated_at <= held


def _taken(number: str) -> BadPayload:
    return BadPayload(f"order number {number} is already used by another order")


class Page:
    """What one page of mapped orders needs from the database, read by `read`.
    A platform with its own numbering rule overrides `candidates` and `number_for`."""

    def __init__(self, source: str, settings: Settings) -> None:
        self.source = source
        self.settings = settings
        self.held: dict[str, Order] = {}  # our orders of this source, by platform id
        self.numbers: set[str] = set()  # numbers taken, in the database or by this page
        self.variants: dict[str, Variant] = {}
        self.products: dict[str, Product] = {}
        self.returned: dict[int, int] = {}  # quantity returned, by order line id

    @classmethod
    def read(cls, source: str, settings: Settings, mapped: list[MappedOrder]) -> Page:
        page = cls(source, settings)
        ids = {m.external_id for m in mapped}
        if ids:
            page.held = {
                o.external_id: o
                for o in db.session.scalars(
                    select(Order).where(Order.source == source, Order.external_id.in_(ids))
                )
            }
        todo = [m for m in mapped if not unchanged(m, page.held.get(m.external_id))]
        if not todo:
            return page  # a page we hold as it is: one query
        changed = [page.held[m.external_id].id for m in todo if m.external_id in page.held]
        if changed:  # their lines and variants in one query, what was returned in another
            db.session.scalars(
                select(Order)
                .where(Order.id.in_(changed))
                .options(selectinload(Order.lines).joinedload(OrderLine.variant))
            ).all()
            rows = db.session.execute(
                select(ReturnItem.order_line_id, func.sum(ReturnItem.quantity))
                .join(ReturnRequest)
                .where(ReturnRequest.order_id.in_(changed))
                .group_by(ReturnItem.order_line_id)
            )
            page.returned = {line_id: int(qty) for line_id, qty in rows}
        numbers = {n for m in todo for n in page.candidates(m)}
        if numbers:
            taken = db.session.scalars(select(Order.number).where(Order.number.in_(numbers)))
            page.numbers = set(taken)
        skus = {line.sku for m in todo for line in m.lines}
        if skus:
            page.variants = {
                v.sku: v for v in db.session.scalars(select(Variant).where(Variant.sku.in_(skus)))
            }
        codes = {ln.product_code for m in todo for ln in m.lines if ln.sku not in page.variants}
        if codes:
            found = db.session.scalars(select(Product).where(Product.code.in_(codes)))
            page.products = {product.code: product for product in found}
        return page

    def candidates(self, mapped: MappedOrder) -> Iterable[str]:
        """The numbers this order may take (read with the page)."""
        return (mapped.number,)

    def number_for(self, mapped: MappedOrder, order: Order | None) -> str:
        """The number the order is written with; BadPayload when another order has it."""
        if order is not None and order.number == mapped.number:
            return mapped.number
        if mapped.number in self.numbers:
            raise _taken(mapped.number)
        return mapped.number

    def variant(self, line: Line, currency: str) -> Variant:
        returnable = not line.gift_card and (
            line.has_sku or self.settings.lines_without_sku_returnable
        )
        variant = self.variants.get(line.sku)
        if variant is None:
            product = self.products.get(line.product_code)
            if product is None:
                product = Product(code=line.product_code, name=line.product_name)
                db.session.add(product)
                self.products[line.product_code] = product
            variant = Variant(
                sku=line.sku,
                product=product,
                colour=line.variant_title,
                price=line.unit_price,
                currency=currency,
                stock_on_hand=0,  # the platform owns the stock
                stock_reserved=0,
                returnable=returnable,
            )
            db.session.add(variant)
            self.variants[line.sku] = variant
        elif not line.has_sku or line.gift_card:
            _set(variant, "returnable", returnable)  # our own variants follow the setting
        return variant

    def write(self, mapped: MappedOrder) -> str:
        """'created', 'updated' or 'unchanged'. BadPayload before anything is written."""
        order = self.held.get(mapped.external_id)
        if unchanged(mapped, order):
            return "unchanged"
        number = self.number_for(mapped, order)
        self.numbers.add(number)
        created = order is None
        if created:
            order = Order(number=number, source=self.source, external_id=mapped.external_id)
            db.session.add(order)
            self.held[mapped.external_id] = order
        fill(order, mapped, number)
        self._lines(order, mapped)
        return "created" if created else "updated"

    def _lines(self, order: Order, mapped: MappedOrder) -> None:
        existing = {row.external_id: row for row in order.lines}  # loaded with the page
        wanted = {line.external_id for line in mapped.lines}
        for key, row in existing.items():
            if key not in wanted and row.id not in self.returned:
                order.lines.remove(row)
        for line in mapped.lines:
            row = existing.get(line.external_id)
            if row is None:
                row = OrderLine(
                    external_id=line.external_id, variant=self.variant(line, mapped.currency)
                )
                order.lines.append(row)
            elif not line.has_sku or line.gift_card:
                self.variant(line, mapped.currency)  # the line's variant follows the setting
            taken = self.returned.get(row.id, 0) if row.id is not None else 0
            _set(row, "quantity", max(line.quantity, taken))
            if not taken:  # a line with returns keeps the price its refunds were worked out on
                _set(row, "unit_price", line.unit_price)
                _set(row, "discount", line.discount)


def _set(obj, name: str, value) -> None:
    """Assign only what changed, so that an order that did not change is not rewritten."""
    if getattr(obj, name) != value:
        setattr(obj, name, value)


def fill(order: Order, mapped: MappedOrder, number: str) -> None:
    """The order's own fields from the mapped one, numbered `number` (checked already)."""
    address = mapped.address
    values = {
        "number": number,
        "email": mapped.email,
        "shipping_name": address["name"],
        "shipping_line1": address["line1"],
        "shipping_line2": address["line2"] or None,
        "shipping_postcode": address["postcode"],
        "shipping_city": address["city"],
        "shipping_country": address["country"],
        "placed_at": mapped.placed_at,
        "delivered_at": mapped.delivered_at,
        "delivery_estimated": mapped.delivery_estimated,
        "currency": mapped.currency,
        "payment_method": mapped.payment_method,
        "payment_reference": mapped.payment_reference,
        "discount": 0,  # the platforms' order discounts are spread over the lines
        "cancelled": mapped.cancelled,
        "external_updated_at": mapped.updated_at,
    }
    for name, value in values.items():
        _set(order, name, value)
    if mapped.is_gift:
        _set(order, "gift_message", mapped.gift_message)
        if not order.gift_code:
            order.gift_code = new_gift_code()
    elif order.gift_code:
        order.gift_code, order.gift_message = None, None


def write_one(page_type: type[Page], source: str, settings: Settings, mapped: MappedOrder) -> str:
    """One order (a webhook): its page of one, flushed."""
    with db.session.no_autoflush:
        outcome = page_type.read(source, settings, [mapped]).write(mapped)
    db.session.flush()
    return outcome


def _release_cache() -> None:
    """On SQLite, give back the page cache the last page filled (committed by now): the
    cache would otherwise grow with the file up to its 32 MB per connection
    (portal/sqlite.py), which a long sync would hold as if it kept its orders. Its pages
    come back from the OS's cache when needed: about 3 % slower on 20,000 orders."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("PRAGMA shrink_memory"))


def write_page(
    page_type: type[Page],
    source: str,
    settings: Settings,
    orders: list[tuple[str, MappedOrder]],
    result,
) -> None:
    """Write (label, mapped order) pairs and count them in `result` (a SyncResult): the
    page read once, written in one savepoint and flushed once; an order that cannot be
    written is named with its label and skipped."""
    _release_cache()
    outcomes: list[str] = []
    errors: list[str] = []
    try:
        with db.session.begin_nested():
            with db.session.no_autoflush:
                page = page_type.read(source, settings, [m for _, m in orders])
                for label, mapped in orders:
                    try:
                        outcomes.append(page.write(mapped))
                    except BadPayload as exc:
                        errors.append(f"{label}: {exc}")
            db.session.flush()
    except REFUSED:  # which one? each again in its own savepoint, to name it
        outcomes, errors = [], []
        for label, mapped in orders:
            try:
                with db.session.begin_nested():
                    outcomes.append(write_one(page_type, source, settings, mapped))
            except BadPayload as exc:
                errors.append(f"{label}: {exc}")
            except REFUSED:
                errors.append(f"{label}: the database refused it (a duplicate or a bad value)")
    for outcome in outcomes:
        setattr(result, outcome, getattr(result, outcome) + 1)
    result.errors.extend(errors)
