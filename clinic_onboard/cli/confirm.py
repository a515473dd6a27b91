"""``confirm-clinic``: the operator confirms a new sign-up where no email can be sent.

A signed-up clinic invites nobody until its owner's email is confirmed. With MAIL_SERVER set,
the owner confirms by the emailed link; without it, the person who runs the site checks who
asked (by phone, in person) and runs this. Like ``send-reminders`` it needs the app, so
``cli.py`` imports it directly.
"""

import click
from flask.cli import with_appcontext

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic
from clinic_onboard.operations import clinic_confirmation
from clinic_onboard.queries.accounts import managed_clinics


@click.command("confirm-clinic")
@click.option("--clinic-id", type=int, help="The clinic's number (its manager sees it).")
@click.option("--email", help="Confirm every clinic that this person manages.")
@with_appcontext
def confirm_clinic_command(clinic_id: int | None, email: str | None) -> None:
    """Confirm a signed-up clinic's email, so its managers may invite people."""
    if (clinic_id is None) == (email is None):
        raise click.UsageError("Give either --clinic-id or --email.")
    clinics = _by_id(clinic_id) if clinic_id is not None else _by_email(email or "")
    for clinic in clinics:
        if clinic_confirmation.confirm(clinic, None, by_operator=True):
            click.echo(f"Confirmed clinic {clinic.id} ({clinic.name}): it may invite people now.")
        else:
            click.echo(f"Clinic {clinic.id} ({clinic.name}) was already confirmed.")
    db.session.commit()


def _by_id(clinic_id: int) -> list[Clinic]:
    clinic = db.session.get(Clinic, clinic_id)
    if clinic is None:
        raise click.BadParameter(f"no clinic has id {clinic_id}", param_hint="--clinic-id")
    return [clinic]


def _by_email(email: str) -> list[Clinic]:
    clinics = managed_clinics(email)
    if not clinics:
        problem = f"nobody with email {email} manages a clinic"
        raise click.BadParameter(problem, param_hint="--email")
    return clinics
