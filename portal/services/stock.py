"""Stock reservations: one conditional UPDATE each, so the last unit goes to one person."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import update

from portal.extensions import db
from portal.models import ReturnItem, Variant
from portal.services.errors import OutOfStock
from portal.shops import platform_stock


def reserve(variant: Variant, quantity: int) -> None:
    """Promise `quantity` units of `variant` to an exchange, or raise OutOfStock."""
    result = db.session.execute(
        update(Variant)
        .where(
            Variant.id == variant.id,
            Variant.stock_on_hand - Variant.stock_reserved >= quantity,
        )
        .values(stock_reserved=Variant.stock_reserved + quantity)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OutOfStock(
            _("Sorry, %(item)s was just taken by someone else.", item=variant.display_name),
            variant.sku,
        )
    db.session.refresh(variant)


def release(item: ReturnItem) -> None:
    """Give back the units an exchange item had reserved."""
    if not item.stock_reserved or item.exchange_variant_id is None:
        return
    db.session.execute(
        update(Variant)
        .where(Variant.id == item.exchange_variant_id)
        .values(stock_reserved=Variant.stock_reserved - item.quantity)
        .execution_options(synchronize_session=False)
    )
    item.stock_reserved = False
    db.session.refresh(item.exchange_variant)
    platform_stock.release(item)  # a platform order's hold, too (after commit)


def ship_reserved(item: ReturnItem) -> None:
    """Turn an exchange item's reservation into a shipment: reserved and on hand both drop."""
    db.session.execute(
        update(Variant)
        .where(Variant.id == item.exchange_variant_id)
        .values(
            stock_reserved=Variant.stock_reserved - item.quantity,
            stock_on_hand=Variant.stock_on_hand - item.quantity,
        )
        .execution_options(synchronize_session=False)
    )
    item.stock_reserved = False
    db.session.refresh(item.exchange_variant)


def restock(variant: Variant, quantity: int) -> None:
    db.session.execute(
        update(Variant)
        .where(Variant.id == variant.id)
        .values(stock_on_hand=Variant.stock_on_hand + quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(variant)
