"""Reminder digests and calendar feeds: load every clinic at once, decide, send, record.

A run goes through the network a batch of people at a time, each batch reading the open work
of its people's clinics in a fixed number of queries (``queries.reminders.batch_snapshot``);
the pure ``clinic_onboard.reminders`` rules decide, then, batch by batch:

1. ``claim``: insert the log rows of every digest with ``sent_at`` empty. The unique
   (person, kind, item, stage) makes a concurrent run's insert skip rows already claimed, so
   no item goes out twice; the caller commits before sending.
2. ``deliver``: send each digest over SMTP (no database work); one failure does not stop the
   others.
3. ``confirm``: stamp ``sent_at`` on what the SMTP server accepted and delete the claims of
   what failed, so the next run tries those again.

Claims left by a run that died between 1 and 3 are released after ``CLAIM_TIMEOUT``.
Like every operation these flush and never commit; ``commands.reminders`` commits.
"""

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, get_translations
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from clinic_onboard import reminders
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    ReminderSettings,
    SentReminder,
    User,
)
from clinic_onboard.models.reminder import new_feed_secret
from clinic_onboard.queries.log_board import yesterday_gaps
from clinic_onboard.queries.reminders import LinkUrl, batch_snapshot, people_batches
from clinic_onboard.reminders import Digest, Frequency, Link, RunPlan
from clinic_onboard.services import mail
from clinic_onboard.services.i18n import LOCALES
from clinic_onboard.services.library import catalog

CLAIM_TIMEOUT = timedelta(hours=6)
PEOPLE_PER_BATCH = 500
UNIQUE = ("user_id", "kind", "item_key", "stage")
SUMMARY_MAX = SentReminder.summary.type.length


# Deciding -------------------------------------------------------------------------------------


def plan_runs(today: date, batch: int = PEOPLE_PER_BATCH) -> Iterator[RunPlan]:
    """Who gets which digest today, ``batch`` people at a time: each plan reads only the
    clinics of its people, in a fixed number of queries, so a run's memory does not grow
    with the network. A person is in one batch only, so still gets one digest. Managers also
    hear of each clinic log not recorded on the clinic's previous day (found once per run)."""
    gaps = yesterday_gaps(catalog())
    for people in people_batches(batch):
        snapshot = replace(batch_snapshot(people), log_gaps=gaps)
        items = reminders.reminder_items(snapshot, today)
        told, last = _already_sent(today, people), _last_sent(people)
        yield reminders.plan_digests(snapshot.people, items, told, last, today)


def _already_sent(today: date, people: Sequence[int]) -> set[tuple[int, str, str, str]]:
    """Items told recently enough that their stage may still be current (older stages cannot
    come back: each holds for at most ``STAGE_LIFETIME_DAYS``); claims count as told."""
    since = today - timedelta(days=reminders.STAGE_LIFETIME_DAYS)
    rows = db.session.execute(
        select(
            SentReminder.user_id, SentReminder.kind, SentReminder.item_key, SentReminder.stage
        ).where(SentReminder.sent_on >= since, SentReminder.user_id.in_(list(people)))
    )
    return {tuple(row) for row in rows}  # type: ignore[misc]


def _last_sent(people: Sequence[int]) -> dict[int, date]:
    rows = db.session.execute(
        select(SentReminder.user_id, func.max(SentReminder.sent_on))
        .where(SentReminder.user_id.in_(list(people)))
        .group_by(SentReminder.user_id)
    )
    return {user_id: day for user_id, day in rows}


# Claiming, sending, confirming ----------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A digest whose log rows this run holds (items another run claimed first are left out)."""

    digest: Digest
    run: str


@dataclass(frozen=True)
class Outcome:
    claim: Claim
    error: str | None = None


def release_stale_claims(now: datetime) -> int:
    """Free the claims of a run that stopped before confirming, so their items go out again."""
    result = db.session.execute(
        delete(SentReminder).where(
            SentReminder.sent_at.is_(None), SentReminder.claimed_at < now - CLAIM_TIMEOUT
        )
    )
    return result.rowcount or 0


def claim(plan: RunPlan, today: date, now: datetime) -> list[Claim]:
    """Insert the plan's log rows unsent; digests keep only the items this run won."""
    run = secrets.token_hex(8)
    rows = [_row(line, run, today, now) for d in plan.digests for line in reminders.lines(d, today)]
    won = _insert_unclaimed(rows) if rows else set()
    claims = []
    for digest in plan.digests:
        mine = tuple(item for item in digest.items if item.identity in won)
        if mine:
            claims.append(Claim(Digest(digest.person, mine), run))
    return claims


