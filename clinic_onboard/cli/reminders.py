"""``send-reminders``: one digest email per person with what concerns them, for cron or a timer.

Unlike the library commands this needs the app (database, mail settings), so ``cli.py`` imports
it directly. The run commits twice: the claims before sending (so an overlapping run skips
them), then what the SMTP server accepted.
"""

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from clinic_onboard.extensions import db
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import reminders
from clinic_onboard.operations.reminders import LinkUrl, Outcome
from clinic_onboard.reminders import RunPlan, lines, subject
from clinic_onboard.services import mail


@click.command("send-reminders")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The day to remind for (default: today).",
)
@click.option("--dry-run", is_flag=True, help="Print who would get what; send and record nothing.")
@click.option(
    "--base-url",
    metavar="URL",
    help="Where the app is served, for the links in the emails (default: PUBLIC_BASE_URL).",
)
@with_appcontext
def send_reminders_command(today: datetime | None, dry_run: bool, base_url: str | None) -> None:
    """Email each person a digest of their overdue and coming items, sign-offs and expiring
    credentials; what was already sent is not sent again."""
    day = today.date() if today else date.today()
    if dry_run:
        _show(reminders.plan_run(day), day)
        return
    link_url = _link_url(base_url)
    reminders.release_stale_claims(utcnow())
    plan = reminders.plan_run(day)
    claims = reminders.claim(plan, day, utcnow())
    db.session.commit()
    outcomes: list[Outcome] = []
    try:
        outcomes.extend(reminders.deliver(claims, day, link_url))
    finally:
        # Even when stopped half-way, stamp what went out so it is never sent again.
        reminders.confirm(outcomes, utcnow())
        db.session.commit()
    _report(plan, outcomes)


def _link_url(base_url: str | None) -> LinkUrl:
    """Refuse to start, sending and recording nothing, without mail settings or a base URL."""
    if not mail.mail_configured():
        raise click.ClickException(
            "MAIL_SERVER is not set, so no reminders were sent. Set MAIL_SERVER (and MAIL_PORT, "
            "MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD, MAIL_SENDER as needed)."
        )
    base = base_url or current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        raise click.ClickException(
            "Set PUBLIC_BASE_URL (or pass --base-url) to where the app is served, so the "
            "reminders can link to it. No reminders were sent."
        )
    try:
        return reminders.link_builder(base)
    except ValueError as error:
        raise click.ClickException(f"--base-url/PUBLIC_BASE_URL: {error}.") from None


def _show(plan: RunPlan, day: date) -> None:
    for digest in plan.digests:
        click.echo(f"To {digest.person.name} <{digest.person.email}>: {subject(digest)}")
        for line in lines(digest, day):
            click.echo(f"  - {line.summary()}")
    click.echo(
        f"Dry run for {day.isoformat()}: {len(plan.digests)} digests ({plan.items} items) "
        f"would be sent; {_skipped(plan)}. Nothing was sent or recorded."
    )


def _report(plan: RunPlan, outcomes: list[Outcome]) -> None:
    """Print the summary; exit 1 naming each failure (they are retried on the next run)."""
    failed = [o for o in outcomes if o.error]
    sent = [o for o in outcomes if not o.error]
    items = sum(len(o.claim.digest.items) for o in sent)
    taken = len(plan.digests) - len(outcomes)
    click.echo(f"Sent {len(sent)} digests ({items} items); {_skipped(plan)}.")
    if taken:
        click.echo(f"{taken} digests were already being sent by another run.")
    for outcome in failed:
        click.echo(f"Failed: {outcome.claim.digest.person.email}: {outcome.error}", err=True)
    if failed:
        raise click.ClickException(
            f"{len(failed)} of {len(outcomes)} digests could not be sent; "
            "they will be tried again on the next run."
        )


def _skipped(plan: RunPlan) -> str:
    """Who had news but is not sent it: by their choice, or not yet by their rhythm."""
    return (
        f"not sent: {len(plan.opted_out)} with digests off, "
        f"{len(plan.not_yet)} waiting for their next daily or weekly digest"
    )
