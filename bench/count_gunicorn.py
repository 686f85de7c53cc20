"""Instructions per request under gunicorn, which the machine's load does not move.

One gunicorn sync worker (the production settings of `bench/run.py`) runs under valgrind
(callgrind, every instruction of the worker process counted from its fork to its exit);
a plain sequential client sends N requests, then the worker is stopped. Done twice, with
N1 and N2 requests, the difference divided by N2 − N1 is what one request costs the
worker: gunicorn's accept, parsing and writing, the app, its hooks, the pools; start-up
and exit cancel out. The hello-world app the same way, for the ratio.

    .venv/bin/python bench/count_gunicorn.py [hello,start,gift,lookup,items] [N1 N2]

Needs valgrind and Redis (REDIS_URL). Slow: about a minute per target.
"""

from __future__ import annotations

import glob
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _request(port, method, path, body=None, cookie=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    set_cookie = r.getheader("Set-Cookie") or ""
    conn.close()
    return r.status, data.decode("utf-8", "replace"), set_cookie.split(";")[0]


def client(port: int, target: str, n: int) -> None:
    """`n` counted requests for `target` (and the few they need first, the same each run)."""
    from bench import bulkload

    cookie = ""
    if target in ("lookup", "items"):
        _s, page, cookie = _request(port, "GET", "/")
        token = TOKEN.search(page).group(1)
    for i in range(n + (1 if target == "items" else 0)):
        if target in ("hello", "start", "gift"):
            status, _page, _c = _request(port, "GET", "/gift" if target == "gift" else "/")
            assert status == 200, status
        elif target == "lookup" or (target == "items" and i == 0):
            k = 1 + i * 7919 % 2000
            body = f"csrf_token={token}&number={bulkload.number(k)}&contact={bulkload.email(k)}"
            status, _page, new = _request(port, "POST", "/lookup", body, cookie)
            assert status == 302, status
            cookie = new or cookie
        else:
            status, _page, _c = _request(port, "GET", "/return/items", cookie=cookie)
            assert status == 200, status


def count(app: str, env: dict, target: str, n: int, out: str) -> int:
    from bench.run import free_port, wait_port

    for f in glob.glob(f"{out}/callgrind.out.*"):
        os.unlink(f)
    port = free_port()
    venv_bin = Path(sys.executable).parent
    server = subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            "--trace-children=yes",
            f"--callgrind-out-file={out}/callgrind.out.%p",
            str(venv_bin / "python"),
            str(venv_bin / "gunicorn"),
            "-w",
            "1",
            "--timeout",
            "900",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    wait_port(port)
    time.sleep(2)
    worker = int(
        subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()[0]
    )
    while True:  # the worker answers once it has loaded the app
        try:
            _request(port, "GET", "/healthz" if target != "hello" else "/x")
            break
        except OSError:
            time.sleep(1)
    client(port, target, n)
    server.send_signal(signal.SIGTERM)
    server.wait(600)
    text = Path(f"{out}/callgrind.out.{worker}").read_text(errors="replace")
    found = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    return int(found.group(1))


def main() -> int:
    from bench import run

    targets = (sys.argv[1] if len(sys.argv) > 1 else "hello,lookup").split(",")
    n1, n2 = (int(a) for a in sys.argv[2:4]) if len(sys.argv) > 3 else (20, 120)
    with tempfile.TemporaryDirectory() as tmp:
        db = run.Database("sqlite", tmp, None)
        run.prepare(db, tmp)
        env = run.portal_env(db, tmp, run.free_port())
        hello_env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for target in targets:
            app, e = ("bench.hello_app:app", hello_env) if target == "hello" else ("wsgi:app", env)
            a = count(app, e, target, n1, tmp)
            b = count(app, e, target, n2, tmp)
            per = (b - a) / (n2 - n1) / 1e6
            print(f"{target:<8} {per:8.3f} M instructions per request", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
