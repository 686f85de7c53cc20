"""Money in integer minor units, the exponent taken from Babel's currency data.

EUR has 2 decimals, JPY 0, KWD 3 (`babel.numbers.get_currency_precision`); nothing here
assumes 100 minor units to the major unit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision


class BadAmount(ValueError):
    """Text that is not an amount in the currency (too many decimals, not a number)."""


def exponent(currency: str) -> int:
    """Decimals of `currency`: EUR 2, JPY 0, KWD 3."""
    return get_currency_precision((currency or "").upper())


def to_decimal(minor: int, currency: str) -> Decimal:
    """1250 EUR → Decimal('12.50'); 1000 JPY → Decimal('1000'); 1500 KWD → Decimal('1.500')."""
    places = exponent(currency)
    return Decimal(int(minor)).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def to_minor(value: Decimal, currency: str) -> int:
    """Decimal('12.50') EUR → 1250; refuses more decimals than the currency has."""
    places = exponent(currency)
    scaled = value.scaleb(places)
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise BadAmount(f"{value} has more than {places} decimals for {currency}")
    return int(scaled)


def parse(text: str | None, currency: str) -> int:
    """'12,50', '12.50', '12' → minor units of `currency`; BadAmount otherwise."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    for symbol in ("€", "$", "£", "¥", currency.upper()):
        cleaned = cleaned.replace(symbol, "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise BadAmount(text) from exc
    if not value.is_finite():
        raise BadAmount(text)
    return to_minor(value, currency)


def value_string(minor: int, currency: str) -> str:
    """The amount as a plain string with the currency's decimals: '12.50', '1000', '1.500'."""
    return str(to_decimal(minor, currency))


# -- what each unit cost: discounts spread to the minor unit --------------------------------


def spread(total: int, weights: list[int], caps: list[int]) -> list[int]:
    """Share `total` pro rata to `weights`, rounding down, the remainder on the last shares.

    Each share stays within its cap (`total` must not exceed the caps' sum): what a floor
    left over goes to the last share first, then to the ones before it, as far as they can
    take it, so that the shares always add up to `total` exactly.
    """
    if total > sum(caps):
        raise ValueError(f"cannot spread {total} over caps summing to {sum(caps)}")
    weight = sum(weights)
    shares = [
        min(total * w // weight, c) if weight else 0 for w, c in zip(weights, caps, strict=True)
    ]
    left = total - sum(shares)
    for i in range(len(shares) - 1, -1, -1):
        if left <= 0:
            break
        extra = min(left, caps[i] - shares[i])
        shares[i] += extra
        left -= extra
    return shares


def unit_amounts(lines: list[tuple[int, int, int]], order_discount: int = 0) -> list[list[int]]:
    """What each unit of each line cost the customer, taxes included (prices are TTC).

    `lines` are (unit price, quantity, discount on the whole line); the line's discount is
    spread over its units, then the order's discount over every unit pro rata to what it
    cost, the remainder on the last unit. Totals match the order to the minor unit; a
    discount larger than what it applies to is capped (nothing is ever negative).
    """
    nets: list[int] = []
    bounds: list[tuple[int, int]] = []
    for price, quantity, discount in lines:
        units = [max(price, 0)] * quantity
        off = spread(min(max(discount, 0), sum(units)), units, units)
        start = len(nets)
        nets.extend(u - d for u, d in zip(units, off, strict=True))
        bounds.append((start, len(nets)))
    off = spread(min(max(order_discount, 0), sum(nets)), nets, nets)
    paid = [n - d for n, d in zip(nets, off, strict=True)]
    return [paid[a:b] for a, b in bounds]


def order_unit_amounts(order) -> dict[int, list[int]]:
    """`unit_amounts` for an Order: {line id: [what each unit cost]}."""
    lines = list(order.lines)
    table = unit_amounts(
        [(ln.unit_price, ln.quantity, ln.discount or 0) for ln in lines], order.discount or 0
    )
    return {ln.id: units for ln, units in zip(lines, table, strict=True)}


def paid_for(line, start: int, count: int) -> int:
    """What units start … start+count-1 of `line` cost (earlier returns took the first ones;
    the last unit, which carries the rounding remainder, goes with the last parcel)."""
    units = order_unit_amounts(line.order)[line.id]
    return sum(units[start : start + count])


def received_share(amount_paid: int, received: int, quantity: int) -> int:
    """The part of an item's price for the units that actually arrived (rounded down)."""
    if quantity <= 0 or received <= 0:
        return 0
    if received >= quantity:
        return amount_paid
    return amount_paid * received // quantity
