"""`flask --app wsgi inbound serve|read`: customers' replies by e-mail (docs/conversation.md)."""

from __future__ import annotations

import signal
import sys
import threading

import click
from flask import current_app
from flask.cli import AppGroup

inbound_cli = AppGroup("inbound", help="Take customers' replies by e-mail into their threads.")

EX_NOUSER, EX_DATAERR, EX_TEMPFAIL = 67, 65, 75  # sysexits.h, as MTAs read a pipe's status


@inbound_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8025, show_default=True, type=int)
@click.option("--lmtp", is_flag=True, help="Speak LMTP (an MTA's local delivery), not SMTP.")
def serve(host: str, port: int, lmtp: bool) -> None:
    """Run an SMTP (or LMTP) server that takes replies to our signed addresses."""
    from portal.conversation.inbound import controller

    app = current_app._get_current_object()  # noqa: SLF001 - the app, for the server's threads
    server = controller(app, host, port, lmtp=lmtp)
    server.start()
    click.echo(f"inbound {'LMTP' if lmtp else 'SMTP'} server on {host}:{server.port}")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_args: stop.set())
    try:
        stop.wait()
    finally:
        server.stop()


@inbound_cli.command("read")
@click.option("--recipient", "recipients", multiple=True, help="The envelope recipient.")
def read(recipients: tuple[str, ...]) -> None:
    """Take one RFC 5322 message from standard input (an MTA's pipe)."""
    from portal.conversation.inbound import take
    from portal.services.errors import InboundRefused
    from portal.web import commit_verb

    raw = sys.stdin.buffer.read(int(current_app.config["INBOUND_MAX_BYTES"]) + 1)
    try:
        message = commit_verb(take, raw, list(recipients))
    except InboundRefused as exc:
        click.echo(f"{exc.code} {exc.message}", err=True)
        sys.exit(EX_NOUSER if exc.code == 550 else EX_DATAERR)
    click.echo(f"added message {message.id} to thread {message.thread_id}")
