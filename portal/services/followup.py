"""The follow-up run (cron, idempotent): apologies for what is late, then the question
"Did everything go well?" for returns that are over. See docs/followup.md."""

from __future__ import annotations

from datetime import datetime

from portal.services import feedback, late_notices


def run(now: datetime) -> dict[str, int]:
    """Everything due at `now`; how many e-mails were queued, by cause. Flushes; the caller
    commits once."""
    sent = late_notices.send_due(now)
    sent["feedback"] = feedback.ask_due(now)
    return sent
