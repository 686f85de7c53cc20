"""The repair e-mails' subjects (templates/emails/repair_*.txt hold their text)."""

from __future__ import annotations

from flask_babel import gettext as _


def subjects() -> dict[str, str]:
    return {
        "repair_diagnosis": _("Your repair %(rma)s: our diagnosis"),
        "repair_quote_answer": _("Your repair %(rma)s: your answer to our quote"),
        "repair_shipped": _("Your repair %(rma)s: repaired and on its way back"),
        "repair_replaced": _("Your repair %(rma)s: a replacement is on its way"),
        "repair_unrepaired": _("Your repair %(rma)s: your item is on its way back"),
    }
