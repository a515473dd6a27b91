"""``clinic-onboard verify-logs``: the sibling of verify-signoffs for the clinic logs' chains
and their anchors (one anchored head per log unit, in the record's anchor log)."""

import click
from flask.cli import with_appcontext

from clinic_onboard.cli.anchor_report import LOGS, report_anchors
from clinic_onboard.extensions import record_keys
from clinic_onboard.queries.daily import verify_logs
from clinic_onboard.queries.record import describe
from clinic_onboard.services import anchor_log


@click.command("verify-logs")
@with_appcontext
def verify_logs_command() -> None:
    """Check every clinic log's signed chain (fridge readings, sterilizer cycles, ...) and its
    anchor; exit 1 naming each log whose chain breaks and where, and each anchor the database
    contradicts (its last entries deleted, its anchored entry rewritten, the log deleted)."""
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
    failures = [f"{failing} of {checked} clinic logs fail verification."] if failing else []
    failures += report_anchors(anchor_log.check_log_anchors(), LOGS)
    if failures:
        raise click.ClickException(" ".join(failures))
    click.echo(f"All {checked} clinic logs verify.")
