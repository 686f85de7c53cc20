"""After the return: the "Did everything go well?" question and its answer.

One ``Feedback`` row per return, created when the question is e-mailed. The customer rates
1–5 (and may rate again: the last rating counts) until they send a comment, which closes it.
"""

from __future__ import annotations

from portal.lifecycle.core import CUSTOMER, NEW, SYSTEM, Event, governs
from portal.lifecycle.core import machine as _machine

ASKED, RATED, COMMENTED = "asked", "rated", "commented"

FEEDBACK = _machine(
    "feedback",
    "status",
    (ASKED, RATED, COMMENTED),
    Event("ask", (NEW,), ASKED, frozenset({SYSTEM}), "",
          "The return is over (money left): the question is e-mailed once."),
    Event("rate", (ASKED, RATED), RATED, frozenset({CUSTOMER}), "",
          "The customer sends a rating (a later one replaces it)."),
    Event("comment", (ASKED, RATED), COMMENTED, frozenset({CUSTOMER}), "",
          "The customer sends a rating with a comment: the answer is final."),
)  # fmt: skip

governs("Feedback", FEEDBACK)

FEEDBACK_GROUPS: dict[str, tuple[str, ...]] = {
    "answered": (RATED, COMMENTED),
    "open": (ASKED, RATED),
}


def feedback_answered(feedback) -> bool:
    return feedback is not None and feedback.status in FEEDBACK_GROUPS["answered"]


def feedback_open(feedback) -> bool:
    return feedback is not None and feedback.status in FEEDBACK_GROUPS["open"]
