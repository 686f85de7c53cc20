"""Kept for the verbs that import it: the refund states live in portal/payments/service.py."""

from portal.payments.service import (  # noqa: F401
    announce,
    failed_refunds,
    first_event,
    recently_paid,
    refunds_in_flight,
    refunds_to_pay,
    settle,
)
from portal.payments.staff_actions import paid_by_hand, retry, store_credit_instead  # noqa: F401
