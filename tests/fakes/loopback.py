"""A small threaded HTTP server on loopback that a fake provider builds on.

The fake gives `routes` (method, regex, endpoint name) and `handle(endpoint, match, request)`
returning (status, body, headers); `refine(endpoint, request)` may name the endpoint more
precisely (a SOAP operation from its SOAPAction header). Failures are scripted per endpoint
for the next N requests with `fail(endpoint, mode, times)`:
    "slow"        process the request, then wait `slow_seconds` before answering
    "drop"        close the connection without an answer, without processing
    "drop_after"  process the request, then close the connection without an answer
    "500", "502", "503"  the provider's server error, before processing
A fake may accept modes of its own (a network's error code, say): `accepts(mode)` says which,
and `scripted(endpoint, mode, request)` gives the answer, without processing.

`handle` may answer a dict (sent as JSON) or bytes (sent as they are, with the Content-Type
given in the headers): XML for SOAP, multipart, PDF.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MODES = ("slow", "drop", "drop_after", "500", "502", "503")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: Any
    raw: bytes


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _dispatch(self) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        request = Request(self.command, url.path, query, self.headers, raw)
        found = fake.route(self.command, url.path)
        if found is None:
            self._send(*fake.not_found())
            return
        endpoint, match = found
        refined = fake.refine(endpoint, request)
        if refined is None:
            self._send(*fake.unrouted(request))
            return
        endpoint = refined
        fake._log(endpoint, self.command, self.path)
        mode = fake._take_failure(endpoint)
        if mode == "drop":
            return
        if mode in ("500", "502", "503"):
            self._send(*fake.server_error(int(mode)))
            return
        if mode is not None and mode not in MODES:  # the fake's own scripted answer
            with fake.lock:
                self._send(*fake.scripted(endpoint, mode, request))
            return
        with fake.lock:
            result = fake.handle(endpoint, match, request)
        if mode == "drop_after":
            return
        if mode == "slow":
            fake._stopping.wait(fake.slow_seconds)
        self._send(*result)

    def _send(
        self, status: int, payload: dict | bytes, headers: dict[str, str] | None = None
    ) -> None:
        if isinstance(payload, bytes):
            data, content_type = payload, "application/octet-stream"
        else:
            data, content_type = json.dumps(payload).encode(), "application/json"
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            for name, value in {"Content-Type": content_type, **(headers or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): the work is done all the same

    do_GET = do_POST = do_PUT = do_DELETE = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: LoopbackFake


class LoopbackFake:
    routes: tuple[tuple[str, re.Pattern[str], str], ...] = ()
    # endpoints that `refine` names beyond the routes' own (one SOAP URL, several operations)
    endpoints: tuple[str, ...] = ()
    name = "fake"

    def __init__(self, *, slow_seconds: float = 2.0) -> None:
        self.slow_seconds = slow_seconds
        self.lock = threading.RLock()
        self._stopping = threading.Event()
        self._failures: dict[str, list[str]] = {}
        self._requests: list[tuple[str, str, str]] = []
        self._httpd: _Server | None = None

    def route(self, method: str, path: str) -> tuple[str, re.Match] | None:
        for verb, pattern, endpoint in self.routes:
            if verb == method and (match := pattern.match(path)):
                return endpoint, match
        return None

    # to override ---------------------------------------------------------------------
    def handle(
        self, endpoint: str, match: re.Match, request: Request
    ) -> tuple[int, dict | bytes, dict]:
        raise NotImplementedError

    def refine(self, endpoint: str, request: Request) -> str | None:
        """The endpoint a routed request is for (by a header, say); None: `unrouted` answers."""
        return endpoint

    def unrouted(self, request: Request) -> tuple[int, dict | bytes, dict]:
        return self.not_found()

    def accepts(self, mode: str) -> bool:
        """Whether `mode` is one of this fake's own failure modes (see `scripted`)."""
        return False

    def scripted(
        self, endpoint: str, mode: str, request: Request
    ) -> tuple[int, dict | bytes, dict]:
        raise NotImplementedError

    def not_found(self) -> tuple[int, dict | bytes, dict]:
        return 404, {"error": "not found"}, {}

    def server_error(self, status: int) -> tuple[int, dict | bytes, dict]:
        return status, {"error": "server error"}, {}

    # lifecycle ---------------------------------------------------------------------------
    def start(self):
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"fake-{self.name}",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(f"the fake {self.name} server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # scripting and inspection -------------------------------------------------------------
    def fail(self, endpoint: str, mode: str, times: int = 1) -> None:
        if endpoint not in {r[2] for r in self.routes} | set(self.endpoints):
            raise ValueError(f"unknown endpoint {endpoint!r}")
        if mode not in MODES and not self.accepts(mode):
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        with self.lock:
            self._failures.setdefault(endpoint, []).extend([mode] * times)

    @property
    def requests(self) -> list[tuple[str, str, str]]:
        with self.lock:
            return list(self._requests)

    def count(self, endpoint: str) -> int:
        return sum(1 for name, _, _ in self.requests if name == endpoint)

    def _log(self, endpoint: str, method: str, path: str) -> None:
        with self.lock:
            self._requests.append((endpoint, method, path))

    def _take_failure(self, endpoint: str) -> str | None:
        with self.lock:
            queue = self._failures.get(endpoint)
            return queue.pop(0) if queue else None
