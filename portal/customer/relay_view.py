"""How the relay step shows a point: its kind, and its opening hours in the customer's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from babel.dates import format_time, get_day_names
from babel.numbers import format_decimal
from flask_babel import gettext as _

from portal import geo
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


@dataclass(frozen=True)
class PostcodeAdvice:
    """What the page says about the postcode searched: `kind` is "malformed" (not a
    postcode at all), "rejected" (the network does not know it), "nothing" (a postcode,
    but no point nearby) or "" (points were found, or nothing was searched)."""

    kind: str = ""
    message: str = ""
    expected: str = ""  # the format a postcode has
    still: tuple[str, ...] = ()  # what still works


@bp.app_template_global("postcode_advice")
def postcode_advice(postcode: str, found, anywhere: list[RelayPoint]) -> PostcodeAdvice:
    postcode = (postcode or "").strip()
    if not postcode or (found is not None and found.points):
        return PostcodeAdvice()
    expected = _("A French postcode has 5 digits, for example 75011.")
    code = geo.normalize_postcode(postcode)
    if code is None:
        message = _("“%(postcode)s” is not a postcode.", postcode=postcode)
        if postcode.upper().startswith(("2A", "2B")):  # Corsica's département codes
            expected += " " + _(
                "In Corsica postcodes start with 20 (2A and 2B are département numbers)."
            )
        return PostcodeAdvice("malformed", message, expected, _still(anywhere, wider=False))
    if found is not None and found.postcode_rejected:
        message = _(
            "%(network)s does not recognise the postcode %(postcode)s. Please check it and "
            "search again.",
            network=found.network,
            postcode=postcode,
        )
        return PostcodeAdvice("rejected", message, expected, _still(anywhere, wider=False))
    if found is not None and not found.network and anywhere:
        return PostcodeAdvice()  # no network with a point list: nothing was searched
    message = _("No drop-off point found near %(postcode)s.", postcode=postcode)
    return PostcodeAdvice("nothing", message, "", _still(anywhere, wider=True))


def _still(anywhere: list[RelayPoint], *, wider: bool) -> tuple[str, ...]:
    still = []
    if wider:
        still.append(
            _("Search with the postcode of a bigger town nearby: the search then reaches further.")
        )
    if anywhere:
        still.append(
            _("You can still send your parcel without choosing a point: see the options above.")
        )
        still.extend(send_option(option)[0] for option in anywhere)
    else:
        still.append(
            _("Or write to our customer service (at the bottom of the page): we will help.")
        )
    return tuple(still)


@bp.app_template_filter("km")
def distance(km: float) -> str:
    """1.2 km in English, 1,2 km in French (a no-break space before the unit)."""
    return format_decimal(km, format="0.0", locale=current_locale()) + "\u00a0km"
