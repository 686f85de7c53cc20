"""Promises in working days and hours leave out public holidays and the shop's closed days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal import create_app
from portal.conversation.promise import add_working_hours
from portal.services.holidays import easter, public_holidays
from portal.services.policy import add_working_days


def test_easter_is_computed_for_known_years():
    assert [easter(y) for y in (2024, 2025, 2026, 2027, 2038)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
        date(2038, 4, 25),
    ]


def test_france_has_eleven_public_holidays_and_alsace_moselle_two_more():
    france = public_holidays(2027, "FR")
    assert len(france) == 11
    assert {date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)} <= france  # Easter-based
    assert public_holidays(2027, "FR-57") - france == {date(2027, 3, 26), date(2027, 12, 26)}
    assert public_holidays(2027, "") == frozenset()


@pytest.fixture
def france(app_config):
    return create_app({**app_config, "PUBLIC_HOLIDAYS": "FR"})


def test_a_refund_promise_from_the_friday_before_easter_skips_easter_monday(france):
    with france.app_context():
        received = datetime(2027, 3, 26, 10, tzinfo=UTC)  # Friday
        assert add_working_days(received, 2) == datetime(2027, 3, 31, 10, tzinfo=UTC)
        christmas_eve = datetime(2026, 12, 24, 15, tzinfo=UTC)  # Thursday; 25th is a holiday
        assert add_working_days(christmas_eve, 2) == datetime(2026, 12, 29, 15, tzinfo=UTC)


def test_the_shops_closed_days_and_the_region_come_from_the_config(app_config):
    app = create_app({**app_config, "PUBLIC_HOLIDAYS": "", "SHOP_CLOSED_DAYS": ["2027-03-30"]})
    with app.app_context():
        received = datetime(2027, 3, 26, 10, tzinfo=UTC)
        # Easter Monday counts when no holidays are configured; 30 March is closed
        assert add_working_days(received, 2) == datetime(2027, 3, 31, 10, tzinfo=UTC)
        assert add_working_days(received, 1) == datetime(2027, 3, 29, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "setting", [{"PUBLIC_HOLIDAYS": "DE"}, {"SHOP_CLOSED_DAYS": ["24/12/2026"]}]
)
def test_a_wrong_setting_stops_the_app_at_start_with_what_to_write(app_config, setting):
    with pytest.raises(ValueError, match="PUBLIC_HOLIDAYS|SHOP_CLOSED_DAYS"):
        create_app({**app_config, **setting})


def test_a_question_before_a_bank_holiday_is_answered_after_it(france):
    paris = ZoneInfo("Europe/Paris")
    with france.app_context():
        # asked Wednesday 5 May 2027 at 17:00, 4 hours promised: 1 on Wednesday, none on
        # Thursday (Ascension), 3 on Friday morning
        asked = datetime(2027, 5, 5, 17, tzinfo=paris)
        due = add_working_hours(asked, 4, opens=9, closes=18, tz=paris)
        assert due.astimezone(paris) == datetime(2027, 5, 7, 12, tzinfo=paris)
