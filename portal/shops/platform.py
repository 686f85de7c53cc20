"""What every shop platform connector offers, as plain data in and out.

Shopify, WooCommerce and PrestaShop each implement `Platform` in their own modules and
register it in `PLATFORMS` (see `register`). A connector never touches the database
(one exception, said where it is: a PrestaShop stock hold, which has no idempotency key,
keeps what it is about to write on its own call's row, portal/shops/prestashop_holds.py):
it takes plain dataclasses and answers plain dataclasses, so that the calls that leave
for the platform can run after our transaction has committed (as payment providers do,
portal/payments/base.py), and so that each connector is tested against its fake alone.

The services that decide *when* to call a platform (a refund of a platform order, store
credit for a platform customer, an exchange's replacement order, a reservation of stock)
look the connector up with `for_source(order.source)`; an order with no platform source
(the JSON API, CSV imports, the demo) keeps today's paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

# What a call that leaves for the platform can end as (the payment providers' words).
DONE = "done"  # the platform accepted it
REFUSED = "refused"  # the platform said no, with its reason: a person must look
RETRY = "retry"  # timeout, dropped or refused connection, 429, 5xx: ours to try again


class PlatformError(Exception):
    """A call to the platform failed; `kind` says how, for the person who reads it:
    "auth" (wrong key), "permission" (missing scope), "not_found" (no shop there),
    "unreachable" (DNS, refused, timeout), "rate_limited", "server", "bad_answer"."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class Credentials:
    """What the staff page asked for, decrypted: the shop's address and its secrets by
    name (Shopify: {"token"}, WooCommerce: {"key", "secret"}, PrestaShop: {"key"})."""

    address: str
    secrets: dict[str, str]


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str  # what is right, or exactly what is wrong, for the shop owner


@dataclass(frozen=True)
class LineAmount:
    """One order line's part in a refund: the platform's own line id, units, money."""

    external_line_id: str
    quantity: int
    amount: int  # minor units, what the customer paid for these units


@dataclass(frozen=True)
class PlatformRefund:
    key: str  # our idempotency key, "retours-refund-<id>-<generation>"
    external_order_id: str
    amount: int  # minor units, the total to give back
    currency: str
    lines: tuple[LineAmount, ...]
    note: str  # shown in the shop's admin: the RMA and the reason
    # the platform's ids of this order's earlier refunds we hold (optional): a platform
    # with no idempotency key (PrestaShop) does not take one of them for this refund
    made_before: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformCredit:
    key: str
    amount: int
    currency: str
    email: str  # the customer who may spend it
    note: str
    expires_on: datetime | None = None
    # the code to give the card, chosen by us so that a retry asks for the same one
    # (optional: a platform that makes its own codes ignores it)
    code: str | None = None


@dataclass(frozen=True)
class ReplacementLine:
    external_variant_id: str  # the platform's id of the variant to send (or its SKU)
    sku: str
    quantity: int


@dataclass(frozen=True)
class ReplacementOrder:
    """An exchange shipped as a zero-priced order in the platform, linked to the return."""

    key: str
    external_order_id: str  # the original order
    rma: str
    email: str
    lines: tuple[ReplacementLine, ...]
    note: str
    made_before: tuple[str, ...] = ()  # as PlatformRefund.made_before, for replacement orders


@dataclass(frozen=True)
class Reservation:
    key: str
    lines: tuple[ReplacementLine, ...]
    note: str


@dataclass(frozen=True)
class Answer:
    """What a call that leaves for the platform ended as."""

    state: str  # DONE | REFUSED | RETRY
    external_id: str | None = None  # the platform's id of what it made (refund, order…)
    code: str | None = None  # a gift card's or coupon's code, for the customer's e-mail
    reason: str = ""


@dataclass(frozen=True)
class StockLevel:
    """What the platform can still sell of one variant, read by the sync to reconcile our
    cache (portal/shops/stock_sync.py). `sku` names it as our Variant.sku does: the
    platform's SKU, or the connector's own name for a variant without one (the name its
    order writer gives that variant). `available` already has the platform's own holds
    taken out (a Shopify draft order's reservation, a WooCommerce or PrestaShop quantity
    we lowered for an exchange)."""

    sku: str
    available: int


@dataclass
class SyncProgress:
    """Told to a progress bar as pages come in."""

    total: int | None = None
    done: int = 0
    on_page: Callable[[int], None] | None = field(default=None, repr=False)


class Platform(Protocol):
    name: str  # "shopify" | "woocommerce" | "prestashop": Order.source, ShopConnection.platform
    title: str  # the platform's name as the shop owner knows it
    # the staff page's fields: (secret name, label, help), the address coming first
    fields: tuple[tuple[str, str, str], ...]

    def check(self, credentials: Credentials) -> CheckResult:
        """The staff page's "test the connection": read something small, say what is wrong."""

    def order_pages(self, credentials: Credentials, since: datetime) -> Iterator[list[dict]]:
        """The platform's orders updated since `since`, one page at a time (never all held)."""

    def refund(self, credentials: Credentials, refund: PlatformRefund) -> Answer:
        """Refund in the platform, exactly once per `refund.key`."""

    def issue_credit(self, credentials: Credentials, credit: PlatformCredit) -> Answer:
        """A gift card / coupon / cart rule the customer can spend; its code in `code`."""

    def create_replacement(self, credentials: Credentials, order: ReplacementOrder) -> Answer:
        """The exchange's zero-priced order, exactly once per `order.key`."""

    def reserve(self, credentials: Credentials, reservation: Reservation) -> Answer:
        """Hold the replacement's stock in the platform."""

    def release(self, credentials: Credentials, external_id: str) -> Answer:
        """Give back what `reserve` held (cancel, expiry, or the replacement order made)."""

    # Optional: a connector that has it gets its stock reconciled by `shop sync`.
    # def stock_pages(self, credentials: Credentials) -> Iterator[list[StockLevel]]:
    #     """Every variant's sellable quantity, one page at a time (never all held); a
    #     variant whose stock the platform does not track is left out."""


PLATFORMS: dict[str, Platform] = {}


def register(platform: Platform) -> None:
    PLATFORMS[platform.name] = platform


def for_source(source: str | None) -> Platform | None:
    """The connector for an order's `source`, or None (API, CSV, demo orders)."""
    return PLATFORMS.get(source or "")
