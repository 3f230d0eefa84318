"""`flask training ...`: the same services as the training pages."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.extensions import db
from lms.training.services import refreshers

training_cli = AppGroup("training", help="Classroom sessions and monthly refreshers.")


@training_cli.command("remind")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if it were this day (YYYY-MM-DD); by default the centre's today.",
)
def remind_command(today: datetime | None) -> None:
    """Send the refresher reminders owed today: new, due soon, overdue. Each is sent once,
    so running it again (or twice a day) sends nothing more."""
    sent = refreshers.send_reminders(today.date() if today else None)
    db.session.commit()
    for reminder in sent:
        click.echo(
            f"{reminder.kind}\t{reminder.employee_no}\t{reminder.title}\t"
            f"{reminder.due_on.isoformat()}"
        )
    click.echo(_("%(count)d reminders sent.", count=len(sent)))
