"""The Shopify connector's own calls against the fake: GraphQL cost throttling (wait before
a call the bucket cannot pay, retry a THROTTLED answer after the computed wait), 429 with
Retry-After, and each call exactly once per key."""

from __future__ import annotations

import pytest

from portal.shops.platform import (
    DONE,
    REFUSED,
    Credentials,
    PlatformCredit,
    ReplacementLine,
    Reservation,
)
from portal.shops.shopify_graphql import GraphQL
from portal.shops.shopify_platform import SHOPIFY
from portal.shops.shopify_queries import GIFT_CARD_CREATE

CREDS = Credentials("maison-lin.myshopify.com", {"token": "shpat_fake_token"})


@pytest.fixture
def graphql(app, shopify):
    with app.app_context():
        yield GraphQL(SHOPIFY.client(CREDS))


def _card(code: str) -> dict:
    return {"input": {"initialValue": "10.00", "code": code, "note": "test"}}


def test_a_throttled_answer_is_retried_after_the_computed_wait(graphql, shopify):
    shopify.drain(0)  # an empty bucket, 50 points a second back
    data = graphql.run(GIFT_CARD_CREATE, _card("ABCDEFGH1"))
    assert data["giftCardCreate"]["giftCardCode"] == "ABCDEFGH1"
    assert shopify.graphql_throttled == 1
    assert 0.15 <= graphql.waited <= 0.5  # (10 - ~0) / 50 s


def test_the_client_waits_before_a_call_the_bucket_cannot_pay(graphql, shopify):
    shopify.drain(15)
    graphql.run(GIFT_CARD_CREATE, _card("ABCDEFGH2"))  # leaves 5 points
    graphql.run(GIFT_CARD_CREATE, _card("ABCDEFGH3"))  # waits ~0.1 s for 5 more
    assert shopify.graphql_throttled == 0
    assert graphql.waited > 0.05
    assert set(shopify.gift_cards) == {"ABCDEFGH2", "ABCDEFGH3"}


def test_a_429_on_graphql_is_waited_out(graphql, shopify):
    shopify.throttle(1)
    graphql.run(GIFT_CARD_CREATE, _card("ABCDEFGH4"))
    assert shopify.throttled == 1 and "ABCDEFGH4" in shopify.gift_cards


def test_a_gift_card_asked_twice_with_one_code_is_one_card(app, shopify):
    credit = PlatformCredit(
        "retours-credit-1", 2550, "EUR", "a@example.fr", "R-1", code="CRABCD1234"
    )
    with app.app_context():
        first, second = SHOPIFY.issue_credit(CREDS, credit), SHOPIFY.issue_credit(CREDS, credit)
    assert (first.state, first.code) == (DONE, "CRABCD1234")
    assert (second.state, second.code) == (DONE, "CRABCD1234")
    assert len(shopify.gift_cards) == 1
    assert shopify.gift_cards["CRABCD1234"]["initialValue"]["amount"] == "25.50"


def test_a_reservation_asked_twice_is_one_draft_and_a_missing_variant_is_refused(app, shopify):
    shopify.inventory["gid://shopify/ProductVariant/5"] = 2
    shopify.variants_by_sku["TEE-L"] = "gid://shopify/ProductVariant/5"
    hold = Reservation("retours-hold-1", (ReplacementLine("", "TEE-L", 1),), "R-1")
    with app.app_context():
        first, second = SHOPIFY.reserve(CREDS, hold), SHOPIFY.reserve(CREDS, hold)
        missing = SHOPIFY.reserve(
            CREDS, Reservation("retours-hold-2", (ReplacementLine("", "NOPE", 1),), "R-2")
        )
        released = SHOPIFY.release(CREDS, first.external_id)
        again = SHOPIFY.release(CREDS, first.external_id)
    assert first.external_id == second.external_id and len(shopify.drafts) == 0
    assert missing.state == REFUSED and "not in Shopify" in missing.reason
    assert released.state == DONE and again.state == DONE
    assert shopify.inventory["gid://shopify/ProductVariant/5"] == 2
