"""Public holidays, so that a promise in working days or hours does not fall on one.

`PUBLIC_HOLIDAYS` (config): "FR" (default) for metropolitan France's eleven public
holidays (Code du travail, article L3133-1: 1 January, Easter Monday, 1 May, 8 May,
Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December);
"FR-57" adds what Alsace and Moselle also have off (Good Friday and 26 December, article
L3134-13); "" counts none. `SHOP_CLOSED_DAYS`: more dates the shop is closed
("2026-12-24", …). Easter is computed (the Gregorian computus), nothing is downloaded.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from flask import current_app, has_app_context

REGIONS = ("", "FR", "FR-57")


def easter(year: int) -> date:
    """Easter Sunday (Gregorian), by the anonymous computus (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int, region: str = "FR") -> frozenset[date]:
    if region not in ("FR", "FR-57"):
        return frozenset()
    sunday = easter(year)
    days = {
        date(year, 1, 1),
        sunday + timedelta(days=1),  # Easter Monday
        date(year, 5, 1),
        date(year, 5, 8),
        sunday + timedelta(days=39),  # Ascension
        sunday + timedelta(days=50),  # Whit Monday
        date(year, 7, 14),
        date(year, 8, 15),
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
    }
    if region == "FR-57":
        days |= {sunday - timedelta(days=2), date(year, 12, 26)}
    return frozenset(days)


def read_config(config) -> None:
    """Check the two settings when the app is made (a typo fails at start, never in a
    request) and keep the closed days parsed."""
    region = config.setdefault("PUBLIC_HOLIDAYS", "FR")
    if region not in REGIONS:
        raise ValueError(f"PUBLIC_HOLIDAYS must be one of FR, FR-57 or empty, not {region!r}")
    try:
        days = frozenset(date.fromisoformat(d) for d in config.get("SHOP_CLOSED_DAYS") or ())
    except (TypeError, ValueError) as exc:
        raise ValueError(f"SHOP_CLOSED_DAYS takes dates such as 2026-12-24: {exc}") from exc
    config["SHOP_CLOSED_DAYS_PARSED"] = days


def _settings() -> tuple[str, frozenset[date]]:
    if not has_app_context():
        return "FR", frozenset()
    config = current_app.config
    return config.get("PUBLIC_HOLIDAYS", "FR"), config.get("SHOP_CLOSED_DAYS_PARSED") or frozenset()


def is_closed(day: date) -> bool:
    """A Saturday, a Sunday, a public holiday or a day the shop said it is closed."""
    if day.weekday() >= 5:
        return True
    region, extra = _settings()
    return day in extra or day in public_holidays(day.year, region)
