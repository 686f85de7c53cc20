"""SMTP servers that fail the way real ones do (RFC 5321): nobody listening, a "421
Service not available" greeting, a 421 in answer to DATA, or silence until the client
times out; and a slow but working one, to kill a worker while it sends."""

from __future__ import annotations

import asyncio
import socket
import threading
from contextlib import contextmanager

from tests.conftest import Mailbox, free_port


class _RawServer:
    """A TCP server on loopback that greets with `greeting` (or nothing) and hangs up."""

    def __init__(self, greeting: bytes | None) -> None:
        self.greeting = greeting
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            if self.greeting is None:
                self._held.append(conn)  # say nothing: the client's timeout must fire
            else:
                conn.sendall(self.greeting)
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(2)
        for conn in self._held:
            conn.close()
        self.sock.close()


class RefuseData(Mailbox):
    """Greets normally, then answers DATA with 421 (the server is shutting down)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        self.refused += 1
        return "421 4.3.2 Service not available, closing transmission channel"


class SlowMailbox(Mailbox):
    """Accepts every message, `delay` seconds each."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def smtp_failing(mode: str):
    """Yields the SMTP_URL of a server failing in `mode`."""
    if mode == "refused":
        yield f"smtp://127.0.0.1:{free_port()}"
    elif mode in ("421-greeting", "timeout"):
        greeting = b"421 4.3.2 Service not available\r\n" if mode == "421-greeting" else None
        server = _RawServer(greeting)
        try:
            yield f"smtp://127.0.0.1:{server.port}?timeout=0.5"
        finally:
            server.stop()
    elif mode == "421-data":
        with aiosmtpd_server(RefuseData()) as url:
            yield url
    else:
        raise ValueError(mode)


@contextmanager
def aiosmtpd_server(handler):
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


SMTP_FAILURES = ("refused", "421-greeting", "421-data", "timeout")
