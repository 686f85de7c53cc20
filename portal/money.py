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
