# ruff: noqa: E501  (Markdown tables are long lines)
"""bench/REPORT.md from the figures bench/run.py measured (bench/report.json)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGETS = """\
Targets (issue 16), judged on the figures below:

| figure | target |
| --- | --- |
| lookup CPU per request ÷ hello world's | ≤ 2.5× |
| lookup at 1M orders ÷ at 10k (p50 and CPU per request) | ≤ 1.2×, on both databases |
| customer pages p95 at 50 concurrent clients | < 100 ms, zero errors |
| returns created end to end, 50 concurrent customers | ≥ 50 /s (aim 100) |
| outbox, one worker | ≥ 200 mails/s; two workers scale; never a duplicate |
| status page and label download | the PDF read only when downloaded |
"""


def _ms(value) -> str:
    return "–" if value is None else f"{value:g}"


def _ratio(a, b) -> str:
    return f"{a / b:.1f}×" if a and b else "–"


def _pages(part: dict) -> list[str]:
    rows = part["pages"]
    out = [
        "| page | req/s | p50 ms | p95 ms | p99 ms | errors | CPU ms/req | × hello CPU | hello req/s (its A round) | setup errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for hello, page in zip(rows[::2], rows[1::2], strict=False):
        out.append(
            f"| {page['name']} | {page['rps']} | {_ms(page['p50'])} | {_ms(page['p95'])} | "
            f"{_ms(page['p99'])} | {page['errors']} | {_ms(page['cpu_ms_per_request'])} | "
            f"{_ratio(page['cpu_ms_per_request'], hello['cpu_ms_per_request'])} | {hello['rps']} | "
            f"{page.get('setup_failures', '–')} |"
        )
    hello_cpu = [h["cpu_ms_per_request"] for h in rows[::2] if h["cpu_ms_per_request"]]
    if hello_cpu:
        out.append("")
        out.append(
            f"Hello world: {min(hello_cpu):g}–{max(hello_cpu):g} ms CPU per request over its "
            f"{len(hello_cpu)} rounds."
        )
    return out


def _journeys(part: dict) -> list[str]:
    out = [
        "| round | returns created /s (confirms) | journeys finished /s | end-to-end p50 / p95 ms | HTTP req/s | HTTP p95 ms | errors | CPU ms per request | CPU ms per return (× 9 requests) | load avg |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in part["journeys"]:
        if r["name"] == "hello world":
            out.append(
                f"| hello world (A round) | – | – | – | {r['rps']} | {_ms(r['p95'])} | {r['errors']} | {_ms(r['cpu_ms_per_request'])} | – | {r['load_average']} |"
            )
            continue
        flow = (r.get("flows") or {}).get("return created end to end") or {}
        confirms = r["by_name"].get("POST /return/confirm", {})
        made = confirms.get("requests", 0) - confirms.get("failures", 0)
        per_return = r["cpu_ms_per_request"] * 9 if r["cpu_ms_per_request"] else None
        out.append(
            f"| {r['name']} | {round(made / r['round_seconds'], 1) if r.get('round_seconds') else '–'} | "
            f"{flow.get('per_second', 0)} | {_ms(flow.get('p50'))} / {_ms(flow.get('p95'))} | "
            f"{r['rps']} | {_ms(r['p95'])} | {r['errors'] + flow.get('failures', 0)} | "
            f"{_ms(r['cpu_ms_per_request'])} | {_ms(per_return and round(per_return, 1))} | {r['load_average']} |"
        )
    steps = [
        (n, s)
        for r in part["journeys"][:1]
        for n, s in r["by_name"].items()
        if s["type"] != "FLOW" and n != "Aggregated"
    ]
    if steps:
        out += [
            "",
            "Steps of round A:",
            "",
            "| step | requests | p50 ms | p95 ms | p99 ms | failures |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        out += [
            f"| {n} | {s['requests']} | {_ms(s['p50'])} | {_ms(s['p95'])} | {_ms(s['p99'])} | {s['failures']} |"
            for n, s in steps
        ]
    return out


def _outbox(part: dict) -> list[str]:
    out = [
        "| workers | queued | delivered | duplicates | mails/s (from the workers' start) | mails/s (first to last mail) | CPU ms per mail (workers, start-up included) | the mailbox's CPU ms per mail | delay event → mailbox p50 / p95 / max s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key in ("outbox_1", "outbox_2"):
        o = part.get(key)
        if o:
            out.append(
                f"| {o['workers']} | {o['queued']} | {o['delivered']} | {o['duplicates']} | "
                f"{_ms(o['mails_per_s'])} | {_ms(o.get('mails_per_s_first_to_last'))} | {_ms(o['cpu_ms_per_mail'])} | "
                f"{_ms(o.get('sink_cpu_ms_per_mail'))} | "
                f"{_ms(o['delay_p50_s'])} / {_ms(o['delay_p95_s'])} / {_ms(o['delay_max_s'])} |"
            )
    return out


def _staff(part: dict) -> list[str]:
    hello, r = part["staff"]
    flow = (r.get("flows") or {}).get("scan → receive", {})
    return [
        "| what | per second | p50 / p95 ms | HTTP req/s | errors | CPU ms |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| scan → receive (4 staff) | {flow.get('per_second', '–')} | {_ms(flow.get('p50'))} / {_ms(flow.get('p95'))} | {r['rps']} | {r['errors'] + flow.get('failures', 0)} | {_ms(flow.get('cpu_ms_per_flow'))} per parcel |",
        f"| hello world (A round, 4 clients) | – | – | {hello['rps']} | {hello['errors']} | {_ms(hello['cpu_ms_per_request'])} per req |",
    ]


def _scale(part: dict) -> list[str]:
    out = [
        "| orders | lookup req/s | lookup p50 / p95 ms | lookup CPU ms/req | gift lookup p50 / p95 ms | gift CPU ms/req | staff queues p50 / p95 ms | queues CPU ms/req | hello CPU ms/req |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in part["scale"]:
        lk, g, q, h = p["lookup"], p["gift"], p["queues"], p["hello"]
        out.append(
            f"| {p['orders']:,} | {lk['rps']} | {_ms(lk['p50'])} / {_ms(lk['p95'])} | {_ms(lk['cpu_ms_per_request'])} | "
            f"{_ms(g['p50'])} / {_ms(g['p95'])} | {_ms(g['cpu_ms_per_request'])} | "
            f"{_ms(q['p50'])} / {_ms(q['p95'])} | {_ms(q['cpu_ms_per_request'])} | {_ms(h['cpu_ms_per_request'])} |"
        )
    for name, plan in (part["scale"][-1].get("plans") or {}).items():
        out += [
            "",
            f"Plan of the {name} lookup at {part['scale'][-1]['orders']:,} orders: `{plan}`",
        ]
    first, last = part["scale"][0], part["scale"][-1]
    a, b = first["lookup"]["cpu_ms_per_request"], last["lookup"]["cpu_ms_per_request"]
    if a and b:
        out += [
            "",
            f"Lookup CPU per request, {last['orders']:,} ÷ {first['orders']:,} orders: {b / a:.2f}×.",
        ]
    return out


def render(report: dict) -> str:
    lines = [
        "# Benchmark report",
        "",
        f"Written by `make bench` (`bench/run.py`) on {report['started']}"
        f"{' (BENCH_QUICK: tiny sizes, short rounds)' if report.get('quick') else ''}; "
        f"raw figures in `bench/report.json`. {report['cpus']} CPUs, shared with other "
        f"jobs: load average {report['load_average_before']} before, "
        f"{report.get('load_average_after', '?')} after; {report.get('seconds', '?')} s in all.",
        "",
        "How it was measured: gunicorn, 2 sync workers, `wsgi:app` with the production "
        "settings (CSRF on, rate limits on Redis, `DELIVER_MAIL_AFTER_REQUEST=0`, SMTP to a "
        "local SMTP sink, `bench/smtp_sink.py`), against a separate hello-world Flask app on 2 more gunicorn workers, "
        "in the same run; locust (headless, FastHttpUser) on the same machine, hello-world "
        "and portal rounds interleaved. Only the per-address lookup limit is raised (every "
        "simulated customer comes from 127.0.0.1); the per-order-number lookup limit and the "
        "login limit run as configured, each customer using its own order. CPU per request is "
        "the CPU time of the two gunicorn workers plus the PostgreSQL backends serving them "
        "(from /proc), divided by the requests answered: it moves far less with the "
        f"machine's load than req/s does. Rounds of {report['round_seconds']} s.",
        "",
        TARGETS,
    ]
    for kind, part in report["databases"].items():
        lines += [f"## {kind}", "", "### Customer pages (50 concurrent clients)", ""]
        lines += [
            "Each client first does what its page needs (a return made for the status page and "
            "the label, an order looked up for the items, items chosen for the drop-off page…); "
            "the page's own requests are counted from the end of that setup, CPU included. "
            "`label`: the outbox worker ran during the setup, as in production, so the label "
            "downloaded is the one it drew; `label (drawn on download)`: no worker, every "
            "download draws the label (nothing is stored by a GET). Setup errors: a request "
            "of the setup that failed, or a client not ready in time (it stops, uncounted).",
            "",
        ]
        lines += _pages(part)
        lines += ["", "### Returns created end to end (50 concurrent customers)", ""]
        lines += [
            "Each return: GET /, POST /lookup, GET+POST items, GET+POST relay, GET review, POST confirm, GET status (9 requests).",
            "",
        ]
        lines += _journeys(part)
        lines += [
            "",
            "### Outbox (through `flask outbox deliver --loop`, to the local SMTP sink, `bench/smtp_sink.py`)",
            "",
        ]
        lines += [
            "The mails the journeys queued (the workers were stopped meanwhile), delivered by 1, then 2 workers. The delay is from the row's creation to its arrival in the mailbox, so it includes the time the backlog waited.",
            "",
        ]
        lines += _outbox(part)
        lines += ["", "### Staff", ""]
        lines += _staff(part)
        lines += [
            "",
            "### Lookups and staff queues as the orders grow (bulk-loaded, `bench/bulkload.py`)",
            "",
        ]
        lines += _scale(part)
        rss = part.get("rss_kb", {})
        lines += [
            "",
            f"RSS per worker after the run: portal {', '.join(f'{k // 1024} MB' for k in rss.get('portal', []))}; "
            f"hello world {', '.join(f'{k // 1024} MB' for k in rss.get('hello', []))}.",
            "",
        ]
    lab = report.get("labels")
    if lab:
        lines += [
            "## Label PDF and gift receipt against a blank page (`bench/bench_label.py`)",
            "",
            "```",
            lab["output"],
            "```",
            "",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    print(render(data))
