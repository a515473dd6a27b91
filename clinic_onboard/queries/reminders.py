"""What reminders are decided from, and what was sent.

``load_snapshot`` reads the open work of the onboardings asked for in a fixed number of queries,
for the pure ``clinic_onboard.reminders`` rules (the daily digests, a person's calendar feed);
``people_batches`` and ``batch_snapshot`` let a run go through the network a batch of people
at a time;
``calendar_for`` is a person's calendar feed from the same snapshot, ``feed_owner`` whose feed
a URL's token opens, and ``sent_reminders`` the clinic's log of what went out.
"""

import hmac
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, Row, Select, and_, func, select
from sqlalchemy.orm import aliased, joinedload

from clinic_onboard import reminders
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    Clinic,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingTask,
    ReminderSettings,
    SentReminder,
    User,
)
from clinic_onboard.queries.task_states import finished, status_of, task_states
from clinic_onboard.record.states import CREDENTIAL_KINDS
from clinic_onboard.reminders import Frequency, Link, Snapshot

LinkUrl = Callable[[Link], str]

# Loading --------------------------------------------------------------------------------------


def load_snapshot(scope: ColumnElement[bool], people: Sequence[int] = ()) -> Snapshot:
    """Hires, their open tasks with their status, and their cards, of the onboardings
    ``scope`` selects; with ``people``, those people (the recipients) and every membership of
    their clinics (who manages, who supervises). Four queries, or two without ``people``."""
    # Nobody is reminded about a clinic they left, nor about anyone who left it.
    scope = and_(scope, Onboarding.membership_id.in_(_current()))
    hires = _hires(scope)
    tasks, credentials = _folded(scope)
    found_people, members = _people_and_members(people) if people else ({}, [])
    return Snapshot(found_people, members, hires, tasks, credentials)


def _current() -> Select[tuple[int]]:
    """The memberships still in force: those of people who have not left."""
    return select(Membership.id).where(Membership.left_on.is_(None))


def people_batches(size: int) -> Iterator[list[int]]:
    """The ids of active members, ``size`` at a time, grouped by their first clinic, so that a
    batch reads few clinics (a run's memory follows the batch, not the network; only these
    ids are held for the whole run)."""
    ids = db.session.scalars(
        select(Membership.user_id)
        .join(User, Membership.user_id == User.id)
        .where(User.active.is_(True), Membership.left_on.is_(None))
        .group_by(Membership.user_id)
        .order_by(func.min(Membership.clinic_id), Membership.user_id)
    ).all()
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def batch_snapshot(people: Sequence[int]) -> Snapshot:
    """What ``people`` may be told: the open work of every clinic they belong to.

    Their clinics are read first and given to the other queries as a list: from a subquery,
    PostgreSQL cannot tell that a batch's people belong to two or three clinics, and planned
    for the whole network (both sides of the tasks' join scanned in full, 3 s a batch at 50
    clinics), so a run's time grew with the square of the network."""
    clinics = db.session.scalars(_clinics_of(people).distinct()).all()
    return load_snapshot(Onboarding.clinic_id.in_(clinics), people)


def _clinics_of(people: Sequence[int]) -> Select:
    return select(Membership.clinic_id).where(Membership.user_id.in_(list(people)))


def _hires(where: ColumnElement[bool]) -> list[reminders.Hire]:
    rows = db.session.execute(
        select(
            Onboarding.id,
            Onboarding.clinic_id,
            Clinic.name,
            User.id,
            User.display_name,
            Onboarding.supervisor_id,
        )
        .join(Clinic, Onboarding.clinic_id == Clinic.id)
        .join(Membership, Onboarding.membership_id == Membership.id)
        .join(User, Membership.user_id == User.id)
        .where(where)
    )
    return [reminders.Hire(*row) for row in rows]


