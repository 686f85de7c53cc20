"""Builds an outbox row into the e-mail it describes: the worker's side of the outbox.

Each message is one template, `templates/emails/<kind>.txt`, extending `_layout.txt`
(greeting, what the customer gets, the status link, the shop's contact and the
customer-service team's signature). A template writes plain text in a tiny block
syntax, and both the text part and the HTML part are generated from it here, so no
sentence is written twice:

- blocks are separated by a blank line; a line break inside a block is kept;
- a block whose lines start with "- " is a list (a line starting with two spaces
  continues the item above it);
- a block "## Title" is a heading; a block "--" is the signature separator;
- addresses starting with http:// or https:// become links in the HTML part.

Every value is escaped in the HTML part by this module (templates never write markup),
and made one line when it was recorded (`notifications.one_line`), so a customer's name
or a staff note cannot change the structure. In French, the pages' typography applies
(portal/typography.py): a no-break space before ":" and inside « », a narrow one before
";", "!" and "?".
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from datetime import date, datetime
from email.utils import formataddr
from html import escape

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from portal.conversation import reply_to
from portal.extensions import db
from portal.i18n import contact_hours, fmt_date, money
from portal.models import Label, OrderLine, ReturnItem, ReturnRequest, Variant
from portal.notifications import one_line
from portal.services import return_slip
from portal.typography import french, french_html

WITH_SUMMARY = {
    "confirmation",
    "label_pending",
    "in_transit",
    "received",
    "refund_approved",
    "refund_sent",
    "refund_failed",
    "store_credit",
    "exchange_shipped",
    "kept",
}
TOTALS_ONLY = {"diagnosis"}
# what the return slip reads, in three queries rather than one per row
SLIP_LOADS = (
    selectinload(ReturnRequest.labels).undefer(Label.slip_pdf),
    selectinload(ReturnRequest.items)
    .joinedload(ReturnItem.order_line)
    .joinedload(OrderLine.variant)
    .joinedload(Variant.product),
)


def _reply_address(row, facts: dict) -> str | None:
    """The signed reply address of a return's e-mail (its answer joins the return's
    thread); None for a mail of no return (a claim's), which the shop's contact answers."""
    return reply_to.address(facts["rma"]) if getattr(row, "return_id", None) else None


def build(row, pdfs: dict[int, bytes] | None = None) -> bytes:
    """The MIME bytes of an outbox row (`kind`, `locale`, `context`, `recipient`,
    `subject`); `pdfs`: label PDFs by label id. Raises ValueError and the like when the
    row's data cannot make an e-mail (an address no header can carry, say).

    The MIME is written here, not through the `email` package's message classes, which
    cost more than rendering and sending together (they parse and refold every header
    they are given): a multipart/alternative of the two parts, base64 in UTF-8, inside a
    multipart/mixed with the label PDF and the return slip when there is a label; RFC 2047
    words for non-ASCII headers (`_words`); CRLF line ends, as SMTP wants."""
    config = current_app.config
    facts = dict(row.context or {})
    locale = row.locale or config["DEFAULT_LOCALE"]
    subject, text, html = render(row.kind, locale, facts, subject=row.subject)
    headers = [
        ("Subject", _words(one_line(subject))),
        ("From", _address(one_line(config["SHOP_NAME"]), config["MAIL_FROM"])),
        ("To", _address(facts.get("contact_name", ""), row.recipient)),
        ("Reply-To", _address("", _reply_address(row, facts) or config["SHOP_CONTACT_EMAIL"])),
        ("Date", _one_line(facts["date"])),
        ("Message-ID", _one_line(facts["message_id"])),
        ("X-Retours-Kind", _one_line(row.kind)),
        ("X-Retours-RMA", _one_line(facts["rma"])),
        ("MIME-Version", "1.0"),
    ]
    entity = _multipart(
        "alternative",
        [
            _leaf('text/plain; charset="utf-8"', text.encode("utf-8")),
            _leaf('text/html; charset="utf-8"', html.encode("utf-8")),
        ],
    )
    label = facts.get("label")
    if row.kind == "confirmation" and isinstance(label, dict):
        pdf = (pdfs or {}).get(label["id"])
        if pdf is None:
            raise LookupError(f"label {label['id']} is gone")
        filename = f"label-{_one_line(facts['rma'])}.pdf"
        attachment = _leaf(
            f'application/pdf; name="{filename}"',
            pdf,
            disposition=f'attachment; filename="{filename}"',
        )
        parts = [entity, attachment]
        rr = (
            db.session.get(ReturnRequest, row.return_id, options=SLIP_LOADS)
            if row.return_id
            else None
        )
        if rr is not None:  # the return slip to put in the parcel, built with the message
            slip_name = f"return-slip-{_one_line(facts['rma'])}.pdf"
            parts.append(
                _leaf(
                    f'application/pdf; name="{slip_name}"',
                    return_slip.for_mail(rr),  # drawn once, kept with the label
                    disposition=f'attachment; filename="{slip_name}"',
                )
            )
        entity = _multipart("mixed", parts)
    head = "".join(f"{name}: {value}{CRLF}" for name, value in headers)
    return head.encode("ascii") + entity


CRLF = "\r\n"
_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\\\"]+@[^@\s<>()\[\],;:\\\"]+$")


def _leaf(content_type: str, data: bytes, *, disposition: str = "") -> bytes:
    head = f"Content-Type: {content_type}{CRLF}Content-Transfer-Encoding: base64{CRLF}"
    if disposition:
        head += f"Content-Disposition: {disposition}{CRLF}"
    return (head + CRLF).encode("ascii") + _base64_lines(data)


def _base64_lines(data: bytes) -> bytes:
    """Base64 in lines of 76 characters ending in CRLF (RFC 2045), encoded in one call
    rather than `base64.encodebytes`' one call per 57 bytes and its LF → CRLF pass."""
    encoded = binascii.b2a_base64(data, newline=False)
    if not encoded:
        return b""
    lines = [encoded[i : i + 76] for i in range(0, len(encoded), 76)]
    return b"\r\n".join(lines) + b"\r\n"


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    boundary = ("=_" + secrets.token_hex(12)).encode("ascii")
    out = [f'Content-Type: multipart/{subtype}; boundary="'.encode() + boundary + b'"\r\n\r\n']
    for part in parts:
        out.append(b"--" + boundary + b"\r\n" + part + b"\r\n")
    out.append(b"--" + boundary + b"--\r\n")
    return b"".join(out)


def _words(text: str) -> str:
    """`text` as a header value: as is in ASCII, else RFC 2047 encoded words."""
    _one_line(text)
    if text.isascii():
        return text
    # RFC 2047 "B" words of whole characters, at most 39 bytes of UTF-8 each (64
    # characters a word: a folded line stays under 78), one per folded line; written
    # here because `email.header.Header` costs more than the rest of the headers
    words, chunk, size = [], [], 0
    for char in text:
        length = len(char.encode("utf-8"))
        if chunk and size + length > _WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    words.append("".join(chunk))
    encoded = (base64.b64encode(word.encode("utf-8")).decode("ascii") for word in words)
    return (CRLF + " ").join(f"=?utf-8?b?{word}?=" for word in encoded)


_WORD_BYTES = 39


def _address(name: str, address: str) -> str:
    """`Name <address>`; refuses what no header can carry (line breaks, a second
    address, no @)."""
    if not _ADDRESS.match(address or "") or not address.isascii():
        raise ValueError(f"not an e-mail address: {address!r}")
    if not name:
        return address
    if name.isascii():
        return _one_line(formataddr((name, address)))
    return f"{_words(name)} <{address}>"


def _one_line(value: str) -> str:
    if _LINE_BREAK.search(value or ""):
        raise ValueError("a header cannot hold a line break")
    return value


_LINE_BREAK = re.compile(r"[\r\n]")


def render(kind: str, locale: str, facts: dict, *, subject: str) -> tuple[str, str, str]:
    """(subject, text part, HTML part) of the `kind` e-mail, in `locale`."""
    config = current_app.config
    with force_locale(locale):
        source = render_template(
            f"emails/{kind}.txt",
            kind=kind,
            locale=locale,
            contact={
                "email": config["SHOP_CONTACT_EMAIL"],
                "phone": config["SHOP_CONTACT_PHONE"],
                "hours": contact_hours(),
            },
            show_summary=kind in WITH_SUMMARY,
            show_totals=kind in WITH_SUMMARY or kind in TOTALS_ONLY,
            amount=lambda minor, currency=None: money(
                minor or 0, currency or facts["currency"], locale
            ),
            day=lambda value: fmt_date(as_date(value)),
            **facts,
        )
    blocks = parse(source)
    text, html = to_text(blocks), to_html(blocks, subject, locale)
    if locale == "fr":
        text, html = french(text), french_html(html)
    return subject, text, html


def as_date(value) -> date | datetime | None:
    """A date recorded as ISO text (or given as a date), back as a date."""
    if value is None or isinstance(value, (date, datetime)):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


# -- the block syntax -------------------------------------------------------------------


def parse(source: str) -> list[tuple[str, list[str]]]:
    """Blocks of (kind, lines): ("p", lines), ("ul", items), ("h", [title]), ("sep", [])."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] = []
    for line in [*source.splitlines(), ""]:
        if line.strip():
            current.append(line.rstrip())
            continue
        if current:
            blocks.append(_block(current))
            current = []
    return blocks


def _block(lines: list[str]) -> tuple[str, list[str]]:
    if len(lines) == 1 and lines[0].startswith("## "):
        return "h", [lines[0][3:].strip()]
    if len(lines) == 1 and lines[0].strip() == "--":
        return "sep", []
    if lines[0].startswith("- "):
        items: list[str] = []
        for line in lines:
            if line.startswith("- ") or not items:
                items.append(line.removeprefix("- ").strip())
            else:
                items[-1] += "\n" + line.strip()
        return "ul", items
    return "p", [line.strip() for line in lines]


def to_text(blocks) -> str:
    out = []
    for kind, lines in blocks:
        if kind == "ul":
            out.append("\n".join("- " + item.replace("\n", "\n  ") for item in lines))
        elif kind == "sep":
            out.append("-- ")
        else:
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


_URL = re.compile(r"https?://[^\s<>\"]+")


def _inline(text: str) -> Markup:
    """Escaped text, addresses linked, line breaks kept."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        end = match.start() + len(url)
        parts.append(escape(text[last : match.start()]))
        parts.append(f'<a href="{escape(url)}" style="color:#1d4ed8">{escape(url)}</a>')
        last = end
    parts.append(escape(text[last:]))
    return Markup("".join(parts).replace("\n", "<br>\n"))


def to_html(blocks, subject: str, locale: str) -> str:
    body = []
    for kind, lines in blocks:
        if kind == "h":
            body.append(f'<h2 style="font-size:17px;margin:24px 0 8px">{_inline(lines[0])}</h2>')
        elif kind == "ul":
            items = "".join(f"<li>{_inline(item)}</li>" for item in lines)
            body.append(f'<ul style="padding-left:20px">{items}</ul>')
        elif kind == "sep":
            body.append('<hr style="border:0;border-top:1px solid #d4d8e0;margin:24px 0">')
        else:
            body.append(f"<p>{_inline(chr(10).join(lines))}</p>")
    return (
        f'<!doctype html>\n<html lang="{escape(locale)}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>\n"
        '<body style="font-family:Arial,sans-serif;color:#1d2433;max-width:560px;'
        'margin:0 auto;padding:16px;line-height:1.45">\n' + "\n".join(body) + "\n</body></html>\n"
    )
