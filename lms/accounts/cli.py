"""`flask users ...`: the same services the admin pages use."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.accounts import services, user_import
from lms.accounts.errors import FieldErrors, ImportRejected
from lms.accounts.models import Role
from lms.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--initial-password", help="Password everyone in the file starts with (generated if omitted)."
)
def import_command(file: Path, initial_password: str | None) -> None:
    """Create the people in FILE (CSV or XLSX); all or nothing."""
    try:
        summary = user_import.import_users(
            str(file), file.read_bytes(), initial_password=initial_password
        )
    except ImportRejected as rejected:
        db.session.rollback()
        for problem in rejected.problems:
            click.echo(problem, err=True)
        click.echo(_("%(file)s: rejected; no user was added.", file=str(file)), err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(
        _(
            "%(file)s: created %(users)d users and %(departments)d departments.",
            file=str(file),
            users=summary.users_created,
            departments=summary.departments_created,
        )
    )
    if not initial_password:
        click.echo(
            _(
                "Initial password (each must change it at first sign-in): %(password)s",
                password=summary.initial_password,
            )
        )


@users_cli.command("create-admin")
@click.argument("employee_no")
@click.argument("name")
@click.password_option(help="The admin's password.")
def create_admin_command(employee_no: str, name: str, password: str) -> None:
    """Create an administrator (for a new installation without demo data)."""
    try:
        user, _password = services.create_user(
            services.UserDetails(employee_no=employee_no, name=name, roles={Role.ADMIN}), password
        )
    except FieldErrors as error:
        db.session.rollback()
        for field, message in error.pairs:
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    user.must_change_password = False
    db.session.commit()
    click.echo(_("Created administrator %(no)s.", no=user.employee_no))
