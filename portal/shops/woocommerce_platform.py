"""WooCommerce as a `Platform` (portal/shops/platform.py): plain data in and out, no database.

Exactly once, without an idempotency header (WooCommerce has none): each write carries our
key in its `meta_data`, and before writing — and again after a write that timed out or
failed on the server's side — the connector looks for what carries the key:
- refund: `GET orders/{id}/refunds`, a refund whose meta `_retours_key` (or `reason`) has it;
- coupon: its code is derived from the key (HMAC with the consumer secret), so
  `GET coupons?code=…` finds it, and a second POST is refused by WooCommerce as a duplicate;
- replacement order: made with `parent_id` = the original order, found by
  `GET orders?parent={id}` and its meta `_retours_key`;
- reservation: see woocommerce_stock (which also reads the stock levels, `stock_pages`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import money
from portal.shops import woocommerce_hooks, woocommerce_stock
from portal.shops.platform import (
    DONE,
    REFUSED,
    RETRY,
    Answer,
    CheckResult,
    Credentials,
    PlatformCredit,
    PlatformError,
    PlatformRefund,
    ReplacementOrder,
    Reservation,
    StockLevel,
    SyncProgress,
    register,
)
from portal.shops.woocommerce import WooClient, clean_url
from portal.shops.woocommerce_mapping import KEY_META, minor, settings_from_config, tracking
from portal.shops.woocommerce_orders import apply_page
from portal.shops.woocommerce_orders import sync as sync_orders
from portal.shops.woocommerce_stock import meta_value

RMA_META = "_retours_rma"
ORDER_TOPICS = ("order.created", "order.updated")
TRANSIENT = {"unreachable", "server", "rate_limited"}


def _money(amount: int, currency: str) -> str:
    return money.value_string(amount, currency)


def explain(exc: PlatformError) -> str:
    """What the shop owner can do about a failed call."""
    if exc.kind == "auth":
        return _(
            "WooCommerce refused the consumer key or secret (401): check them, or make a "
            "new key under WooCommerce > Settings > Advanced > REST API."
        )
    if exc.kind == "permission":
        return _(
            "The WooCommerce key lacks a permission (%(why)s): give it Read/Write access.", why=exc
        )
    if exc.kind == "not_found":
        return _(
            "No WooCommerce REST API answers at this address (404): check the store URL, "
            "and that WordPress permalinks are not set to Plain."
        )
    if exc.kind == "unreachable":
        return _("The WooCommerce store could not be reached: %(why)s.", why=str(exc))
    if exc.kind == "rate_limited":
        return _("The WooCommerce store asks us to slow down (429): try again in a minute.")
    return _(
        "The WooCommerce store answered with an error (%(status)s): %(why)s.",
        status=exc.status,
        why=exc,
    )


class WooCommercePlatform:
    name = "woocommerce"
    title = "WooCommerce"
    fields = (
        (
            "address",
            _l("WooCommerce store URL"),
            _l("The shop's address, e.g. https://boutique.example"),
        ),
        ("key", _l("Consumer key"), _l("WooCommerce > Settings > Advanced > REST API (ck_…)")),
        ("secret", _l("Consumer secret"), _l("Shown once with the key (cs_…); Read/Write.")),
    )

    def __init__(self, client_factory: Callable[[Credentials], WooClient] | None = None) -> None:
        self._factory = client_factory

    def client(self, credentials: Credentials) -> WooClient:
        if self._factory is not None:
            return self._factory(credentials)
        url = clean_url(credentials.address)
        if url is None:
            raise PlatformError("not_found", "the store URL must start with https://")
        config = current_app.config
        return WooClient(
            url,
            credentials.secrets.get("key", ""),
            credentials.secrets.get("secret", ""),
            timeout=config.get("WOOCOMMERCE_TIMEOUT", 10),
        )

    # -- reading --------------------------------------------------------------------------

    def check(self, credentials: Credentials) -> CheckResult:
        """Read one order; then a write that cannot make anything (a coupon without its
        mandatory code): WooCommerce checks the key's permission before the body, so a
        read-only key is a 401 "no write permissions" and a Read/Write key a 400."""
        try:
            client = self.client(credentials)
            client.body(client.get("orders", {"per_page": 1}), list)
        except PlatformError as exc:
            return CheckResult(False, explain(exc))
        try:
            client.post("coupons", {})
        except PlatformError as exc:
            if exc.kind != "bad_answer":
                return CheckResult(False, explain(exc))
        return CheckResult(
            True, _("Connected to %(url)s: orders can be read and written.", url=client.url)
        )

    def order_pages(
        self,
        credentials: Credentials,
        since: datetime,
        on_total: Callable[[int], None] | None = None,
    ) -> Iterator[list[dict]]:
        return self.client(credentials).order_pages(since, on_total)

    def apply_orders(self, page: list, result) -> None:
        """Write one page of the store's orders (`flask shop sync`, the staff page)."""
        apply_page(page, settings_from_config(current_app.config), result)

    def sync(self, since: datetime, progress: SyncProgress | None = None):
        """`woocommerce_orders.sync`: apply the orders modified since then, yielding after
        each page for the caller to commit."""
        return sync_orders(since, progress)

    # -- refunds --------------------------------------------------------------------------

    def _find_refund(self, client: WooClient, order_id: str, key: str) -> dict | None:
        found = client.body(client.get(f"orders/{order_id}/refunds", {"per_page": 100}), list)
        for refund in found:
            if isinstance(refund, dict) and (
                meta_value(refund, KEY_META) == key or f"[{key}]" in str(refund.get("reason"))
            ):
                return refund
        return None

    def _refund_lines(self, client: WooClient, refund: PlatformRefund) -> list[dict]:
        """Each line's part, split into its tax rates as the order's line carries them."""
        order = client.body(client.get(f"orders/{refund.external_order_id}"))
        items = {str(i.get("id")): i for i in order.get("line_items") or [] if isinstance(i, dict)}
        lines = []
        for part in refund.lines:
            item = items.get(part.external_line_id)
            if item is None:
                raise PlatformError(
                    "bad_answer", f"line {part.external_line_id} is not on the order"
                )
            taxes = [t for t in item.get("taxes") or [] if isinstance(t, dict) and t.get("id")]
            try:
                total = minor(item.get("total") or "0", refund.currency)
                tax_amounts = [minor(t.get("total") or "0", refund.currency) for t in taxes]
            except ValueError as exc:
                raise PlatformError("bad_answer", f"line {part.external_line_id}: {exc}") from exc
            paid = total + sum(tax_amounts)
            shares = [part.amount * tax // paid if paid else 0 for tax in tax_amounts]
            entry = {
                "id": int(part.external_line_id),
                "quantity": part.quantity,
                "refund_total": _money(part.amount - sum(shares), refund.currency),
            }
            if taxes:
                entry["refund_tax"] = [
                    {"id": t["id"], "refund_total": _money(s, refund.currency)}
                    for t, s in zip(taxes, shares, strict=True)
                ]
            lines.append(entry)
        return lines

    def refund(self, credentials: Credentials, refund: PlatformRefund) -> Answer:
        try:
            client = self.client(credentials)
            existing = self._find_refund(client, refund.external_order_id, refund.key)
            if existing is not None:
                return Answer(DONE, external_id=str(existing.get("id")))
            body = {
                "amount": _money(refund.amount, refund.currency),
                "reason": f"{refund.note} [{refund.key}]"[:500],
                "api_refund": True,
                "line_items": self._refund_lines(client, refund),
                "meta_data": [{"key": KEY_META, "value": refund.key}],
            }
        except PlatformError as exc:
            return self._failed(exc)
        try:
            made = client.body(client.post(f"orders/{refund.external_order_id}/refunds", body))
        except PlatformError as exc:
            if exc.kind not in TRANSIENT or "cannot_create_order_refund" in str(exc):
                return self._failed(exc)
            return self._after_doubt(
                exc, lambda: self._find_refund(client, refund.external_order_id, refund.key)
            )
        return Answer(DONE, external_id=str(made.get("id")))

    def _after_doubt(self, exc: PlatformError, look: Callable[[], dict | None]) -> Answer:
        """A write that may have been applied: if it was, it is done; else try again later."""
        try:
            found = look()
        except PlatformError:
            found = None
        if found is not None:
            return Answer(DONE, external_id=str(found.get("id")), code=found.get("code"))
        return Answer(RETRY, reason=str(exc))

    def _failed(self, exc: PlatformError) -> Answer:
        if exc.kind in TRANSIENT and "cannot_create_order_refund" not in str(exc):
            return Answer(RETRY, reason=str(exc))
        return Answer(REFUSED, reason=str(exc))

    # -- store credit ---------------------------------------------------------------------

    def coupon_code(self, credentials: Credentials, key: str) -> str:
        """Unguessable without the consumer secret, the same for the same key."""
        secret = credentials.secrets.get("secret", "").encode()
        digest = hmac.new(secret, key.encode(), hashlib.sha256).digest()
        return "RET-" + base64.b32encode(digest).decode()[:12]

    def _find_coupon(self, client: WooClient, code: str) -> dict | None:
        found = client.body(client.get("coupons", {"code": code}), list)
        return next((c for c in found if isinstance(c, dict)), None)

    def issue_credit(self, credentials: Credentials, credit: PlatformCredit) -> Answer:
        code = self.coupon_code(credentials, credit.key)
        try:
            client = self.client(credentials)
            existing = self._find_coupon(client, code)
            if existing is not None:
                return Answer(DONE, external_id=str(existing.get("id")), code=code)
            setting = client.body(client.get("settings/general/woocommerce_currency"))
            store_currency = str(setting.get("value") or "").upper()
            if store_currency and store_currency != credit.currency.upper():
                why = f"the store's coupons are in {store_currency}, not {credit.currency}"
                return Answer(REFUSED, reason=why)
        except PlatformError as exc:
            return self._failed(exc)
        body = {
            "code": code,
            "discount_type": "fixed_cart",
            "amount": _money(credit.amount, credit.currency),
            "individual_use": False,
            "usage_limit": 1,
            "email_restrictions": [credit.email],
            "description": credit.note[:500],
            "meta_data": [{"key": KEY_META, "value": credit.key}],
        }
        if credit.expires_on is not None:
            body["date_expires_gmt"] = credit.expires_on.astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%S"
            )
        try:
            made = client.body(client.post("coupons", body))
        except PlatformError as exc:
            if exc.kind in TRANSIENT or "coupon_code_already_exists" in str(exc):
                answer = self._after_doubt(exc, lambda: self._find_coupon(client, code))
                return Answer(answer.state, answer.external_id, code, answer.reason)
            return self._failed(exc)
        return Answer(DONE, external_id=str(made.get("id")), code=code)

    # -- exchanges ------------------------------------------------------------------------

    def _find_replacement(self, client: WooClient, order_id: str, key: str) -> dict | None:
        found = client.body(client.get("orders", {"parent": order_id, "per_page": 100}), list)
        return next(
            (o for o in found if isinstance(o, dict) and meta_value(o, KEY_META) == key), None
        )

    def create_replacement(self, credentials: Credentials, order: ReplacementOrder) -> Answer:
        try:
            client = self.client(credentials)
            existing = self._find_replacement(client, order.external_order_id, order.key)
            if existing is not None:
                return Answer(DONE, external_id=str(existing.get("id")))
            original = client.body(client.get(f"orders/{order.external_order_id}"))
            items = []
            for line in order.lines:
                product_id, variation_id = woocommerce_stock.product_ids(client, line)
                item = {"product_id": product_id, "quantity": line.quantity}
                if variation_id:
                    item["variation_id"] = variation_id
                items.append({**item, "subtotal": "0.00", "total": "0.00"})
        except PlatformError as exc:
            return self._failed(exc)
        billing = dict(original.get("billing") or {})
        billing["email"] = order.email or billing.get("email") or ""
        body = {
            "parent_id": int(order.external_order_id),
            "status": "processing",
            "currency": original.get("currency"),
            "customer_id": original.get("customer_id") or 0,
            "billing": billing,
            "shipping": original.get("shipping") or {},
            "line_items": items,
            "customer_note": order.note[:500],
            "meta_data": [
                {"key": KEY_META, "value": order.key},
                {"key": RMA_META, "value": order.rma},
            ],
        }
        try:
            made = client.body(client.post("orders", body))
        except PlatformError as exc:
            if exc.kind not in TRANSIENT:
                return self._failed(exc)
            return self._after_doubt(
                exc, lambda: self._find_replacement(client, order.external_order_id, order.key)
            )
        return Answer(DONE, external_id=str(made.get("id")))

    def tracking(self, credentials: Credentials, external_id: str) -> tuple[str, str] | None:
        """The replacement order's (provider, tracking number) once the shop has shipped it
        with WooCommerce Shipment Tracking; None before. PlatformError when unreadable."""
        client = self.client(credentials)
        return tracking(client.body(client.get(f"orders/{external_id}")))

    # -- stock (woocommerce_stock) ---------------------------------------------------------

    def reserve(self, credentials: Credentials, reservation: Reservation) -> Answer:
        try:
            return woocommerce_stock.reserve(self.client(credentials), reservation)
        except PlatformError as exc:
            return self._failed(exc)

    def release(self, credentials: Credentials, external_id: str) -> Answer:
        try:
            return woocommerce_stock.release(self.client(credentials), external_id)
        except PlatformError as exc:
            return self._failed(exc)

    def stock_pages(self, credentials: Credentials) -> Iterator[list[StockLevel]]:
        """What the store can still sell, page by page (`shop sync`); PlatformError."""
        return woocommerce_stock.level_pages(self.client(credentials))

    def variant_id(self, sku: str, product_code: str) -> str:
        """The store's id of a variant our sync named itself (platform_stock's lines)."""
        return woocommerce_stock.variant_id(sku, product_code)

    # -- webhooks (woocommerce_hooks) ------------------------------------------------------

    def webhooks(self, credentials: Credentials) -> list[dict]:
        """The store's webhooks (topic, delivery address, status), for the staff page."""
        return woocommerce_hooks.listed(self.client(credentials))

    def register_webhooks(
        self, credentials: Credentials, url: str, secret: str | None = None
    ) -> list[str]:
        """order.created and order.updated to `url`, signed with `secret` (by default
        WOOCOMMERCE_WEBHOOK_SECRET, which our endpoint checks): the topics added."""
        secret = secret or current_app.config.get("WOOCOMMERCE_WEBHOOK_SECRET")
        return woocommerce_hooks.register(self.client(credentials), url, secret, ORDER_TOPICS)


PLATFORM = WooCommercePlatform()


def install() -> None:
    """Make WooCommerce one of the platforms `platform.for_source` knows."""
    register(PLATFORM)
