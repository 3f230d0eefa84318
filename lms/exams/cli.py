"""`flask questions ...`: the same services as the bank's pages."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.errors import ImportRejected
from lms.exams.formats import split_category_path
from lms.exams.forms import TYPE_LABELS
from lms.exams.services import attempts, bank, interchange
from lms.extensions import db

questions_cli = AppGroup("questions", help="Import and export the question bank.")


@questions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--category",
    "category",
    default="",
    help="Category path for questions without one, e.g. 服务规范/投诉处理.",
)
@click.option("--dry-run", is_flag=True, help="Check the file and report, writing nothing.")
def import_command(file: Path, category: str, dry_run: bool) -> None:
    """Add every question in FILE (GIFT, Moodle XML, Aiken or the Excel template), or none."""
    default = split_category_path(category)
    try:
        if dry_run:
            preview = interchange.preview_import(str(file), file.read_bytes(), default)
            count, by_type = preview.total, preview.by_type
        else:
            created = interchange.import_questions(str(file), file.read_bytes(), default, None)
            count = len(created)
            by_type = {}
            for question in created:
                by_type[question.type] = by_type.get(question.type, 0) + 1
    except ImportRejected as rejected:
        db.session.rollback()
        for problem in rejected.problems:
            click.echo(problem, err=True)
        click.echo(_("%(file)s: rejected; no question was imported.", file=str(file)), err=True)
        raise SystemExit(1) from None
    counts = ", ".join(f"{TYPE_LABELS[kind]} {n}" for kind, n in sorted(by_type.items()))
    if dry_run:
        db.session.rollback()
        click.echo(
            _(
                "%(file)s: %(count)d questions would be imported (%(counts)s); nothing written.",
                file=str(file),
                count=count,
                counts=counts,
            )
        )
        return
    db.session.commit()
    click.echo(
        _(
            "%(file)s: imported %(count)d questions (%(counts)s).",
            file=str(file),
            count=count,
            counts=counts,
        )
    )


@questions_cli.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["gift", "xml", "xlsx"]), default="gift", show_default=True
)
@click.option(
    "--category", "category", default="", help="Only this category and its subcategories."
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(fmt: str, category: str, out: Path) -> None:
    """Write the bank's questions to OUT as GIFT, Moodle XML or the Excel template."""
    chosen = None
    if category:
        path = split_category_path(category)
        chosen = next((row.category for row in bank.category_tree() if row.path == path), None)
        if chosen is None:
            click.echo(_("No category %(path)s.", path=category), err=True)
            raise SystemExit(1)
    export = interchange.export_questions(fmt, chosen)
    out.write_bytes(export.data)
    for skipped in export.skipped:
        click.echo(_("skipped: %(reason)s", reason=skipped), err=True)
    click.echo(_("%(file)s: exported %(count)d questions.", file=str(out), count=export.count))


exams_cli = AppGroup("exams", help="Run exams: finalise attempts whose time is up.")


@exams_cli.command("close-expired")
def close_expired_command() -> None:
    """Finalise and grade every attempt past its deadline and grace (run it every minute)."""
    count = attempts.close_expired()
    db.session.commit()
    click.echo(_("%(count)d expired attempts finalised.", count=count))