def _folded(
    where: ColumnElement[bool],
) -> tuple[list[reminders.Task], list[reminders.CredentialRecord]]:
    """The open work of the onboardings ``where`` selects, with each task's status and latest
    completion as the tasks keep them (``task_states``): items still to do or waiting, and
    every credential (its card may be expiring). Finished items of other kinds are what most
    of a clinic's rows are, and no reminder speaks of them, so they are never read."""
    scope = select(Onboarding.id).where(where)
    states = task_states(None, scope)
    done = aliased(OnboardingEvent)
    query = (
        select(
            states.c.task_id,
            states.c.onboarding_id,
            OnboardingTask.title,
            states.c.kind,
            states.c.due_date,
            states.c.last_kind,
            states.c.signoff,
            states.c.renewal_of_id,
            states.c.done_id,
            done.created_at.label("done_at"),
            done.kind.label("done_kind"),
            done.seq.label("done_seq"),
            done.payload["expires_on"].as_string().label("expires_on"),
        )
        .join(OnboardingTask, OnboardingTask.id == states.c.task_id)
        .outerjoin(done, done.id == states.c.done_id)
        .where(~finished(states) | (states.c.kind == "credential"))
    )
    found: list[reminders.Task] = []
    cards: list[reminders.CredentialRecord] = []
    for row in db.session.execute(query):
        found.append(_task(row))
        if row.done_kind in CREDENTIAL_KINDS and row.expires_on:
            expires_on = date.fromisoformat(row.expires_on)
            cards.append(reminders.CredentialRecord(row.task_id, row.done_seq, expires_on))
    return found, cards


def _task(row: Row) -> reminders.Task:
    return reminders.Task(
        id=row.task_id,
        onboarding_id=row.onboarding_id,
        title=row.title,
        kind=row.kind,
        due_date=row.due_date,
        status=status_of(row.last_kind, row.signoff),
        signoff=row.signoff,
        renewal_of_id=row.renewal_of_id,
        completion_id=row.done_id,
        completed_on=row.done_at.date() if row.done_at else None,
    )


def _people_and_members(
    wanted: Sequence[int],
) -> tuple[dict[int, reminders.Person], list[reminders.Member]]:
    """The ``wanted`` people, if active, with their digest choice (daily when they never
    chose), and the active members of their clinics with their roles."""
    rows = db.session.execute(
        select(
            Membership.user_id,
            Membership.clinic_id,
            Membership.role,
            User.display_name,
            User.email,
            ReminderSettings.frequency,
            func.coalesce(User.language, Clinic.language),
        )
        .join(User, Membership.user_id == User.id)
        .join(Clinic, Membership.clinic_id == Clinic.id)
        .outerjoin(ReminderSettings, ReminderSettings.user_id == User.id)
        .where(
            User.active.is_(True),
            Membership.clinic_id.in_(_clinics_of(wanted)),
            Membership.left_on.is_(None),
        )
        .order_by(Membership.clinic_id.desc())
    )
    asked = set(wanted)
    people: dict[int, reminders.Person] = {}
    members: list[reminders.Member] = []
    # Rows come last clinic first, so a person's first clinic gives the language they keep.
    for user_id, clinic_id, role, name, email, frequency, language in rows:
        if user_id in asked:
            often = frequency or Frequency.DAILY
            people[user_id] = reminders.Person(user_id, name, email, often, language)
        members.append(reminders.Member(user_id, clinic_id, role))
    return people, members


def sent_reminders(clinic_id: int, limit: int) -> list[SentReminder]:
    """The latest ``limit`` reminders sent about the clinic, with their recipients, newest
    first (claims not yet sent are not in the log)."""
    query = (
        select(SentReminder)
        .where(SentReminder.clinic_id == clinic_id, SentReminder.sent_at.is_not(None))
        .options(joinedload(SentReminder.user))
        .order_by(SentReminder.sent_at.desc(), SentReminder.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def reminder_settings(user_id: int) -> ReminderSettings | None:
    """The person's reminder choice and calendar link, None when they never chose."""
    return db.session.get(ReminderSettings, user_id)


def feed_owner(token: str) -> User | None:
    """The active person whose calendar token this is (secret compared in constant time)."""
    user_part, _, secret = token.partition(".")
    # Digits only, and few enough for any database integer: a bad token is "not found".
    if not (user_part.isascii() and user_part.isdigit() and len(user_part) <= 9) or not secret:
        return None
    found = db.session.get(ReminderSettings, int(user_part))
    expected = found.feed_secret if found is not None else None
    if expected is None or not hmac.compare_digest(expected.encode(), secret.encode()):
        return None
    return found.user if found.user.active else None  # type: ignore[union-attr]


def calendar_for(user: User, link_url: LinkUrl, domain: str, stamp: datetime) -> bytes:
    """The person's iCalendar feed: their own onboardings, in every clinic they belong to."""
    mine = Onboarding.membership_id.in_(select(Membership.id).where(Membership.user_id == user.id))
    entries = reminders.calendar_entries(load_snapshot(mine), user.id)
    name = f"{user.display_name}: onboarding due dates"
    return reminders.render_calendar(
        name, [(entry, link_url(entry.link)) for entry in entries], domain, stamp
    )
