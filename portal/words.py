"""The domain's words, defined once: return reasons, resolutions, condition grades, and
what each is called in the customer's or the warehouse's language."""

from __future__ import annotations

from flask_babel import gettext as _

from portal import claim_words, followup_words, repair_words
from portal.claim_words import CLAIM_PHOTO_KINDS, claim_kind_labels  # noqa: F401

REASONS = (
    "too_small",
    "too_big",
    "colour",
    "damaged",
    "defective",
    "not_as_described",
    "changed_mind",
    "too_late",
    "stopped_working",
)
PHOTO_REASONS = ("damaged", "defective", "stopped_working")  # a photo helps us with these
RESOLUTIONS = ("refund", "store_credit", "exchange")  # "repair": offered per item (repairs.py)

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
        "stopped_working": _("It stopped working"),
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


# -- what the lifecycle's codes are called on screen ------------------------------------
# One dict per machine (lifecycle.MACHINES), keyed by state; tests/staff/test_words.py fails
# when a state, an event or an audit action of the lifecycle has no label here.


def state_labels() -> dict[str, dict[str, str]]:
    """machine name → state → what staff read."""
    return {
        "return": {
            "requested": _("Label being prepared"),
            "label_issued": _("Label sent, parcel not yet dropped off"),
            "in_transit": _("Parcel on its way"),
            "received": _("Parcel received"),
            "inspected": _("Items inspected"),
            "refunded": _("Resolved: money back"),
            "exchanged": _("Resolved: exchanged"),
            "repaired": _("Resolved: repaired or replaced"),
            "rejected": _("Resolved: sent back"),
            "cancelled": _("Cancelled"),
            "expired": _("Label expired unused"),
        },
        "item reception": {
            "awaiting": _("Not yet received"),
            "partly_received": _("Partly received"),
            "received": _("All units received"),
            "not_received": _("Never received"),
            "kept": _("Kept by the customer (not sent back)"),
        },
        "item acceptance": {
            "pending": _("Not yet inspected"),
            "accepted": _("Accepted"),
            "rejected": _("Refused at inspection"),
            "refunding": _("Accepted, waiting for its refund to be paid"),
            "settled": _("Settled"),
            "sent_back": _("Sent back to the customer"),
        },
        "refund": {
            "approved": _("Approved, not yet paid"),
            "sent": _("Paid out"),
            "failed": _("Failed"),
        },
        **followup_words.state_labels(),
        **claim_words.state_labels(),
        "repair": repair_words.states(),
        "platform_call": {
            "pending": _("Waiting to be sent to the shop platform"),
            "done": _("Made in the shop platform"),
            "refused": _("Refused by the shop platform"),
        },
    }


def event_labels() -> dict[str, dict[str, str]]:
    """machine name → event name → the step in words."""
    return {
        "return": {
            "request": _("Return requested"),
            "keep": _("Kept by the customer: nothing sent back"),
            "issue_label": _("Label issued"),
            "reissue_label": _("Label re-issued"),
            "change_relay": _("Drop-off point changed"),
            "unblock_label": _("Label purchase tried again"),
            "carrier_scan": _("Scanned by the carrier"),
            "carrier_delivered": _("Delivered to the warehouse by the carrier"),
            "receive": _("Parcel received"),
            "receive_more": _("Another parcel received"),
            "grade": _("Some items inspected"),
            "inspect": _("Every item inspected"),
            "refund_item": _("Item refunded"),
            "ship_exchange": _("Exchange shipped"),
            "ship_exchange_early": _("Exchange shipped before receipt"),
            "send_back": _("Item sent back"),
            "resolve_refunded": _("Return resolved"),
            "resolve_exchanged": _("Return resolved"),
            "resolve_repaired": _("Return resolved"),
            "resolve_rejected": _("Return resolved"),
            "cancel": _("Return cancelled"),
            "expire": _("Label expired"),
            "goodwill": _("Goodwill gesture"),
            "reopen_refund": _("Open again: a paid refund failed"),
        },
        "item reception": {
            "receive_part": _("Some units received"),
            "receive_all": _("All units received"),
            "give_up": _("Never received"),
            "keep_item": _("Kept by the customer"),
        },
        "item acceptance": {
            "accept": _("Accepted"),
            "accept_kept": _("Accepted without return (keep it)"),
            "reject": _("Refused at inspection"),
            "await_refund": _("Waiting for its refund to be paid"),
            "settle": _("Settled"),
            "refund_bounced": _("Its paid refund failed: open again"),
            "send_back": _("Sent back to the customer"),
        },
        "refund": {
            "owe": _("Refund approved"),
            "settle_at_once": _("Settled at once"),
            "provider_accept": _("Accepted by the payment provider"),
            "provider_refuse": _("Refused by the payment provider"),
            "provider_fail_later": _("Failed after being accepted"),
            "mark_paid": _("Paid by hand"),
            "retry": _("Tried again"),
            "credit_instead": _("Store credit given instead"),
        },
        **followup_words.event_labels(),
        **claim_words.event_labels(),
        "repair": repair_words.events(),
        "platform_call": {
            "queue": _("Queued for the shop platform"),
            "platform_accept": _("Accepted by the shop platform"),
            "platform_refuse": _("Refused by the shop platform"),
            "staff_retry": _("Tried again"),
        },
    }


