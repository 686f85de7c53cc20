"""The load client of `bench/run.py` (locust, headless; run from `.venv-bench`).

Each user class is one kind of visitor; `bench/run.py` picks one per round and passes
what it needs in the environment: BENCH_TARGET (the page a PageUser asks for),
BENCH_ORDER_FIRST/BENCH_ORDER_COUNT (the bench orders it may use, see bulkload.py),
BENCH_CODES (a file of tracking codes for the StaffUser), BENCH_STAFF (e-mail:password).
Every form is read from the page and posted with its CSRF token, as a browser would;
a reply that is not the expected one counts as a failure.
"""

from __future__ import annotations

import itertools
import os
import re
import time

from locust import FastHttpUser, between, constant, events, task  # noqa: F401
from locust.exception import StopUser

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINE = re.compile(r'name="item-(\d+)-quantity"')
POINT = re.compile(r'name="relay_point_id" value="(\d+)"')
QTY = re.compile(r'name="qty-(\d+)"[^>]*max="(\d+)"')

FIRST = int(os.environ.get("BENCH_ORDER_FIRST", "1"))
COUNT = int(os.environ.get("BENCH_ORDER_COUNT", "1000"))
_next_order = itertools.count(FIRST)
STRIDE = 7919  # a prime: i * STRIDE % COUNT visits the whole range, in scattered order


def number(i: int) -> str:
    return f"BK-{i:07d}"


def email(i: int) -> str:
    return f"c{i}@bench.example"


def fire(name: str, started: float, ok: bool = True) -> None:
    events.request.fire(
        request_type="FLOW",
        name=name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=0,
        exception=None if ok else RuntimeError(name),
        context={},
    )


