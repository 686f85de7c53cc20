"""The response-time promise counts working hours: Monday to Friday, 9:00 to 18:00, Paris."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.conversation.promise import add_working_hours, due_by

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("asked", "hours", "due"),
    [
        # Friday 17:00: one hour on Friday, nine on Monday, two on Tuesday
        (paris(2026, 12, 4, 17, 0), 12, paris(2026, 12, 8, 11, 0)),
        # Saturday: counting starts on Monday at 9:00
        (paris(2026, 12, 5, 10, 0), 12, paris(2026, 12, 8, 12, 0)),
        # before opening
        (paris(2026, 12, 1, 7, 30), 3, paris(2026, 12, 1, 12, 0)),
        # after closing
        (paris(2026, 12, 1, 20, 0), 9, paris(2026, 12, 2, 18, 0)),
        # inside the day
        (paris(2026, 12, 1, 10, 15), 2, paris(2026, 12, 1, 12, 15)),
        # across the change to summer time (Sunday 29 March 2026)
        (paris(2026, 3, 27, 17, 0), 2, paris(2026, 3, 30, 10, 0)),
    ],
)
def test_add_working_hours(asked, hours, due):
    assert add_working_hours(asked, hours, tz=PARIS) == due.astimezone(UTC)


def test_due_by_reads_the_config(app):
    app.config.update(REPLY_PROMISE_HOURS=4, REPLY_WORKING_HOURS=(8, 12))
    asked = paris(2026, 12, 1, 11, 0).astimezone(UTC)
    assert due_by(asked) == paris(2026, 12, 2, 11, 0).astimezone(UTC)
