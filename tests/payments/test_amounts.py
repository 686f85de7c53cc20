"""Amounts that add up: discounts spread to the minor unit, partial returns in several
parcels, fees; and currencies with 0 or 3 decimals shown right."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.i18n import money
from portal.money import parse, received_share, spread, to_decimal, unit_amounts
from portal.services.policy import Policy
from portal.services.warehouse import refund_outcome


@st.composite
def orders(draw):
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        price = draw(st.integers(0, 50_000))
        quantity = draw(st.integers(1, 6))
        discount = draw(st.integers(0, price * quantity + 500))  # may exceed: capped
        lines.append((price, quantity, discount))
    order_discount = draw(st.integers(0, sum(p * q for p, q, _ in lines) + 1000))
    # each line's units returned in up to 3 parcels, some units kept
    parcels = []
    for _, quantity, _ in lines:
        kept = draw(st.integers(0, quantity))
        sizes, left = [], quantity - kept
        while left:
            size = draw(st.integers(1, left))
            sizes.append(size)
            left -= size
        parcels.append(sizes)
    return lines, order_discount, parcels


def policy(restocking: int, shipping_fee: int) -> Policy:
    return Policy.from_config(
        {
            "RETURN_WINDOW_DAYS": 30,
            "HOLIDAY_SEASON_START": (11, 1),
            "HOLIDAY_SEASON_END": (12, 24),
            "HOLIDAY_RETURN_UNTIL": (1, 31),
            "STORE_CREDIT_BONUS_PERCENT": 0,
            "RESTOCKING_FEE_PERCENT": restocking,
            "RETURN_SHIPPING_FEE": shipping_fee,
            "GIFT_REFUND_TO_BUYER": False,
            "INSTANT_EXCHANGE": False,
            "LABEL_VALID_DAYS": 14,
        }
    )


@settings(max_examples=300, deadline=None)
@given(
    orders(),
    st.integers(0, 100),
    st.integers(0, 2_000),
    st.data(),
)
def test_refunds_never_exceed_what_was_paid_and_parts_sum_to_the_whole(
    order, restocking, shipping_fee, data
):
    lines, order_discount, parcels = order
    units = unit_amounts(lines, order_discount)
    gross = sum(p * q for p, q, _ in lines)
    line_discounts = sum(min(d, p * q) for p, q, d in lines)
    paid_total = sum(sum(u) for u in units)
    # the parts sum to the whole: what the order cost after every discount
    assert paid_total == max(gross - line_discounts - order_discount, 0)
    assert all(u >= 0 for line in units for u in line)
    assert [len(u) for u in units] == [q for _, q, _ in lines]
    rules = policy(restocking, shipping_fee)
    refunded = 0
    for line_units, sizes in zip(units, parcels, strict=True):
        start = 0
        for size in sizes:
            paid = sum(line_units[start : start + size])
            start += size
            received = data.draw(st.integers(0, size))
            grade = data.draw(st.sampled_from(["A", "B"]))
            item = SimpleNamespace(
                resolution="refund",
                amount_paid=paid,
                received_quantity=received,
                quantity=size,
                outcome=None,
            )
            rr = SimpleNamespace(is_gift=False, items=[item])
            outcome, amount = refund_outcome(rr, item, grade, rules)
            assert outcome == "refund"
            assert 0 <= amount <= received_share(paid, received, size) <= paid
            refunded += amount
        # every unit of the line, parcel by parcel, adds up to the line
        assert sum(line_units[:start]) == sum(line_units[: sum(sizes)])
    assert 0 <= refunded <= paid_total


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_spread_is_exact_and_within_caps(total, caps):
    total = min(total, sum(caps))
    shares = spread(total, caps, caps)
    assert sum(shares) == total
    assert all(0 <= s <= c for s, c in zip(shares, caps, strict=True))


def test_an_order_discount_is_spread_pro_rata_with_the_remainder_on_the_last_unit():
    # two tees at 25.00 and one cap at 10.00, 10.00 off the order
    assert unit_amounts([(2500, 2, 0), (1000, 1, 0)], 1000) == [[2084, 2084], [832]]
    assert unit_amounts([(1000, 3, 100), (0, 1, 0)], 0) == [[967, 967, 966], [0]]
    assert unit_amounts([(100, 3, 0)], 100) == [[67, 67, 66]]  # 33 + 33 + 34 off


def test_zero_and_three_decimal_currencies_are_shown_and_parsed_right():
    assert money(1000, "JPY", "en") == "¥1,000"
    assert money(1500, "KWD", "en") == "KWD1.500"
    assert money(2550, "EUR", "fr") == "25,50\xa0€"
    assert str(to_decimal(1000, "JPY")) == "1000"
    assert (parse("1000", "JPY"), parse("1,5", "KWD"), parse("12,50", "EUR")) == (1000, 1500, 1250)


def test_parcels_of_one_order_take_what_their_units_cost(app, factory):
    from portal.extensions import db

    factory.variants()
    order = factory.order([("TEE-M", 3)])
    order.discount = 100  # 1.00 off the order: 0.33 + 0.33 + 0.34 over the three tees
    db.session.commit()
    first = factory.return_(order, quantity=2, with_label=False)
    second = factory.return_(order, quantity=1, with_label=False)
    assert first.items[0].amount_paid == 2 * (2500 - 33)
    assert second.items[0].amount_paid == 2500 - 34
    assert first.items[0].amount_paid + second.items[0].amount_paid == 3 * 2500 - 100
