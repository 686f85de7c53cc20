"""Our stock is the platform's cache: `shop sync` reconciles it from the connector's
`stock_pages` (portal/shops/stock_sync.py), without promising a unit twice."""

from __future__ import annotations

from datetime import timedelta

from portal.extensions import db
from portal.lifecycle import shops as call_states
from portal.models import PlatformCall, ShopConnection, Variant
from portal.models.base import utcnow
from portal.shops import stock_sync
from portal.shops.platform import Credentials, StockLevel
from tests.shops.platform_kit import statements_starting, stock_of


def _call(kind: str, key: str, payload: dict, status: str) -> None:
    db.session.add(
        PlatformCall(platform="stubshop", kind=kind, key=key, payload=payload, status=status)
    )
    db.session.flush()


def _hold(key: str, sku: str, quantity: int, status=call_states.DONE) -> None:
    lines = [{"external_variant_id": "", "sku": sku, "quantity": quantity}]
    _call("reserve", key, {"key": key, "lines": lines, "note": "x"}, status)


class StubShop:
    """A connector that has stock levels and no orders."""

    name, title = "stubshop", "Stub Shop"

    def __init__(self, pages):
        self.pages = pages

    def order_pages(self, credentials, since):
        return iter(())

    def stock_pages(self, credentials):
        yield from self.pages


def _sync(pages):
    from portal.commands.shops import sync_one

    return sync_one(StubShop(pages), Credentials("https://stub.example", {}), None, bar=False)


def test_the_sync_sets_our_stock_to_the_platforms_and_a_second_sync_writes_nothing(app, factory):
    factory.variants("TEE", M=5, L=1)
    db.session.commit()
    pages = [[StockLevel("TEE-M", 2), StockLevel("NOT-OURS", 9)], [StockLevel("TEE-L", 7)]]
    result = _sync(pages)
    assert (result.stock_updated, result.errors, result.failure) == (2, [], None)
    assert stock_of("TEE-M") == (2, 0) and stock_of("TEE-L") == (7, 0)
    assert db.session.scalar(db.select(Variant).where(Variant.sku == "NOT-OURS")) is None

    with statements_starting("UPDATE VARIANTS") as writes:
        again = _sync(pages)
    assert again.stock_updated == 0 and writes == []


def test_units_the_platform_holds_for_our_exchanges_are_added_back_once(app, factory):
    (tee,) = factory.variants("TEE", M=5)
    tee.stock_reserved = 3  # three exchanges promised here
    _hold("retours-hold-1", "TEE-M", 1)  # held in the platform
    _hold("retours-hold-2", "TEE-M", 1)  # held, then released there
    _call("release", "retours-release-2", {"reserve_key": "retours-hold-2"}, call_states.DONE)
    _hold("retours-hold-3", "TEE-M", 1, status=call_states.PENDING)  # not held there yet
    _hold("retours-hold-4", "TEE-M", 1)  # held; its release refused (given back? unknown)
    _call("release", "retours-release-4", {"reserve_key": "retours-hold-4"}, call_states.REFUSED)
    db.session.commit()
    assert stock_sync.held_in_platform("stubshop") == {"TEE-M": 1}
    assert stock_sync.held_in_platform("othershop") == {}
    # a platform whose holds end by themselves: one made 31 days ago is no longer held
    old = db.session.scalar(db.select(PlatformCall).where(PlatformCall.key == "retours-hold-1"))
    old.done_at = utcnow() - timedelta(days=31)
    db.session.flush()
    assert stock_sync.held_in_platform("stubshop", hold_days=30) == {}
    old.done_at = utcnow() - timedelta(days=29)
    db.session.commit()
    assert stock_sync.held_in_platform("stubshop", hold_days=30) == {"TEE-M": 1}

    _sync([[StockLevel("TEE-M", 4)]])
    # the platform can sell 4 and holds 1 for us: 5 on hand, 3 promised, 2 still to promise
    # (the pending hold's unit is among the platform's 4, and not promised twice)
    assert stock_of("TEE-M") == (5, 3)


def test_a_platform_that_sold_what_we_promised_keeps_our_promises_and_says_so(app, factory):
    (tee,) = factory.variants("TEE", M=5)
    tee.stock_reserved = 2
    db.session.commit()
    result = _sync([[StockLevel("TEE-M", 0)]])
    assert stock_of("TEE-M") == (2, 2)  # nothing more can be promised
    assert result.errors == [
        "stock TEE-M: the shop has 0 for us but 2 are promised to exchanges here; "
        "nothing more is promised"
    ]


def test_a_negative_level_oversold_in_the_platform_counts_as_none(app, factory):
    factory.variants("TEE", M=5)
    db.session.commit()
    _sync([[StockLevel("TEE-M", -3)]])
    assert stock_of("TEE-M") == (0, 0)


def test_the_staff_card_shows_the_stock_count_of_the_last_sync(client, auth, factory):
    db.session.add(
        ShopConnection(
            platform="shopify",
            domain="maison-lin.myshopify.com",
            token_encrypted="x",
            last_sync_at=db.func.now(),
            last_sync_ok=True,
            last_sync_counts={
                "created": 1,
                "updated": 0,
                "unchanged": 0,
                "rejected": 0,
                "stock": 4,
            },
        )
    )
    db.session.commit()
    auth.login(role="admin")
    page = client.get("/staff/shops").get_data(as_text=True)
    assert "stock mis à jour pour 4 variantes" in page
