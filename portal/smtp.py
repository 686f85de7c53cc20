"""The outbox's SMTP connection: smtplib's, with a DATA that does not scan the message
when it has nothing to quote.

smtplib's `data` runs a regular expression over the whole message to double a period at
the start of a line (RFC 5321 §4.5.2), on every send: for a confirmation with its two
PDFs (~120 KB of base64) that was a tenth of the worker's time. The messages of
`portal.emails` are headers and base64 lines, so no line starts with a period: `data`
checks that with one search for "\\n." and then sends the bytes as they are; a message
that has such a line goes through smtplib's own quoting.
"""

from __future__ import annotations

import smtplib
from urllib.parse import parse_qs, unquote, urlparse


class _PlainData:
    def data(self, msg):
        if not isinstance(msg, bytes) or msg.startswith(b".") or b"\n." in msg:
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        self.send(msg + (b".\r\n" if msg.endswith(b"\r\n") else b"\r\n.\r\n"))
        return self.getreply()


class SMTP(_PlainData, smtplib.SMTP):
    pass


class SMTP_SSL(_PlainData, smtplib.SMTP_SSL):  # noqa: N801 - smtplib's name
    pass


def connect(url: str) -> smtplib.SMTP:
    """A connection to the server of `url` (smtp:// or smtps://, user and password,
    ?starttls=1, ?timeout=seconds), logged in."""
    parts = urlparse(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    timeout = float(options.get("timeout", 10))
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    smtp_class = SMTP_SSL if parts.scheme == "smtps" else SMTP
    smtp = smtp_class(parts.hostname, port, timeout=timeout)
    try:
        if options.get("starttls") in ("1", "true", "yes"):
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        smtp.close()
        raise
    return smtp
