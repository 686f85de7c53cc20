"""The shop's return policy, read from config into one plain object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.services import holidays

# We promise a refund or an exchange within this many working days of receipt.
PROMISE_WORKING_DAYS = 2


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` working days (Monday to Friday, in UTC, public
    holidays and the shop's closed days left out: services/holidays.py), same time of day."""
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if not holidays.is_closed(current.date()):
            left -= 1
    return current


@dataclass(frozen=True)
class Policy:
    window_days: int = 30
    season_start: tuple[int, int] = (11, 1)
    season_end: tuple[int, int] = (12, 24)
    holiday_until: tuple[int, int] = (1, 31)
    store_credit_bonus_percent: int = 0
    restocking_fee_percent: int = 0
    return_shipping_fee: int = 0
    gift_refund_to_buyer: bool = False
    instant_exchange: bool = False
    label_valid_days: int = 14

    @classmethod
    def from_config(cls, config: Mapping) -> Policy:
        return cls(
            window_days=config["RETURN_WINDOW_DAYS"],
            season_start=tuple(config["HOLIDAY_SEASON_START"]),
            season_end=tuple(config["HOLIDAY_SEASON_END"]),
            holiday_until=tuple(config["HOLIDAY_RETURN_UNTIL"]),
            store_credit_bonus_percent=config["STORE_CREDIT_BONUS_PERCENT"],
            restocking_fee_percent=config["RESTOCKING_FEE_PERCENT"],
            return_shipping_fee=config["RETURN_SHIPPING_FEE"],
            gift_refund_to_buyer=config["GIFT_REFUND_TO_BUYER"],
            instant_exchange=config["INSTANT_EXCHANGE"],
            label_valid_days=config["LABEL_VALID_DAYS"],
        )

    def in_holiday_season(self, placed: date) -> bool:
        start = date(placed.year, *self.season_start)
        end = date(placed.year, *self.season_end)
        return start <= placed <= end

    def holiday_deadline(self, placed: date) -> date:
        """The fixed date until which an order placed in the season can be returned."""
        until = date(placed.year, *self.holiday_until)
        return until if until >= placed else date(placed.year + 1, *self.holiday_until)

    promise_working_days: int = PROMISE_WORKING_DAYS

    def promised_by(self, received_at: datetime | None) -> datetime | None:
        """When we promised the refund or exchange: working days after the first receipt."""
        if received_at is None:
            return None
        return add_working_days(received_at, self.promise_working_days)

    def credit_with_bonus(self, cents: int) -> int:
        return cents + cents * self.store_credit_bonus_percent // 100

    def restocking_fee(self, cents: int) -> int:
        return cents * self.restocking_fee_percent // 100


def current_policy() -> Policy:
    from flask import current_app

    return Policy.from_config(current_app.config)
