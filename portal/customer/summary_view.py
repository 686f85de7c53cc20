"""What the customer gets back, in words: the lines of `services.summary` for the review,
confirmation and status pages (one partial, templates/customer/_summary.html)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from portal.customer.blueprint import bp
from portal.i18n import money
from portal.models import ReturnRequest
from portal.services.summary import CREDIT, EXCHANGE, REFUND, REJECTED, ItemLine, Summary


@dataclass(frozen=True)
class Shown:
    """One line of the summary as the page shows it."""

    item: str  # "1 × Organic T-shirt (Blue · M)"
    what: str  # "exchange for Organic T-shirt (Blue · L)", "refund of €25.00"…
    asked: str  # "you asked for a refund", when inspection decided otherwise; "" otherwise


def _asked(asked: str) -> str:
    return {
        EXCHANGE: _("you asked for an exchange"),
        REFUND: _("you asked for a refund"),
        CREDIT: _("you asked for store credit"),
        "repair": _("you asked for a repair"),
    }.get(asked, "")


def _what(line: ItemLine, currency: str, amounts: bool) -> str:
    def m(value: int) -> str:
        return money(value, currency)

    if line.outcome == EXCHANGE:
        if line.replacement:
            return _("exchange for %(replacement)s", replacement=line.replacement)
        return _("exchange")
    if line.outcome == "repair":
        return _("repair under warranty (a quote first if the fault is not covered)")
    if line.outcome == REJECTED:
        return _("not accepted at inspection: nothing comes back for it")
    if line.outcome == REFUND:
        if not amounts:
            return _("refund")
        if line.fee:
            return _(
                "refund of %(amount)s (%(fee)s deducted)", amount=m(line.amount), fee=m(line.fee)
            )
        return _("refund of %(amount)s", amount=m(line.amount))
    if not amounts:
        return _("store credit")
    if line.bonus:
        return _(
            "store credit of %(amount)s, including a %(bonus)s bonus",
            amount=m(line.amount),
            bonus=m(line.bonus),
        )
    if line.fee:
        return _(
            "store credit of %(amount)s (%(fee)s deducted)", amount=m(line.amount), fee=m(line.fee)
        )
    return _("store credit of %(amount)s", amount=m(line.amount))


@bp.app_template_global("summary_lines")
def summary_lines(summary: Summary, amounts: bool) -> list[Shown]:
    """Each item, what comes back for it; `amounts` False hides every price (a gift)."""
    return [
        Shown(
            item=f"{line.quantity} × {line.name}",
            what=_what(line, summary.currency, amounts),
            asked=_asked(line.asked) if line.final and line.asked != line.outcome else "",
        )
        for line in summary.items
    ]


@bp.app_template_global("summary_totals")
def summary_totals(summary: Summary) -> list[str]:
    """The totals, fees deducted first; estimates say so."""

    def m(value: int) -> str:
        return money(value, summary.currency)

    rows = []
    if summary.final:
        if summary.fee_total:
            rows.append(_("Fees deducted: %(fee)s", fee=m(summary.fee_total)))
        if summary.refund_total:
            rows.append(_("Refund: %(amount)s", amount=m(summary.refund_total)))
        if summary.credit_total:
            rows.append(_("Store credit: %(amount)s", amount=m(summary.credit_total)))
        return rows
    if summary.refund_total:
        rows.append(_("Expected refund: %(amount)s", amount=m(summary.refund_total)))
    if summary.fee_total:
        rows.append(
            _("Return shipping of %(fee)s is deducted from the refund.", fee=m(summary.fee_total))
        )
    if summary.credit_total:
        rows.append(_("Expected store credit: %(amount)s", amount=m(summary.credit_total)))
    return rows


def shipped_exchanges(rr: ReturnRequest) -> list[tuple[str, str]]:
    """(replacement, tracking number) for every replacement on its way to the customer."""
    return [
        (item.exchange_variant.display_name, item.exchange_tracking_code)
        for item in rr.items
        if item.exchange_tracking_code and item.exchange_variant is not None
    ]
