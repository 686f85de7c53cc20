"""The claim's words (portal.words calls into these, so that module stays small)."""

from __future__ import annotations

from flask_babel import gettext as _

CLAIM_PHOTO_KINDS = ("damaged",)  # a photo of the damage is required


def claim_kind_labels() -> dict[str, str]:
    return {
        "never_arrived": _("My parcel never arrived"),
        "damaged": _("It arrived damaged"),
        "wrong_item": _("I received the wrong item"),
        "missing_item": _("An item is missing from the parcel"),
    }


def state_labels() -> dict[str, dict[str, str]]:
    return {
        "claim": {
            "open": _("Waiting for support"),
            "resolved": _("Resolved"),
            "kept": _("Kept by the customer, credited at once"),
            "original_found": _("Resolved; the original turned up"),
        }
    }


def event_labels() -> dict[str, dict[str, str]]:
    return {
        "claim": {
            "open_claim": _("Problem reported"),
            "resolve_claim": _("Claim resolved"),
            "keep_it": _("Kept by the customer, credited at once"),
            "original_turned_up": _("The original turned up"),
        }
    }


def action_labels() -> dict[str, str]:
    return {
        "claim_opened": _("Problem reported"),
        "claim_resolved": _("Claim resolved"),
        "claim_kept": _("Kept by the customer, credited at once"),
        "claim_original_found": _("The original turned up"),
    }


def mail_labels() -> dict[str, str]:
    return {
        "claim_received": _("Claim received"),
        "claim_resolved": _("Claim resolved"),
        "claim_kept": _("Keep it: credited at once"),
    }
