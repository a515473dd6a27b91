"""The ``clinic-onboard`` command: Flask's commands (run, db, shell) plus the project's own."""

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from clinic_onboard.cli.anchor_report import RECORDS, report_anchors
from clinic_onboard.cli.backup import export_command, import_command
from clinic_onboard.cli.catalog import catalog_group, plan_command
from clinic_onboard.cli.confirm import confirm_clinic_command
from clinic_onboard.cli.demo import DEMO_CLINIC, DEMO_PEOPLE, demo_present, seed_demo
from clinic_onboard.cli.logs import verify_logs_command
from clinic_onboard.cli.pdf import pdf_group
from clinic_onboard.cli.plan_cache import plan_cache_command
from clinic_onboard.cli.plan_verdicts import verify_plan_verdicts_command
from clinic_onboard.cli.reminders import send_reminders_command
from clinic_onboard.cli.serve import checked_run_command, cli_app
from clinic_onboard.cli.task_states import verify_task_states_command
from clinic_onboard.cli.uploads import move_uploads_command
from clinic_onboard.cli.worker import worker_command
from clinic_onboard.extensions import db
from clinic_onboard.local_time import local
from clinic_onboard.models import Clinic, Onboarding
from clinic_onboard.operations import record
from clinic_onboard.operations.issued_records import issue_record
from clinic_onboard.pdf import Document, completed_record, compliance_summary
from clinic_onboard.pdf.render import render
from clinic_onboard.queries import pdf_inputs
from clinic_onboard.queries.record import describe, verify_chains
from clinic_onboard.record.keys import KEY_ID, new_key_entry
from clinic_onboard.services import anchor_log

cli = FlaskGroup(
    create_app=cli_app,
    help="Onboarding plans and duty checklists for Canadian outpatient clinics.",
)
cli.add_command(checked_run_command(), "run")
cli.add_command(catalog_group)
cli.add_command(plan_command)
cli.add_command(pdf_group)
cli.add_command(export_command)
cli.add_command(import_command)
cli.add_command(send_reminders_command)
cli.add_command(confirm_clinic_command)
cli.add_command(verify_logs_command)
cli.add_command(move_uploads_command)
cli.add_command(verify_task_states_command)
cli.add_command(worker_command)
cli.add_command(plan_cache_command)
cli.add_command(verify_plan_verdicts_command)


@cli.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo clinic into an empty database and print its logins."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("The demo clinic is never loaded in production.")
    if seed_demo():
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
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="Records read at a time; how far the check got is printed after each batch.",
)
@with_appcontext
def verify_signoffs_command(batch: int) -> None:
    """Check every onboarding record's signed chain and what it attests, and every chain
    against the anchor log; exit 1 naming each record that fails and why, and each anchor the
    database contradicts."""
    checked = failing = 0
    for report in verify_chains(batch):
        checked += 1
        failing += not report.ok
        if checked % batch == 0:
            click.echo(f"Records checked so far: {checked} ({failing} failing).", err=True)
        for finding in report.findings:
            click.echo(f"Onboarding {report.onboarding_id}: {describe(finding)}.", err=True)
    failures = [f"{failing} of {checked} records fail verification."] if failing else []
    failures += report_anchors(anchor_log.check_anchor_log(), RECORDS)
    if failures:
        raise click.ClickException(" ".join(failures))
    click.echo(f"All {checked} onboarding records verify.")


@cli.command("anchor-records")
@with_appcontext
def anchor_records_command() -> None:
    """Append the current head of every onboarding record and clinic log to
    RECORD_ANCHOR_LOG (after an upgrade, or as the operator's own copy). Run verify-signoffs
    and verify-logs first: anchoring never lowers an anchor, but it vouches for a head no
    anchor has covered yet."""
    try:
        records, logs = anchor_log.anchor_records(), anchor_log.anchor_logs()
    except OSError as error:
        raise click.ClickException(f"Could not write the anchor log: {error}") from None
    where = current_app.config["RECORD_ANCHOR_LOG"]
    click.echo(f"Anchored {records} onboarding records and {logs} clinic logs in {where}.")


@cli.command("reseal-records")
@with_appcontext
def reseal_records_command() -> None:
    """Sign the records kept before entries were signed with a key, once their old hash
    chains are checked; a record whose old chain is broken is left as it was and named."""
    resealed = refused = 0
    for outcome in record.reseal_records():
        if outcome.refused is None:
            resealed += 1
            continue
        refused += 1
        reason = describe(outcome.refused)
        click.echo(f"Onboarding {outcome.onboarding_id}: not resealed, {reason}.", err=True)
    db.session.commit()
    click.echo(f"Records resealed: {resealed}.")
    if refused:
        raise click.ClickException(f"Records not resealed, their old chains broken: {refused}.")


_lang_option = click.option(
    "--lang",
    type=click.Choice(("en", "fr")),
    default=None,
    help="Language of the labels: en or fr (default: the clinic's language).",
)


@pdf_group.command("record")
@click.argument("onboarding_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the app is served; the QR code leads to its public verification page.",
)
@_lang_option
@with_appcontext
def pdf_record_command(onboarding_id: int, output: Path, base_url: str, lang: str | None) -> None:
    """Write one hire's onboarding record, and remember it as issued so it verifies."""
    onboarding = db.session.get(Onboarding, onboarding_id)
    if onboarding is None:
        raise click.BadParameter(
            f"no onboarding has id {onboarding_id}", param_hint="ONBOARDING_ID"
        )
    verify_url = f"{base_url.rstrip('/')}/verify"
    now = datetime.now(UTC)
    data = pdf_inputs.record_input(onboarding, verify_url, now, lang)
    body = _write(output, completed_record(data))
    issue_record(onboarding, body, now, None)
    db.session.commit()


@pdf_group.command("summary")
@click.argument("clinic_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_lang_option
@with_appcontext
def pdf_summary_command(clinic_id: int, output: Path, lang: str | None) -> None:
    """Write a clinic's compliance summary: staff by module, and credentials expiring soon."""
    clinic = db.session.get(Clinic, clinic_id)
    if clinic is None:
        raise click.BadParameter(f"no clinic has id {clinic_id}", param_hint="CLINIC_ID")
    data = pdf_inputs.summary_input(clinic, local(datetime.now(UTC), clinic.time_zone), lang)
    _write(output, compliance_summary(data))


def _write(output: Path, document: Document) -> bytes:
    """Render in full before opening the file, so a failure never leaves half a PDF."""
    body = render(document)
    output.write_bytes(body)
    click.echo(f"Wrote {output}")
    return body


@cli.command("new-record-key", with_appcontext=False)
@click.argument("key_id")
def new_record_key_command(key_id: str) -> None:
    """Print a new RECORD_KEYS entry named KEY_ID (keep it secret, and keep the old ones)."""
    if not KEY_ID.fullmatch(key_id):
        raise click.BadParameter("use letters, digits, - or _ (at most 32)", param_hint="KEY_ID")
    click.echo(new_key_entry(key_id))
