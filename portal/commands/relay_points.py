"""`flask relay-points import FILE --network NAME [--partial]`: load a network's list."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.services.relay_points import import_relay_points

relay_points_cli = AppGroup("relay-points", help="Relay points of the drop-off networks.")


@relay_points_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--network", required=True, help='Network name, e.g. "Mondial Relay".')
@click.option(
    "--partial",
    is_flag=True,
    help="Only create and update; do not deactivate the points missing from FILE.",
)
def import_command(file: Path, network: str, partial: bool) -> None:
    """Import FILE, a UTF-8 CSV with the header
    id,name,address,postcode,city,country,latitude,longitude,opening_hours.

    Points are matched on (network, id). A full import (the default) deactivates the
    network's points missing from FILE. Rejected rows are listed; the rest is saved.
    """
    try:
        with file.open(encoding="utf-8", newline="") as stream:
            report = import_relay_points(stream, network, full=not partial)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc}") from None
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    click.echo(
        f"created {report.created}, updated {report.updated}, "
        f"deactivated {report.deactivated}, rejected {len(report.rejected)}"
    )
    if report.deactivation_skipped:
        click.echo("warning: no valid row in a full import; no point was deactivated", err=True)
    for line_no, reason in report.rejected:
        click.echo(f"line {line_no}: {reason}")
