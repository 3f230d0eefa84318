"""`flask kpis import FILE`: the same service the import page uses."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.career.services import kpis
from lms.errors import ImportRejected
from lms.extensions import db

kpis_cli = AppGroup("kpis", help="Monthly KPI figures of agents.")


@kpis_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and count, but write nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import the KPI figures in FILE (CSV or XLSX); all or nothing."""
    try:
        report = kpis.import_kpis(str(file), file.read_bytes(), None, dry_run=dry_run)
    except ImportRejected as rejected:
        db.session.rollback()
        for problem in rejected.problems:
            click.echo(problem, err=True)
        click.echo(_("%(file)s: rejected; nothing was imported.", file=str(file)), err=True)
        raise SystemExit(1) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    months = ", ".join(month.strftime("%Y-%m") for month in report.months)
    if report.already_imported:
        click.echo(_("%(file)s: already imported; nothing new.", file=str(file)))
        return
    message = _(
        "%(file)s: %(rows)d rows, %(agents)d agents, months %(months)s: "
        "%(written)d figures written, %(replaced)d replaced, %(removed)d removed.",
        file=str(file),
        rows=report.rows,
        agents=report.agents,
        months=months,
        written=report.values_written,
        replaced=report.values_replaced,
        removed=report.values_removed,
    )
    click.echo(
        message if not dry_run else _("Dry run, nothing written: %(report)s", report=message)
    )
