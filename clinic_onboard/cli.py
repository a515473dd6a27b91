"""The ``clinic-onboard`` command: Flask's commands (run, db, shell) plus the project's own."""

from datetime import date

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from clinic_onboard.app import create_app
from clinic_onboard.commands.catalog import catalog_group, plan_command
from clinic_onboard.commands.pdf import pdf_group
from clinic_onboard.demo import DEMO_CLINIC, DEMO_PEOPLE, demo_present, seed_demo
from clinic_onboard.extensions import db
from clinic_onboard.operations import record

cli = FlaskGroup(
    create_app=lambda: create_app(),
    help="Onboarding plans and duty checklists for Canadian outpatient clinics.",
)
cli.add_command(catalog_group)
cli.add_command(plan_command)
cli.add_command(pdf_group)


@cli.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo clinic into an empty database and print its logins."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("The demo clinic is never loaded in production.")
    if seed_demo(date.today()):
        db.session.commit()
        click.echo(f"Loaded the demo clinic: {DEMO_CLINIC.name}.")
    elif not demo_present():
        click.echo("The database already has its own accounts; the demo clinic was not loaded.")
        return
    click.echo("Demo logins (for trying the app on your own machine):")
    for person in DEMO_PEOPLE:
        click.echo(f"  {person.role.value:<10}  {person.email:<36}  {person.password}")


def main() -> None:
    cli()


@cli.command("verify-signoffs")
@with_appcontext
def verify_signoffs_command() -> None:
    """Check every onboarding record's hash chain; exit 1 naming the first broken link."""
    checked = broken = 0
    for report in record.verify_chains():
        checked += 1
        if report.broken is not None:
            broken += 1
            click.echo(
                f"Onboarding {report.onboarding_id}: event {report.broken.seq} "
                f"{report.broken.reason}.",
                err=True,
            )
    if broken:
        raise click.ClickException(f"{broken} of {checked} records fail verification.")
    click.echo(f"All {checked} onboarding records verify.")
