"""The domain's words, defined once: return reasons, resolutions, condition grades, and
what each is called in the customer's or the warehouse's language."""

from __future__ import annotations

from flask_babel import gettext as _

REASONS = (
    "too_small",
    "too_big",
    "colour",
    "damaged",
    "defective",
    "not_as_described",
    "changed_mind",
    "too_late",
)
PHOTO_REASONS = ("damaged", "defective")  # a photo helps us with these
RESOLUTIONS = ("refund", "store_credit", "exchange")

GRADE_AS_NEW, GRADE_WORN, GRADE_DEFECTIVE = "A", "B", "C"
GRADES = (GRADE_AS_NEW, GRADE_WORN, GRADE_DEFECTIVE)


def reason_labels() -> dict[str, str]:
    return {
        "too_small": _("Too small"),
        "too_big": _("Too big"),
        "colour": _("Colour not as pictured"),
        "damaged": _("Damaged on arrival"),
        "defective": _("Defective"),
        "not_as_described": _("Not as described"),
        "changed_mind": _("Changed my mind"),
        "too_late": _("Arrived too late"),
    }


def grade_labels() -> dict[str, str]:
    return {
        GRADE_AS_NEW: _("A — as new, back to stock"),
        GRADE_WORN: _("B — opened or worn, resellable at a discount"),
        GRADE_DEFECTIVE: _("C — damaged or defective"),
    }


def grade_customer_labels() -> dict[str, str]:
    """The condition in the customer's words (the diagnosis e-mail)."""
    return {
        GRADE_AS_NEW: _("as new"),
        GRADE_WORN: _("opened or worn"),
        GRADE_DEFECTIVE: _("damaged or defective"),
    }


def grade_choice_text() -> str:
    """'A, B or C', for a message asking to choose one."""
    return _("%(first)s or %(last)s", first=", ".join(GRADES[:-1]), last=GRADES[-1])
