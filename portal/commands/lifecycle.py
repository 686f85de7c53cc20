"""`flask --app wsgi lifecycle doc`: docs/lifecycle.md, generated from portal.lifecycle."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal import lifecycle

lifecycle_cli = AppGroup("lifecycle", help="The return lifecycle's tables.")
DOC = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"

INTRO = """# The return lifecycle

Generated from `portal/lifecycle/` by `flask --app wsgi lifecycle doc`; do not edit by
hand (a test fails when this page and the table disagree). Each machine's events name the
states they may start from, where they lead (*stays*: the step is allowed there and
changes no state) and who may trigger them. Every status column has a CHECK constraint
with exactly these states. `apply` is the only code that assigns a status; a step the
table does not allow raises `IllegalTransition` and changes nothing.
"""


def _state(name: str | None) -> str:
    return "[*]" if name is None else name


def render() -> str:
    parts = [INTRO]
    for machine in lifecycle.MACHINES:
        parts.append(f"\n## {machine.name.capitalize()} (`{machine.column}`)\n")
        parts.append(f"States: {', '.join(f'`{s}`' for s in machine.states)}.\n")
        parts.append("\n```mermaid\nstateDiagram-v2\n")
        for event in machine.events.values():
            if event.target is None:  # steps that keep the state are in the table only
                continue
            for source in event.sources:
                parts.append(f"    {_state(source)} --> {_state(event.target)}: {event.name}\n")
        parts.append("```\n\n")
        parts.append("| event | from | to | who | audit action | what it means |\n")
        parts.append("| --- | --- | --- | --- | --- | --- |\n")
        for e in machine.events.values():
            sources = ", ".join("new" if s is None else s for s in e.sources)
            who = ", ".join(sorted(e.actors))
            target = e.target or "stays"
            parts.append(
                f"| `{e.name}` | {sources} | {target} | {who} | {e.action or '—'} | {e.doc} |\n"
            )
    parts.append("\n## Groups of return states\n\n| group | states |\n| --- | --- |\n")
    for name, states in lifecycle.GROUPS.items():
        parts.append(f"| `{name}` | {', '.join(states)} |\n")
    parts.append("\n## Groups of refund states\n\n| group | states |\n| --- | --- |\n")
    for name, states in lifecycle.REFUND_GROUPS.items():
        parts.append(f"| `{name}` | {', '.join(states)} |\n")
    return "".join(parts)


@lifecycle_cli.command("doc")
@click.option("--check", is_flag=True, help="Exit 1 if docs/lifecycle.md is out of date.")
def doc(check: bool) -> None:
    """Write docs/lifecycle.md from the transition table."""
    text = render()
    if check:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            raise click.ClickException("docs/lifecycle.md is out of date")
        click.echo("docs/lifecycle.md is up to date")
        return
    DOC.write_text(text, encoding="utf-8")
    click.echo(f"wrote {DOC}")
