"""A customer's reply by e-mail, back into its return's thread.

Every e-mail we send about a return carries the Reply-To `reply+<token>@INBOUND_DOMAIN`
(`reply_to`). What arrives there is parsed with the standard library's `email` package
(RFC 5322, MIME), its text part (or its HTML part made text) is cut to the newest reply
with mail-parser-reply (the quoted message and the "On … wrote:" line go, in French and
English), and appended to the thread as the customer's message. An address that is not
ours, unsigned or forged, is refused with 550 and nothing changes; so is a message too
large (552), empty once the quote is cut, or an automatic reply (RFC 3834).

`take` does the work (it flushes; the caller commits); `Handler` is the aiosmtpd handler
of `flask --app wsgi inbound serve`, `flask --app wsgi inbound read` calls `take` on one
message from standard input (an MTA's pipe)."""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser

from flask import Flask, current_app
from mailparser_reply import EmailReplyParser
from sqlalchemy import select

from portal.conversation import reply_to, threads
from portal.extensions import db
from portal.models import Message, ReturnRequest
from portal.services.errors import InboundRefused, MessageRefused
from portal.web import commit_verb

NO_SUCH_ADDRESS = "5.1.1 No such recipient here"
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def max_bytes() -> int:
    return int(current_app.config["INBOUND_MAX_BYTES"])


def return_for(recipients: list[str]) -> ReturnRequest:
    """The return the first of our signed addresses among `recipients` stands for."""
    for recipient in recipients:
        rma = reply_to.read(recipient)
        if rma is None:
            continue
        rr = db.session.scalar(select(ReturnRequest).where(ReturnRequest.rma == rma))
        if rr is not None:
            return rr
    raise InboundRefused(NO_SUCH_ADDRESS, 550)


def take(raw: bytes, recipients: list[str] | None = None) -> Message:
    """Append the reply in `raw` (one RFC 5322 message) to its thread; the envelope's
    `recipients`, or else the message's own recipient headers, name the return."""
    if len(raw) > max_bytes():
        raise InboundRefused("5.3.4 Message too big", 552)
    mail = message_from_bytes(raw, policy=policy.default)
    rr = return_for(list(recipients or []) or _header_recipients(mail))
    if (mail.get("Auto-Submitted") or "no").strip().lower() != "no":
        raise InboundRefused("5.7.1 Automatic replies are not taken", 550)
    text = newest_reply(body_text(mail), rr.locale)
    try:
        return threads.ask(rr, text, source="email")
    except MessageRefused as exc:
        raise InboundRefused(f"5.6.0 {exc.message}", 550) from exc


def _header_recipients(mail: EmailMessage) -> list[str]:
    found = []
    for name in RECIPIENT_HEADERS:
        for value in mail.get_all(name) or []:
            addresses = getattr(value, "addresses", None)
            if addresses is not None:
                found += [a.addr_spec for a in addresses]
            else:
                found += re.findall(r"[^\s<>,;]+@[^\s<>,;]+", str(value))
    return found


def body_text(mail: EmailMessage) -> str:
    """The message's text: its text/plain part, or its text/html part as text."""
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset, a broken encoding
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        return html_text(content)
    return content


def newest_reply(text: str, locale: str | None = None) -> str:
    """Only what the customer wrote this time: the quoted message and the line that
    introduces it are cut (mail-parser-reply), and so is a signature after "-- "."""
    languages = [lang for lang in ("fr", "en") if lang != locale]
    parser = EmailReplyParser(languages=[locale or "fr", *languages])
    reply = parser.parse_reply(text.replace("\r\n", "\n"))
    if reply is None:
        reply = text
    lines = reply.split("\n")
    if "-- " in lines:  # RFC 3676 4.3: the signature separator
        lines = lines[: lines.index("-- ")]
    return "\n".join(line for line in lines if not line.startswith(">")).strip()


class _Text(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "blockquote"}

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head"):
            self.skip = max(self.skip - 1, 0)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    text = "".join(reader.out)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def deliver(app: Flask, raw: bytes, recipients: list[str]) -> str:
    """`take` in its own app context and commit: the SMTP reply to give."""
    with app.app_context():
        try:
            commit_verb(take, raw, recipients)
        except InboundRefused as exc:
            return f"{exc.code} {exc.message}"
        except Exception:  # the sender keeps the message and tries again later
            app.logger.exception("inbound: a message could not be stored")
            return "451 4.3.0 Temporary failure, try again later"
    return "250 2.0.0 OK: added to the conversation"


class Handler:
    """aiosmtpd handler: refuses unknown addresses at RCPT, stores the reply at DATA."""

    def __init__(self, app: Flask, *, lmtp: bool = False) -> None:
        self.app, self.lmtp = app, lmtp

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.lmtp and envelope.rcpt_tos:
            return "452 4.5.3 One recipient per message, please"
        with self.app.app_context():
            ours = reply_to.read(address) is not None
        if not ours:
            return f"550 {NO_SUCH_ADDRESS}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None, deliver, self.app, envelope.original_content or envelope.content,
            list(envelope.rcpt_tos),
        )  # fmt: skip


def controller(app: Flask, host: str, port: int, *, lmtp: bool = False):
    """An aiosmtpd controller (SMTP, or LMTP for an MTA's local delivery) for `Handler`."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.lmtp import LMTP

    class _Controller(Controller):
        def factory(self):
            return LMTP(self.handler, **self.SMTP_kwargs) if lmtp else super().factory()

    return _Controller(
        Handler(app, lmtp=lmtp),
        hostname=host,
        port=port,
        data_size_limit=app.config["INBOUND_MAX_BYTES"],
    )
