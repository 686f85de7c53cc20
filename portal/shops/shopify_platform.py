"""Shopify as a `Platform` (portal/shops/platform.py): what leaves for Shopify, as plain data.

Calls (docs/shops.md cites each):
- check: the connection test (shop.json, then orders/count.json, then one variant's
  stock: a token without read_products is named).
- order_pages: orders.json pages, as the sync reads them.
- refund (REST): `GET orders/{id}/refunds.json` first: a refund whose `note` carries our key
  is the one an earlier attempt made (a timeout after Shopify applied it); otherwise
  `POST orders/{id}/refunds/calculate.json` with the lines by Shopify line id, then
  `POST orders/{id}/refunds.json` with those lines and the calculated transactions carrying
  our amount (never more than each transaction's `maximum_refundable`).
- issue_credit (GraphQL `giftCardCreate`): the code is ours (the caller's random
  `credit.code`, or made here), so a retry after a timeout asks for the same code, and
  Shopify's `TAKEN` answer means the first attempt made it.
- reserve / release (GraphQL): a draft order with `reserveInventoryUntil` holds the stock
  (Shopify's documented way to hold inventory without selling it), tagged with our key so
  a retry finds it (`draftOrders(query: "tag:…")`); release deletes it (`draftOrderDelete`).
- create_replacement (GraphQL): a draft order with a 100 % `appliedDiscount`, tagged
  `retours`, the RMA and our key, then `draftOrderComplete`: a zero-priced order the
  shop's usual fulfilment picks up.
- stock_pages (GraphQL `productVariants`, shopify_stock.py): what Shopify can still sell
  of each tracked variant, a page at a time, for `shop sync` to reconcile our stock.
"""

from __future__ import annotations

import secrets as random
from collections.abc import Iterator
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from portal.models.base import utcnow
from portal.money import value_string
from portal.shops import platform, shopify_drafts, shopify_refunds, shopify_stock
from portal.shops.platform import (
    DONE,
    Answer,
    CheckResult,
    Credentials,
    PlatformCredit,
    PlatformRefund,
    ReplacementOrder,
    Reservation,
    StockLevel,
)
from portal.shops.shopify import ShopifyClient, ShopifyError, clean_domain
from portal.shops.shopify_answers import explained, failed, gid, refused, tail
from portal.shops.shopify_graphql import GraphQL, user_errors
from portal.shops.shopify_queries import (
    DRAFT_DELETE,
    GIFT_CARD_CREATE,
)

RESERVE_DAYS = 30  # how long a draft order holds an exchange's stock in Shopify


