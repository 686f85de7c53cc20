"""Builds the customer's e-mails from templates, in their language, into the outbox.

A message that cannot be built from the return's data (an address the e-mail format
refuses, say) never fails the request that sent it: it is stored in the outbox as `failed`
with the reason, and the staff home lists it (`outbox.undelivered`), so the return is not
silently stuck. The recipient's display name is made one line first (a line break in a
name cannot become a header injection, nor a failure).
"""

from __future__ import annotations

import re
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal import outbox
from portal.links import status_url
from portal.models import ReturnRequest


def _subjects() -> dict[str, str]:
    return {
        "confirmation": _("Your return %(rma)s: your label"),
        "label_pending": _("Your return %(rma)s: your label is being prepared"),
        "in_transit": _("Your return %(rma)s is on its way to us"),
        "received": _("We have received your return %(rma)s"),
        "diagnosis": _("Your return %(rma)s has been inspected"),
        "refund": _("Your refund for return %(rma)s"),
        "exchange_shipped": _("Your exchange for return %(rma)s is on its way"),
        "cancelled": _("Your return %(rma)s is cancelled"),
        "expired": _("Your return %(rma)s has expired"),
        "goodwill": _("A gesture from %(shop)s for return %(rma)s"),
    }


def notify(
    rr: ReturnRequest,
    kind: str,
    *,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    **context,
):
    """Queue the `kind` e-mail for the return's contact (the gift recipient for gifts)."""
    config = current_app.config
    locale = rr.locale if rr.locale in config["LANGUAGES"] else config["DEFAULT_LOCALE"]
    with force_locale(locale):
        context.update(rr=rr, shop=config["SHOP_NAME"], status_url=status_url(rr), kind=kind)
        subject = _subjects()[kind] % {"rma": rr.rma, "shop": config["SHOP_NAME"]}
        text = render_template(f"emails/{kind}.txt", **context)
        html = render_template(f"emails/{kind}.html", subject=subject, **context)
    try:
        message = EmailMessage()
        message["Subject"] = one_line(subject)
        message["From"] = formataddr((one_line(config["SHOP_NAME"]), config["MAIL_FROM"]))
        message["To"] = formataddr((one_line(rr.contact_name), rr.contact_email))
        message["Message-ID"] = make_msgid(domain="retours.local")
        message["X-Retours-Kind"] = kind
        message["X-Retours-RMA"] = rr.rma
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        for filename, mimetype, data in attachments:
            maintype, subtype = mimetype.split("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return outbox.queue(message, kind=kind, return_id=rr.id)
    except (ValueError, TypeError, LookupError, MessageError) as exc:
        current_app.logger.warning("e-mail %s for %s cannot be built: %s", kind, rr.rma, exc)
        return outbox.queue_unbuildable(
            recipient=rr.contact_email,
            subject=subject,
            kind=kind,
            return_id=rr.id,
            error=f"the e-mail cannot be built from this return's data: {exc}",
        )


_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str | None) -> str:
    """`text` with line breaks and control characters turned into single spaces."""
    return " ".join(_NOT_ONE_LINE.sub(" ", text or "").split())
