"""The follow-up's words for staff pages and subjects (merged into `portal.words` and
`portal.notifications` by one line each). Imports nothing from the portal."""

from __future__ import annotations

from flask_babel import gettext as _


def state_labels() -> dict[str, dict[str, str]]:
    return {
        "feedback": {
            "asked": _("Asked, no answer yet"),
            "rated": _("Rated"),
            "commented": _("Rated, with a comment"),
        }
    }


def event_labels() -> dict[str, dict[str, str]]:
    return {
        "feedback": {
            "ask": _("Opinion asked"),
            "rate": _("Rated"),
            "comment": _("Rated, with a comment"),
        }
    }


def action_labels() -> dict[str, str]:
    return {
        "late_notice_sent": _("Apology sent: we are late"),
        "feedback_asked": _("Opinion asked"),
        "feedback_received": _("Opinion received"),
    }


def cause_labels() -> dict[str, str]:
    return {
        "refund_late": _("Refund or exchange later than promised"),
        "label_stuck": _("Label stuck at the carrier"),
        "held_at_point": _("Parcel held at a point"),
    }


def misc_labels() -> dict[str, dict[str, str]]:
    return {"late_cause": cause_labels()}


def mail_labels() -> dict[str, str]:
    return {
        "late_refund": _("Apology: refund or exchange late"),
        "late_label": _("Apology: label delayed"),
        "late_held": _("Apology: parcel held at a point"),
        "feedback": _("Did everything go well?"),
    }


def detail_labels() -> dict[str, str]:
    return {"cause": _("Cause"), "rating": _("Rating")}


def subjects() -> dict[str, str]:
    return {
        "late_refund": _("Your return %(rma)s: we are late, sorry"),
        "late_label": _("Your return %(rma)s: your label is delayed, sorry"),
        "late_held": _("Your return %(rma)s: your parcel is held at a point"),
        "feedback": _("Your return %(rma)s: did everything go well?"),
    }


def rating_labels() -> dict[int, str]:
    return {
        1: _("1 — very poor"),
        2: _("2 — poor"),
        3: _("3 — fair"),
        4: _("4 — good"),
        5: _("5 — excellent"),
    }