# audit actions written outside the lifecycle's tables (audit.record)
OTHER_ACTIONS = ("label_failed", "label_void_failed", "store_credit_issued")


def action_labels() -> dict[str, str]:
    """An audit event's action (lifecycle `Event.action`, or OTHER_ACTIONS) in words."""
    return {
        "return_requested": _("Return requested"),
        "return_kept": _("Keep it: the customer keeps the items, no parcel"),
        "label_issued": _("Label issued"),
        "label_reissued": _("Label re-issued (the old one stops working)"),
        "relay_point_changed": _("Drop-off point changed"),
        "label_unblocked": _("Label purchase tried again"),
        "carrier_scan": _("Scanned by the carrier"),
        "arriving_at_warehouse": _("Delivered to the warehouse by the carrier"),
        "parcel_received": _("Parcel received"),
        "items_graded": _("Some items inspected"),
        "items_inspected": _("Every item inspected"),
        "refund_issued": _("Refund recorded"),
        "exchange_shipped": _("Exchange shipped"),
        "item_sent_back": _("Item sent back"),
        "return_resolved": _("Return resolved"),
        "return_cancelled": _("Return cancelled"),
        "return_expired": _("Label expired"),
        "goodwill_gesture": _("Goodwill gesture"),
        "refund_approved": _("Refund approved"),
        "refund_sent": _("Refund paid out"),
        "refund_failed": _("Refund failed"),
        "refund_retried": _("Refund tried again"),
        "refund_reopened": _("Open again: a paid refund failed"),
        "refund_replaced_by_credit": _("Store credit given instead of the refund"),
        "label_failed": _("The carrier refused the label"),
        "label_void_failed": _("The old label could not be cancelled at the carrier"),
        "store_credit_issued": _("Store credit issued"),
        **followup_words.action_labels(),
        **claim_words.action_labels(),
        **repair_words.actions(),
    }


def resolution_labels() -> dict[str, str]:
    """What the customer asked for (ReturnItem.resolution)."""
    return {
        "refund": _("Refund"),
        "store_credit": _("Store credit"),
        "exchange": _("Exchange"),
        "repair": _("Repair"),
    }


def outcome_labels() -> dict[str, str]:
    """What inspection decided (ReturnItem.outcome)."""
    return {
        "refund": _("Refund to the original payment"),
        "store_credit": _("Store credit"),
        "exchange": _("Exchange"),
        "rejected": _("Refused, to send back"),
        "repair": _("Repair under warranty"),
    }


