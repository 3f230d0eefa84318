"""`flask content sync`: load content/ through the same services the pages use."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.career import services as career
from lms.courses import services
from lms.exams import services as exams
from lms.extensions import db

content_cli = AppGroup("content", help="Load the course content from files.")


@content_cli.command("sync")
@click.option(
    "--path",
    "path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The content folder (default: content/ beside the app).",
)
def sync_command(path: Path | None) -> None:
    """Load content/ idempotently; a malformed course is reported and left as it was."""
    root = path or Path(current_app.root_path).parent / "content"
    report = services.sync_content(root)
    bank = exams.sync_question_bank(root / "questions")
    papers = exams.sync_exams(root / "exams")
    ladder = career.sync_career(root / "career")
    db.session.commit()
    for label, slugs in (
        (_("created"), report.created),
        (_("updated"), report.updated),
        (_("retired"), report.retired),
    ):
        for slug in slugs:
            click.echo(f"{slug}: {label}")
    if bank.changed:
        click.echo(
            _(
                "question bank: %(created)d created, %(updated)d updated, %(retired)d retired",
                created=bank.created,
                updated=bank.updated,
                retired=bank.retired,
            )
        )
    for label, slugs in ((_("created"), papers.created), (_("updated"), papers.updated)):
        for slug in slugs:
            click.echo(f"{slug}: {label}")
    for item in ladder.created + ladder.new_versions + ladder.updated:
        click.echo(f"{item}: {_('loaded')}")
    for problem in ladder.problems:
        click.echo(problem, err=True)
    if not (report.changed or bank.changed or papers.changed or ladder.changed):
        click.echo(
            _(
                "Nothing changed (%(count)d courses and %(questions)d questions up to date).",
                count=len(report.unchanged),
                questions=bank.unchanged,
            )
        )
    problems = report.problems + bank.problems + papers.problems
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