def _row(line: reminders.Line, run: str, today: date, now: datetime) -> dict[str, Any]:
    item = line.item
    return {
        "clinic_id": item.clinic_id,
        "user_id": item.recipient_id,
        "kind": item.kind.value,
        "item_key": item.key,
        "stage": item.stage,
        "summary": line.headline[:SUMMARY_MAX],
        "item_on": item.when,
        "run": run,
        "sent_on": today,
        "claimed_at": now,
    }


def _insert_unclaimed(rows: list[dict[str, Any]]) -> set[tuple[int, str, str, str]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the identities this run inserted."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = SentReminder.__table__
    statement = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=UNIQUE)
        .returning(*(table.c[name] for name in UNIQUE))
    )
    return {tuple(row) for row in db.session.execute(statement, rows)}  # type: ignore[misc]


def deliver(claims: Sequence[Claim], today: date, link_url: LinkUrl) -> Iterator[Outcome]:
    """Send every claimed digest, yielding each outcome as it happens (so a caller stopped
    half-way can still confirm what went out); one failure does not stop the others."""
    for found in claims:
        try:
            send_digest(found.digest, today, link_url)
        except mail.MailError as error:
            current_app.logger.warning("Digest to %s failed: %s", found.digest.person.email, error)
            yield Outcome(found, str(error))
        else:
            yield Outcome(found)


def send_digest(digest: Digest, today: date, link_url: LinkUrl) -> None:
    """One person's email, in their language (their own choice, else their first clinic's)."""
    with force_locale(LOCALES.get(digest.person.language, LOCALES["en"])):
        _send_digest(digest, today, link_url)


def _send_digest(digest: Digest, today: date, link_url: LinkUrl) -> None:
    words = get_translations()
    context = {
        "person": digest.person,
        "today": today,
        "sections": [
            (heading, [(line, link_url(line.item.link)) for line in found])
            for heading, found in reminders.sections(digest, today, words)
        ],
        "settings_url": link_url(Link("reminders.settings")),
    }
    mail.send_email(
        digest.person.email,
        reminders.subject(digest, words),
        render_template("email/digest.txt", **context),
        render_template("email/digest.html", **context),
    )


def confirm(outcomes: Iterable[Outcome], now: datetime) -> None:
    """Stamp what went out; drop the claims of what did not, so the next run retries them."""
    by_run: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for outcome in outcomes:
        sent, failed = by_run[outcome.claim.run]
        (failed if outcome.error else sent).append(outcome.claim.digest.person.user_id)
    for run, (sent, failed) in by_run.items():
        mine = (SentReminder.run == run, SentReminder.sent_at.is_(None))
        if sent:
            db.session.execute(
                update(SentReminder)
                .where(*mine, SentReminder.user_id.in_(sent))
                .values(sent_at=now)
            )
        if failed:
            db.session.execute(delete(SentReminder).where(*mine, SentReminder.user_id.in_(failed)))


def link_builder(base_url: str) -> LinkUrl:
    """Absolute URLs for links in emails sent from the command line (no request to copy)."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{base_url!r} is not an http:// or https:// address")
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )
    return lambda link: adapter.build(link.endpoint, dict(link.values), force_external=True)


# Preferences and the calendar feed -------------------------------------------------------------


def settings_of(user: User) -> ReminderSettings:
    """The person's settings row, added (with the defaults) when they have none yet."""
    found = db.session.get(ReminderSettings, user.id)
    if found is None:
        found = ReminderSettings(user_id=user.id, frequency=Frequency.DAILY)
        db.session.add(found)
    return found


def choose_frequency(user: User, frequency: Frequency) -> None:
    settings_of(user).frequency = frequency
    db.session.flush()


def reset_feed(user: User) -> bool:
    """A new calendar secret, so the old URL stops working at once; True if one existed."""
    settings = settings_of(user)
    replaced = settings.feed_secret is not None
    settings.feed_secret = new_feed_secret()
    db.session.flush()
    return replaced


def feed_token(settings: ReminderSettings) -> str | None:
    """The secret part of the person's calendar URL: ``<user id>.<secret>``."""
    if settings.feed_secret is None:
        return None
    return f"{settings.user_id}.{settings.feed_secret}"
