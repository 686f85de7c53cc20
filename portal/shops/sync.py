"""Apply pages of Shopify orders (flush, never commit) and record how a sync went."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.extensions import db
from portal.models import ShopConnection
from portal.models.base import utcnow
from portal.shops import shopify_orders
from portal.shops.shopify_mapping import Settings

MAX_ERRORS_KEPT = 50


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stock_updated: int = 0  # variants whose stock the platform's figures changed
    errors: list[str] = field(default_factory=list)
    failure: str | None = None  # why the sync stopped (the platform's words), if it did

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.errors),
            "stock": self.stock_updated,
        }


def apply_page(orders: list, settings: Settings, result: SyncResult) -> None:
    """A page of Shopify orders (`shopify_orders.apply_page`, the shared writer's page):
    one that cannot be read or written is named and skipped, the others land."""
    shopify_orders.apply_page(orders, settings, result)


def record(row: ShopConnection | None, result: SyncResult, failure: str | None = None) -> None:
    if row is None:
        return
    row.last_sync_at = utcnow()
    row.last_sync_ok = failure is None and not result.errors
    row.last_sync_counts = result.counts()
    errors = ([failure] if failure else []) + result.errors
    row.last_sync_errors = errors[:MAX_ERRORS_KEPT]
    db.session.flush()
