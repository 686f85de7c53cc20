"""The outbox's SMTP connection sends a message's bytes as the server must receive them."""

from __future__ import annotations

import pytest

from portal.smtp import connect

HEAD = b"From: shop@example.com\r\nTo: zoe@example.com\r\nSubject: Test\r\n\r\n"


@pytest.mark.parametrize(
    "body",
    [
        b"aGVsbG8=\r\nd29ybGQ=\r\n",  # base64 lines, as every part of ours: sent as they are
        b"no line break at the end",
        b"first line\r\n.a line starting with a period\r\n..and two\r\n.\r\nlast\r\n",
    ],
)
def test_the_server_receives_the_body_unchanged(smtp_server, mailbox, body):
    _box, url = smtp_server
    smtp = connect(url)
    try:
        smtp.sendmail("shop@example.com", ["zoe@example.com"], HEAD + body)
    finally:
        smtp.quit()

    (message,) = mailbox.messages
    received = message.get_payload().encode().replace(b"\r\n", b"\n").rstrip(b"\n")
    assert received == body.replace(b"\r\n", b"\n").rstrip(b"\n")
