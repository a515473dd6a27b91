"""``clinic-onboard verify-logs``: the sibling of verify-signoffs for the clinic logs' chains."""

import click
from flask.cli import with_appcontext

from clinic_onboard.extensions import record_keys
from clinic_onboard.queries.daily import verify_logs
from clinic_onboard.queries.record import describe


@click.command("verify-logs")
@with_appcontext
def verify_logs_command() -> None:
    """Check every clinic log's signed chain (fridge readings, sterilizer cycles, ...); exit 1
    naming each log whose chain breaks and where."""
    checked = failing = 0
    for report in verify_logs(record_keys()):
        checked += 1
        if report.finding is not None:
            failing += 1
            unit = report.unit
            click.echo(
                f"Clinic {unit.clinic_id}, log {unit.log_id} ({unit.name}): "
                f"{describe(report.finding)}.",
                err=True,
            )
    if failing:
        raise click.ClickException(f"{failing} of {checked} clinic logs fail verification.")
    click.echo(f"All {checked} clinic logs verify.")
