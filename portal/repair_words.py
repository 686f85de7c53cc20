"""The repair path's words (states, steps, audit actions, e-mails), merged into
`portal.words` so that every staff page and the words test see them."""

from __future__ import annotations

from flask_babel import gettext as _

REPAIR_REASON = "stopped_working"
REPAIR_RESOLUTION = "repair"


def states() -> dict[str, str]:
    return {
        "awaiting_parcel": _("Repair: waiting for the parcel"),
        "received": _("Repair: received, to diagnose"),
        "quoted": _("Repair: quote sent, waiting for the customer"),
        "quote_declined": _("Repair: quote declined, to send back"),
        "repairing": _("Repair: being repaired"),
        "repaired_shipped": _("Repair: repaired and shipped back"),
        "replaced": _("Repair: replaced"),
        "refunded": _("Repair: refunded"),
        "unrepaired": _("Repair: sent back unrepaired"),
        "no_fault": _("Repair: no fault found, to send back"),
        "no_fault_sent": _("Repair: no fault found, sent back"),
    }


def events() -> dict[str, str]:
    return {
        "open": _("Repair requested"),
        "receive": _("Item received for repair"),
        "diagnose_covered": _("Diagnosis: covered by the warranty"),
        "quote": _("Diagnosis: not covered, quote sent"),
        "accept_quote": _("Quote accepted"),
        "decline_quote": _("Quote declined"),
        "ship_repaired": _("Repaired and shipped back"),
        "replace": _("Replaced"),
        "refund": _("Refunded instead of repaired"),
        "send_back": _("Sent back unrepaired"),
        "find_no_fault": _("Diagnosis: no fault found"),
        "send_back_working": _("Sent back, no fault found"),
    }


def actions() -> dict[str, str]:
    return {
        "repair_requested": _("Repair requested"),
        "repair_received": _("Item received for repair"),
        "repair_covered": _("Diagnosis: covered by the warranty"),
        "repair_quoted": _("Diagnosis: not covered, quote sent"),
        "repair_quote_accepted": _("Repair quote accepted"),
        "repair_quote_declined": _("Repair quote declined"),
        "repair_shipped": _("Repaired and shipped back"),
        "repair_replaced": _("Replaced instead of repaired"),
        "repair_refunded": _("Refunded instead of repaired"),
        "repair_sent_back": _("Sent back unrepaired"),
        "repair_no_fault": _("Diagnosis: no fault found"),
        "repair_no_fault_sent": _("Sent back, no fault found"),
    }


def mails() -> dict[str, str]:
    return {
        "repair_received": _("Repair: item received"),
        "repair_diagnosis": _("Repair: diagnosis"),
        "repair_quote_answer": _("Repair: quote answered"),
        "repair_shipped": _("Repair: repaired and shipped"),
        "repair_replaced": _("Repair: replaced"),
        "repair_unrepaired": _("Repair: sent back unrepaired"),
    }


def details() -> dict[str, str]:
    """The keys of a repair's audit details."""
    return {
        "case_id": _("Repair no."),
        "repair_from": _("Repair was"),
        "repair_to": _("Repair is now"),
        "replacement": _("Replacement"),
    }
