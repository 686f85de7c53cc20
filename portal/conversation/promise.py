"""The response-time promise: `REPLY_PROMISE_HOURS` working hours after the question.

Working hours are Monday to Friday, `REPLY_WORKING_HOURS` (default 9–18), in the shop's
time zone `REPLY_TIMEZONE` (default Europe/Paris), public holidays and the shop's closed
days left out (`PUBLIC_HOLIDAYS`, `SHOP_CLOSED_DAYS`: portal/services/holidays.py). A
question asked outside those hours starts counting at the next opening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from portal.services import holidays


def settings() -> tuple[int, int, int, ZoneInfo]:
    """(promised hours, opening hour, closing hour, time zone) from the config."""
    config = current_app.config
    opens, closes = config["REPLY_WORKING_HOURS"]
    return int(config["REPLY_PROMISE_HOURS"]), opens, closes, ZoneInfo(config["REPLY_TIMEZONE"])


def add_working_hours(
    start: datetime, hours: int, *, opens: int = 9, closes: int = 18, tz: ZoneInfo | None = None
) -> datetime:
    """`start` (aware) moved forward by `hours` working hours; the result is in UTC."""
    tz = tz or ZoneInfo("Europe/Paris")
    local = start.astimezone(tz)
    left = timedelta(hours=hours)
    while True:
        day_open = local.replace(hour=opens, minute=0, second=0, microsecond=0)
        day_close = local.replace(hour=closes, minute=0, second=0, microsecond=0)
        if holidays.is_closed(local.date()) or local >= day_close:
            local = _next_opening(local, opens, tz)
            continue
        local = max(local, day_open)
        today = day_close - local
        if left <= today:
            return (local + left).astimezone(UTC)
        left -= today
        local = _next_opening(local, opens, tz)


def _next_opening(local: datetime, opens: int, tz: ZoneInfo) -> datetime:
    day = local.date() + timedelta(days=1)
    while holidays.is_closed(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, opens, tzinfo=tz)


def due_by(asked_at: datetime) -> datetime:
    """When we promised to answer a question asked at `asked_at` (UTC)."""
    hours, opens, closes, tz = settings()
    return add_working_hours(asked_at, hours, opens=opens, closes=closes, tz=tz)


def local_time(when: datetime) -> datetime:
    """`when` in the shop's time zone, for people to read."""
    return when.astimezone(settings()[3])