class Customer(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def token(self, path: str, name: str | None = None) -> tuple[str, str]:
        with self.client.get(path, name=name or path, catch_response=True) as r:
            found = TOKEN.search(r.text or "")
            if r.status_code != 200 or not found:
                r.failure(f"no form on {path}: HTTP {r.status_code}")
                raise StopUser()
            return found.group(1), r.text

    def post(self, path: str, data: dict, expect: str, name: str | None = None) -> str:
        with self.client.post(
            path, data=data, name=name or path, allow_redirects=False, catch_response=True
        ) as r:
            where = r.headers.get("Location", "") if r.headers else ""
            if r.status_code != 302 or expect not in where:
                r.failure(f"POST {path}: HTTP {r.status_code} to {where!r}")
                return ""
            return where

    def journey(self, i: int) -> str:
        """Lookup → items → relay → review → confirm; the status page's path, or ''."""
        self.client.cookiejar.clear()
        csrf, _page = self.token("/", "GET / (start)")
        if not self.post(
            "/lookup",
            {"csrf_token": csrf, "number": number(i), "contact": email(i)},
            "/return/items",
            "POST /lookup",
        ):
            return ""
        _csrf, page = self.token("/return/items", "GET /return/items")
        line = LINE.search(page)
        if not line:
            return ""
        key = f"item-{line.group(1)}"
        data = {
            "csrf_token": csrf,
            f"{key}-quantity": "1",
            f"{key}-reason": "too_small",
            f"{key}-resolution": "refund",
            f"{key}-comment": "",
        }
        if not self.post("/return/items", data, "/return/relay", "POST /return/items"):
            return ""
        _csrf, page = self.token("/return/relay?postcode=75011", "GET /return/relay")
        points = POINT.findall(page)
        if not points:
            return ""
        data = {"csrf_token": csrf, "relay_point_id": points[-1]}
        if not self.post("/return/relay", data, "/return/review", "POST /return/relay"):
            return ""
        self.token("/return/review", "GET /return/review")
        status = self.post("/return/confirm", {"csrf_token": csrf}, "/r/", "POST /return/confirm")
        if not status:
            return ""
        path = status.split("://", 1)[-1]
        path = path[path.index("/") :] if "://" in status else status
        with self.client.get(path, name="GET /r/<token> (status)", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status page: HTTP {r.status_code}")
                return ""
        return path.split("?")[0]


class JourneyUser(Customer):
    """A customer who finds an order and creates a return, end to end, again and again."""

    @task
    def one_return(self):
        i = next(_next_order)
        if i >= FIRST + COUNT:
            raise StopUser()
        started = time.perf_counter()
        fire("return created end to end", started, bool(self.journey(i)))


class PageUser(Customer):
    """Asks for one page (BENCH_TARGET) again and again, after what that page needs.

    What it needs (a return made, an order looked up, items chosen…) is done first; then
    the user waits for BENCH_T0 (epoch seconds), when `bench/run.py` starts counting the
    servers' CPU, so the page's figures are the page's alone. A user still setting up at
    BENCH_T0 counts a failure ("setup too late") and stops, rather than mix its setup in.
    """

    def on_start(self):
        self.target = os.environ["BENCH_TARGET"]
        self.csrf = ""
        self.status = ""
        self._set_up()
        t0 = float(os.environ.get("BENCH_T0") or 0)
        if t0:
            if time.time() > t0:
                fire("setup too late", time.perf_counter(), ok=False)
                raise StopUser()
            time.sleep(t0 - time.time())  # gevent's sleep: the other users go on

    def _set_up(self):
        if self.target in {"lookup", "start", "hello", "gift"}:
            self.csrf, _page = self.token("/") if self.target == "lookup" else ("", "")
            return
        i = next(_next_order)
        if self.target in {"status", "label"}:
            self.status = self.journey(i)
            if not self.status:
                raise StopUser()
            return
        csrf, _page = self.token("/")
        self.post("/lookup", {"csrf_token": csrf, "number": number(i), "contact": email(i)}, "/")
        if self.target in {"relay", "review"}:
            _t, page = self.token("/return/items")
            key = f"item-{LINE.search(page).group(1)}"
            data = {
                "csrf_token": csrf,
                f"{key}-quantity": "1",
                f"{key}-reason": "too_small",
                f"{key}-resolution": "refund",
            }
            self.post("/return/items", data, "/return/relay")
        if self.target == "review":
            _t, page = self.token("/return/relay?postcode=75011")
            data = {"csrf_token": csrf, "relay_point_id": POINT.findall(page)[-1]}
            self.post("/return/relay", data, "/return/review")

    @task
    def ask(self):
        t = self.target
        if t == "lookup":  # spread over the whole range, each order once a cycle:
            i = FIRST + next(_next_order) * STRIDE % COUNT  # the per-order limit is never hit
            data = {"csrf_token": self.csrf, "number": number(i), "contact": email(i)}
            self.post("/lookup", data, "/return/items", "POST /lookup")
            return
        path = {
            "hello": "/",
            "start": "/",
            "gift": "/gift",
            "items": "/return/items",
            "relay": "/return/relay?postcode=75011",
            "review": "/return/review",
            "status": self.status,
            "label": self.status + "/label.pdf",
        }[t]
        with self.client.get(path, name=t, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{t}: HTTP {r.status_code}")


class GiftLookupUser(Customer):
    """Finds gifts by their code (every tenth bench order is a gift)."""

    def on_start(self):
        self.csrf, _page = self.token("/gift")

    @task
    def find(self):  # in turn through the gift codes: the per-code limit is never hit
        i = (next(_next_order) * STRIDE % max(COUNT // 10, 1) + 1) * 10
        data = {"csrf_token": self.csrf, "code": f"BKG-{i:09d}"}
        self.post("/gift", data, "/return/items", "POST /gift")


class StaffUser(Customer):
    """Warehouse staff: scan a parcel's label, then receive it (BENCH_CODES)."""

    codes: list[str] = []

    def on_start(self):
        if not StaffUser.codes and os.environ.get("BENCH_CODES"):
            with open(os.environ["BENCH_CODES"]) as f:
                StaffUser.codes = [c.strip() for c in f if c.strip()]
        self.login()

    def login(self):
        who, password = os.environ["BENCH_STAFF"].split(":", 1)
        csrf, _page = self.token("/staff/login", "GET /staff/login")
        data = {"csrf_token": csrf, "email": who, "password": password}
        self.post("/staff/login", data, "/staff", "POST /staff/login")
        self.csrf, _page = self.token("/staff/scan", "GET /staff/scan")

    @task
    def scan_and_receive(self):
        if os.environ.get("BENCH_TARGET") == "queues":
            with self.client.get("/staff/", name="GET /staff/ (queues)", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"queues: HTTP {r.status_code}")
            return
        if not StaffUser.codes:
            raise StopUser()
        code = StaffUser.codes.pop()
        started = time.perf_counter()
        where = self.post(
            "/staff/scan", {"csrf_token": self.csrf, "code": code}, "/staff/returns/", "POST scan"
        )
        if not where:
            return fire("scan → receive", started, False)
        path = where[where.index("/staff/") :]
        _t, page = self.token(path, "GET /staff/returns/<rma>")
        data = {"csrf_token": self.csrf, "note": ""}
        for item_id, left in QTY.findall(page):
            data[f"qty-{item_id}"] = left
            data[f"note-{item_id}"] = ""
        ok = self.post(path + "/receive", data, path, "POST receive")
        fire("scan → receive", started, bool(ok))