def misc_labels() -> dict[str, dict[str, str]]:
    """The other codes staff pages show: kind → code → words."""
    return {
        "method": {
            "original_payment": _("Original payment"),
            "store_credit": _("Store credit"),
        },
        "credit": {"refund": _("Refund as store credit"), "goodwill": _("Goodwill gesture")},
        "credit_tx": {"issue": _("issued"), "redeem": _("spent")},
        "actor": {
            "customer": _("Customer"),
            "staff": _("Staff"),
            "carrier": _("Carrier"),
            "system": _("Automatic"),
            "api": _("Shop (API)"),
        },
        "role": {
            "warehouse": _("Warehouse"),
            "support": _("Support"),
            "admin": _("Administrator"),
        },
        "provider": {
            "manual": _("Paid by hand"),
            "stripe": "Stripe",
            "mollie": "Mollie",
            "shopify": "Shopify",
            "woocommerce": "WooCommerce",
            "prestashop": "PrestaShop",
        },
        "locale": {"fr": "Français", "en": "English"},
        "carrier": {
            "local": _("demo carrier, valid for no network"),
            "easypost": "EasyPost",
            "mondial_relay": "Mondial Relay",
            "colissimo": "Colissimo",
        },
        "mail": {
            "confirmation": _("Return confirmed, label attached"),
            "kept": _("Keep it: confirmed, nothing to send back"),
            "label_pending": _("Label being prepared"),
            "in_transit": _("Parcel on its way"),
            "received": _("Parcel received"),
            "diagnosis": _("Inspection result"),
            "refund_approved": _("Refund approved"),
            "refund_sent": _("Refund paid out"),
            "refund_failed": _("Refund failed"),
            "store_credit": _("Store credit"),
            "exchange_shipped": _("Exchange shipped"),
            "cancelled": _("Return cancelled"),
            "expired": _("Label expired"),
            "goodwill": _("Goodwill gesture"),
            "reopen_refund": _("Open again: a paid refund failed"),
            **followup_words.mail_labels(),
            **claim_words.mail_labels(),
            "reply": _("Answer to the customer's question"),
            **repair_words.mails(),
        },
        **followup_words.misc_labels(),
        "claim_kind": claim_words.claim_kind_labels(),
    }


def word(kind: str, code: str | None) -> str:
    """`code` of `kind` in the reader's language: a lifecycle machine's name (its states),
    "action", "event:<machine>", "reason", "grade", "resolution", "outcome", or a key of
    `misc_labels`. An unknown code is shown as it is (a test keeps every known one named)."""
    if code is None or code == "":
        return ""
    if kind == "action":
        table = action_labels()
    elif kind.startswith("event:"):
        table = event_labels().get(kind[6:], {})
    elif kind == "reason":
        table = reason_labels()
    elif kind == "grade":
        table = grade_labels()
    elif kind == "resolution":
        table = resolution_labels()
    elif kind == "outcome":
        table = outcome_labels()
    else:
        table = state_labels().get(kind) or misc_labels().get(kind, {})
    return table.get(code, code)


def detail_labels() -> dict[str, str]:
    """The keys of an audit event's details, as the audit trail shows them."""
    return {
        "items": _("Items"),
        "note": _("Note"),
        "sku": _("Item"),
        "reason": _("Reason"),
        "tracking_code": _("Tracking number"),
        "carrier": _("Carrier"),
        "refund_id": _("Refund no."),
        "amount": _("Amount"),
        "method": _("Method"),
        "code": _("Code"),
        "status": _("Status"),
        "retryable": _("Will be tried again"),
        "refund_from": _("Refund was"),
        "refund_to": _("Refund is now"),
        "quantity": _("Quantity"),
        "next_attempt_at": _("Next attempt"),
        "label": _("Label"),
        "error": _("Error"),
        "early": _("Before receipt"),
        "carrier_status": _("Carrier's status"),
        "attempts": _("Attempts"),
        "attachments": _("Attachments"),
        "grade": _("Condition"),
        "outcome": _("Outcome"),
        **followup_words.detail_labels(),
        **repair_words.details(),
    }


# which kind of code a detail's value is (see `word`)
DETAIL_VALUE_KINDS = {
    "method": "method",
    "refund_from": "refund",
    "refund_to": "refund",
    "status": "refund",
    "outcome": "outcome",
    "reason": "reason",
    "carrier": "carrier",
    "cause": "late_cause",
    "repair_from": "repair",
    "repair_to": "repair",
}
