"""The bench's mailbox: a small SMTP server on loopback that reads each message whole.

aiosmtpd (what the tests use) reads DATA a line at a time through asyncio streams: about
6.7 ms of CPU for a confirmation with its two PDFs here, so it capped the outbox figures
at ≈ 85 mails/s in the bench's own process whatever the portal did. This server speaks the
part of RFC 5321 that `smtplib` uses (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no
extensions offered, so the client sends plain DATA), reads the socket in large chunks until
the end-of-data line, undoes the dot-stuffing, and parses only the header block: what the
bench records. One thread per connection; 0.3–0.7 ms of CPU a mail as measured (its own
CPU is reported with each outbox round).
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable
from email.parser import BytesHeaderParser

END = b"\r\n.\r\n"


def headers_of(content: bytes):
    """The message's headers, parsed from the header block alone (not the 100 KB body)."""
    cut = content.find(b"\r\n\r\n")
    return BytesHeaderParser().parsebytes(content if cut < 0 else content[: cut + 4])


class _Session(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        buffer = b""
        sender, recipients = "", []

        def send(line: str) -> None:
            sock.sendall(line.encode() + b"\r\n")

        send("220 bench-sink ESMTP")
        while True:
            while b"\r\n" not in buffer:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            line, buffer = buffer.split(b"\r\n", 1)
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                send("250 bench-sink")
            elif verb == b"MAIL":
                sender, recipients = line.decode("latin-1"), []
                send("250 OK")
            elif verb == b"RCPT":
                address = line.decode("latin-1").split(":", 1)[-1].strip()
                recipients.append(address.strip("<>"))
                send("250 OK")
            elif verb == b"DATA":
                if not sender or not recipients:
                    send("503 need MAIL and RCPT first")
                    continue
                send("354 end with <CRLF>.<CRLF>")
                buffer = b"\r\n" + buffer  # the end line may come first (an empty body)
                while (end := buffer.find(END)) < 0:
                    chunk = sock.recv(262144)
                    if not chunk:
                        return
                    buffer += chunk
                content, buffer = buffer[2 : end + 2], buffer[end + len(END) :]
                content = content.replace(b"\r\n..", b"\r\n.")
                if content.startswith(b".."):
                    content = content[1:]
                self.server.deliver(recipients, content)
                sender, recipients = "", []
                send("250 OK")
            elif verb == b"RSET":
                sender, recipients = "", []
                send("250 OK")
            elif verb == b"NOOP":
                send("250 OK")
            elif verb == b"QUIT":
                send("221 bye")
                return
            else:
                send("502 command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    deliver: Callable[[list[str], bytes], None]


class Mailbox:
    """What the bench's outbox rounds deliver to: `received` holds one dict per recipient."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.deliver = self._deliver
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _deliver(self, recipients: list[str], content: bytes) -> None:
        message = headers_of(content)
        at = time.time()
        with self.lock:
            for rcpt in recipients:
                self.received.append(
                    {
                        "at": at,
                        "to": rcpt,
                        "kind": message.get("X-Retours-Kind", ""),
                        "rma": message.get("X-Retours-RMA", ""),
                        "id": message.get("Message-ID") or f"{rcpt}|{message['Subject']}",
                        "bytes": len(content),
                    }
                )

    def clear(self) -> None:
        with self.lock:
            self.received.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
