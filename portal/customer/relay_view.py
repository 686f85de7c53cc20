"""How the relay step shows a point: its kind, and its opening hours in the customer's language."""

from __future__ import annotations

from datetime import time

from babel.dates import format_time, get_day_names
from flask_babel import gettext as _

from portal.customer.blueprint import bp
from portal.i18n import current_locale
from portal.models import RelayPoint
from portal.services.drop_off_points import opening_hours


@bp.app_template_global("relay_kind")
def kind_label(point: RelayPoint) -> str:
    if point.kind == "locker":
        return _("Locker")
    if point.kind == "anywhere":
        return _("Any point of the network")
    if point.kind == "letterbox":
        return _("Your letterbox")
    if point.kind == "post_office":
        return _("Post office")
    return _("Relay point")


@bp.app_template_global("send_option")
def send_option(point: RelayPoint) -> tuple[str, str]:
    """(what to click, what it means) for a way to send the parcel without choosing a point."""
    if point.kind == "letterbox":
        return (
            _("We collect it from your letterbox"),
            _("Colissimo: print the label, stick it on the parcel and leave it in your own "
              "letterbox on the day you choose; a Colissimo agent collects it from there."),
        )  # fmt: skip
    if point.network == "Colissimo":
        return (
            _("Drop it at any post office or Colissimo pickup point"),
            _("Colissimo: print the label, then hand the parcel in at any post office counter "
              "or Colissimo pickup point in France."),
        )  # fmt: skip
    return (
        _("Drop it at any Mondial Relay point or locker"),
        _("Mondial Relay: no need to choose now — any Mondial Relay point or locker takes the "
          "parcel with this label."),
    )  # fmt: skip


@bp.app_template_global("relay_hours")
def hours_rows(point: RelayPoint) -> list[tuple[str, str]]:
    """[(days, "9:00 AM – 12:30 PM, 2:00 PM – 7:00 PM" or "Closed")], Monday first, in the
    customer's language, consecutive days with the same hours in one row ("Monday – Saturday");
    empty when the point only has free-text hours."""
    hours = opening_hours(point)
    if hours is None:
        return []
    locale = current_locale()
    names = [name.capitalize() for _, name in sorted(get_day_names("wide", locale=locale).items())]
    texts = []
    for day in range(7):
        slots = hours.get(day) or []
        text = ", ".join(f"{_clock(a, locale)} – {_clock(b, locale)}" for a, b in slots)
        texts.append(text or _("Closed"))
    rows: list[tuple[str, str]] = []
    start = 0
    for day in range(1, 8):  # consecutive days with the same hours share a row
        if day == 7 or texts[day] != texts[start]:
            days = names[start] if day - 1 == start else f"{names[start]} – {names[day - 1]}"
            rows.append((days, texts[start]))
            start = day
    return rows


def _clock(value: str, locale: str) -> str:
    hour, minute = (int(part) for part in value.split(":"))
    return format_time(time(hour, minute), format="short", locale=locale)
