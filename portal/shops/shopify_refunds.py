"""Shopify's refund on the order (REST Refund resource, docs/shops.md), exactly once per key:
look for a refund whose `note` carries our key first (an earlier attempt that timed out
after Shopify applied it), then `refunds/calculate.json` for the transactions, then
`refunds.json` with the lines by Shopify line id and our amount."""

from __future__ import annotations

from portal import money
from portal.money import value_string
from portal.shops.platform import DONE, REFUSED, Answer, PlatformRefund
from portal.shops.shopify import ShopifyClient, ShopifyError
from portal.shops.shopify_answers import failed


def refund(client: ShopifyClient, refund: PlatformRefund) -> Answer:
    order_id = refund.external_order_id
    try:
        found = _refund_with_key(client, order_id, refund.key)
        if found is not None:
            return found
        lines = [
            {
                "line_item_id": int(line.external_line_id),
                "quantity": line.quantity,
                "restock_type": "no_restock",
            }
            for line in refund.lines
        ]
        calculated = client.json_of(
            client.request(
                "POST",
                client.url(f"orders/{order_id}/refunds/calculate.json"),
                json={"refund": {"shipping": {"amount": "0.00"}, "refund_line_items": lines}},
            ),
            "refund",
        )
        transactions = _transactions(calculated, refund)
        if isinstance(transactions, Answer):
            return transactions
        body = {
            "refund": {
                "currency": refund.currency,
                "notify": False,  # the customer hears it from us, in their language
                "note": f"{refund.note} [{refund.key}]",
                "shipping": {"amount": "0.00"},
                "refund_line_items": lines,
                "transactions": transactions,
            }
        }
        made = client.json_of(
            client.request("POST", client.url(f"orders/{order_id}/refunds.json"), json=body),
            "refund",
        )
    except (ValueError, TypeError):
        return Answer(REFUSED, reason="the order's Shopify line ids are not numbers")
    except ShopifyError as exc:
        return failed(exc)
    return _answer_of(made)


def _refund_with_key(client, order_id: str, key: str) -> Answer | None:
    refunds = client.json_of(client.get(client.url(f"orders/{order_id}/refunds.json")), "refunds")
    for made in refunds if isinstance(refunds, list) else []:
        if isinstance(made, dict) and f"[{key}]" in (made.get("note") or ""):
            return _answer_of(made)
    return None


def _answer_of(made: dict) -> Answer:
    statuses = [t.get("status") for t in made.get("transactions") or [] if isinstance(t, dict)]
    if statuses and all(s in ("failure", "error") for s in statuses):
        return Answer(REFUSED, external_id=str(made.get("id")), reason="the gateway refused it")
    return Answer(DONE, external_id=str(made.get("id")))


def _transactions(calculated: dict, refund: PlatformRefund) -> list[dict] | Answer:
    """Our amount over the calculated transactions, each up to what it can give back."""
    left = refund.amount
    out = []
    for suggested in calculated.get("transactions") or []:
        if left <= 0:
            break
        try:
            given = suggested.get("maximum_refundable") or suggested["amount"]
            maximum = money.parse(str(given), refund.currency)
        except (KeyError, TypeError, money.BadAmount):
            continue
        take = min(left, maximum)
        if take <= 0:
            continue
        out.append(
            {
                "parent_id": suggested.get("parent_id"),
                "amount": value_string(take, refund.currency),
                "kind": "refund",
                "gateway": suggested.get("gateway"),
            }
        )
        left -= take
    if left > 0:
        can = value_string(refund.amount - left, refund.currency)
        return Answer(REFUSED, reason=f"Shopify can give back only {can} {refund.currency}")
    return out