class ShopifyPlatform:
    name = "shopify"
    title = "Shopify"
    hold_days = RESERVE_DAYS  # a draft order's hold ends by itself: stock_sync counts it until then
    fields = (
        ("domain", _l("Shop address (…myshopify.com)"), "ma-boutique.myshopify.com"),
        (
            "token",
            _l("Admin API access token"),
            _l("From the shop's custom app; it starts with shpat_."),
        ),
    )
    webhook_topics = (
        "orders/create",
        "orders/updated",
        "orders/fulfilled",
        "orders/cancelled",
    )

    # -- plumbing ---------------------------------------------------------------------------
    def client(self, credentials: Credentials, *, retries: int = 5) -> ShopifyClient:
        from portal.shops.connection import client_for

        return client_for(
            credentials.address, credentials.secrets.get("token", ""), retries=retries
        )

    def clean(self, address: str, values: dict[str, str]) -> dict[str, str]:
        """What is wrong with what the staff page was given, by field (empty: nothing)."""
        problems = {}
        if clean_domain(address) is None:
            problems["domain"] = _l("Give the shop's address ending in .myshopify.com.")
        token = (values.get("token") or "").strip()
        if not token or len(token) > 200 or not token.isprintable() or " " in token:
            problems["token"] = _l("Paste the Admin API access token (it starts with shpat_).")
        return problems

    def address_of(self, address: str) -> str:
        return clean_domain(address) or address

    # -- Platform -----------------------------------------------------------------------------
    def check(self, credentials: Credentials) -> CheckResult:
        from portal.shops.connection import test_connection

        client = self.client(credentials, retries=1)
        ok, message = test_connection(client)
        if ok and (missing := shopify_stock.stock_problem(client)):
            return CheckResult(False, missing)  # orders yes, stock and exchanges no
        return CheckResult(ok, message)

    def count(self, credentials: Credentials, since: datetime) -> int:
        """How many orders the sync will read (the progress bar's length)."""
        try:
            return self.client(credentials).order_count(since)
        except ShopifyError as exc:
            raise explained(exc) from exc

    def order_pages(self, credentials: Credentials, since: datetime) -> Iterator[list[dict]]:
        try:
            yield from self.client(credentials).order_pages(since)
        except ShopifyError as exc:
            raise explained(exc) from exc

    def stock_pages(self, credentials: Credentials) -> Iterator[list[StockLevel]]:
        """Every tracked variant's sellable quantity, page by page (PlatformError on failure)."""
        return shopify_stock.stock_pages(self.client(credentials))

    def apply_orders(self, orders: list[dict], result) -> None:
        """Write one page of Shopify orders (flush, never commit)."""
        from flask import current_app

        from portal.shops.shopify_mapping import Settings
        from portal.shops.sync import apply_page

        apply_page(orders, Settings.from_config(current_app.config), result)

    def refund(self, credentials: Credentials, refund: PlatformRefund) -> Answer:
        return shopify_refunds.refund(self.client(credentials), refund)

    def issue_credit(self, credentials: Credentials, credit: PlatformCredit) -> Answer:
        code = getattr(credit, "code", None) or random.token_hex(8).upper()
        data_input = {
            "initialValue": value_string(credit.amount, credit.currency),
            "code": code,
            "note": f"{credit.note} [{credit.key}]"[:255],
        }
        if credit.expires_on is not None:
            data_input["expiresOn"] = credit.expires_on.date().isoformat()
        try:
            data = GraphQL(self.client(credentials)).run(GIFT_CARD_CREATE, {"input": data_input})
        except ShopifyError as exc:
            return failed(exc)
        payload = data.get("giftCardCreate") or {}
        errors = user_errors(payload)
        if errors and all(e.get("code") == "TAKEN" for e in errors):
            return Answer(DONE, code=code)  # an earlier attempt made it: the code is ours
        if errors:
            return refused(errors)
        card = payload.get("giftCard") or {}
        return Answer(
            DONE, external_id=tail(card.get("id")), code=payload.get("giftCardCode") or code
        )

    def reserve(self, credentials: Credentials, reservation: Reservation) -> Answer:
        until = utcnow() + timedelta(days=RESERVE_DAYS)
        extra = {"reserveInventoryUntil": until.strftime("%Y-%m-%dT%H:%M:%SZ")}
        return self._draft(
            credentials,
            reservation.key,
            reservation.lines,
            reservation.note,
            "",
            extra,
            complete=False,
        )

    def release(self, credentials: Credentials, external_id: str) -> Answer:
        try:
            data = GraphQL(self.client(credentials)).run(
                DRAFT_DELETE, {"input": {"id": gid("DraftOrder", external_id)}}
            )
        except ShopifyError as exc:
            if exc.kind == "not_found":
                return Answer(DONE, external_id=external_id)
            return failed(exc)
        errors = user_errors(data.get("draftOrderDelete"))
        if errors and not all("not exist" in (e.get("message") or "") for e in errors):
            return refused(errors)
        return Answer(DONE, external_id=external_id)

    def create_replacement(self, credentials: Credentials, order: ReplacementOrder) -> Answer:
        extra = {
            "appliedDiscount": {
                "value": 100.0,
                "valueType": "PERCENTAGE",
                "title": f"Retours {order.rma}",
                "description": "exchange",
            },
            "tags": ["retours", order.rma, order.key],
        }
        return self._draft(
            credentials, order.key, order.lines, order.note, order.email, extra, complete=True
        )

    def _draft(self, credentials, key, lines, note, email, extra, *, complete: bool) -> Answer:
        graphql = GraphQL(self.client(credentials))
        return shopify_drafts.draft(graphql, key, lines, note, email, extra, complete=complete)

    # -- webhooks (REST webhooks.json), for the staff page --------------------------------------
    def webhooks(self, credentials: Credentials) -> list[dict]:
        client = self.client(credentials, retries=1)
        try:
            hooks = client.json_of(client.get(client.url("webhooks.json")), "webhooks")
        except ShopifyError as exc:
            raise explained(exc) from exc
        return [
            {"topic": str(h.get("topic")), "address": str(h.get("address"))}
            for h in hooks
            if isinstance(h, dict)
        ]

    def register_webhooks(self, credentials: Credentials, address: str) -> list[str]:
        """Subscribe our address to the order topics not yet registered; the topics added."""
        client = self.client(credentials, retries=1)
        have = {(h["topic"], h["address"]) for h in self.webhooks(credentials)}
        added = []
        for topic in self.webhook_topics:
            if (topic, address) in have:
                continue
            hook = {"webhook": {"topic": topic, "address": address, "format": "json"}}
            try:
                client.request("POST", client.url("webhooks.json"), json=hook)
            except ShopifyError as exc:
                raise explained(exc) from exc
            added.append(topic)
        return added


SHOPIFY = ShopifyPlatform()


def register() -> None:
    platform.register(SHOPIFY)
