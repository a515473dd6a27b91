"""``send-reminders``: one digest email per person with what concerns them, for cron or a timer.

Unlike the library commands this needs the app (database, mail settings), so ``cli.py`` imports
it directly. The run goes a batch of people at a time (``--batch``), printing its progress to
stderr; each batch commits twice: the claims before sending (so an overlapping run skips
them), then what the SMTP server accepted.
"""

from dataclasses import dataclass, field
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
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=reminders.PEOPLE_PER_BATCH,
    show_default=True,
    help="People planned and sent at a time (memory follows this, not the network).",
)
@with_appcontext
def send_reminders_command(
    today: datetime | None, dry_run: bool, base_url: str | None, batch: int
) -> None:
    """Email each person a digest of their overdue and coming items, sign-offs and expiring
    credentials; what was already sent is not sent again."""
    day = today.date() if today else date.today()
    link_url = None if dry_run else _link_url(base_url)
    if link_url is not None:
        reminders.release_stale_claims(utcnow())
        db.session.commit()
    tally = Tally()
    for number, plan in enumerate(reminders.plan_runs(day, batch), start=1):
        if link_url is None:
            _show(plan, day)
        else:
            _send(plan, day, link_url, tally)
        tally.add(plan)
        click.echo(f"Batch {number}: {tally.progress()}", err=True)
    if link_url is None:
        click.echo(
            f"Dry run for {day.isoformat()}: {tally.digests} digests ({tally.items} items) "
            f"would be sent; {tally.skipped()}. Nothing was sent or recorded."
        )
        return
    _report(tally)


@dataclass
class Tally:
    """The run's figures so far: counts only, so a long run holds no batch's digests."""

    digests: int = 0
    items: int = 0
    opted_out: int = 0
    not_yet: int = 0
    sent: int = 0
    sent_items: int = 0
    taken: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, plan: RunPlan) -> None:
        self.digests += len(plan.digests)
        self.items += plan.items
        self.opted_out += len(plan.opted_out)
        self.not_yet += len(plan.not_yet)

    def progress(self) -> str:
        return f"{self.digests} digests planned so far, {self.sent} sent"

    def skipped(self) -> str:
        """Who had news but is not sent it: by their choice, or not yet by their rhythm."""
        return (
            f"not sent: {self.opted_out} with digests off, "
            f"{self.not_yet} waiting for their next daily or weekly digest"
        )


def _send(plan: RunPlan, day: date, link_url: LinkUrl, tally: Tally) -> None:
    """Claim, send and stamp one batch: two commits, the claims before sending (so an
    overlapping run skips them), then what the SMTP server accepted."""
    claims = reminders.claim(plan, day, utcnow())
    db.session.commit()
    outcomes: list[Outcome] = []
    try:
        outcomes.extend(reminders.deliver(claims, day, link_url))
    finally:
        # Even when stopped half-way, stamp what went out so it is never sent again.
        reminders.confirm(outcomes, utcnow())
        db.session.commit()
    sent = [o for o in outcomes if not o.error]
    tally.sent += len(sent)
    tally.sent_items += sum(len(o.claim.digest.items) for o in sent)
    tally.taken += len(plan.digests) - len(outcomes)
    tally.failures += [f"{o.claim.digest.person.email}: {o.error}" for o in outcomes if o.error]


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


def _report(tally: Tally) -> None:
    """Print the summary; exit 1 naming each failure (they are retried on the next run)."""
    click.echo(f"Sent {tally.sent} digests ({tally.sent_items} items); {tally.skipped()}.")
    if tally.taken:
        click.echo(f"{tally.taken} digests were already being sent by another run.")
    for failure in tally.failures:
        click.echo(f"Failed: {failure}", err=True)
    if tally.failures:
        attempted = tally.sent + len(tally.failures)
        raise click.ClickException(
            f"{len(tally.failures)} of {attempted} digests could not be sent; "
            "they will be tried again on the next run."
        )
