"""What reminders are decided from, and what was sent.

``load_snapshot`` reads every clinic at once in a fixed number of queries whatever their number,
for the pure ``clinic_onboard.reminders`` rules (the daily digests, a person's calendar feed);
``calendar_for`` is a person's calendar feed from the same snapshot, ``feed_owner`` whose feed
a URL's token opens, and ``sent_reminders`` the clinic's log of what went out.
"""

import hmac
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import joinedload

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
from clinic_onboard.queries.record import TaskRecord, fold_records
from clinic_onboard.record.states import CREDENTIAL_KINDS
from clinic_onboard.reminders import Frequency, Link, Snapshot

LinkUrl = Callable[[Link], str]

# Loading --------------------------------------------------------------------------------------


def load_snapshot(scope: ColumnElement[bool] | None = None, people: bool = True) -> Snapshot:
    """Hires, their live tasks folded from the record, and their cards; ``scope`` filters
    onboardings (all clinics when None). Four queries, or three without ``people``."""
    # Nobody is reminded about a clinic they left, nor about anyone who left it.
    where = and_(true() if scope is None else scope, Onboarding.membership_id.in_(_current()))
    hires = _hires(where)
    tasks, credentials = _folded(where)
    found_people, members = _people_and_members() if people else ({}, [])
    return Snapshot(found_people, members, hires, tasks, credentials)


def _current() -> Select[tuple[int]]:
    """The memberships still in force: those of people who have not left."""
    return select(Membership.id).where(Membership.left_on.is_(None))


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
    """Every live task's status and every held card, from two queries for all onboardings."""
    tasks: dict[int, list[OnboardingTask]] = defaultdict(list)
    for task in db.session.scalars(
        select(OnboardingTask)
        .join(Onboarding, OnboardingTask.onboarding_id == Onboarding.id)
        .where(where, OnboardingTask.withdrawn_at.is_(None))
    ):
        tasks[task.onboarding_id].append(task)
    events: dict[int, list[OnboardingEvent]] = defaultdict(list)
    for event in db.session.scalars(
        select(OnboardingEvent)
        .join(Onboarding, OnboardingEvent.onboarding_id == Onboarding.id)
        .where(where)
        .order_by(OnboardingEvent.onboarding_id, OnboardingEvent.seq)
    ):
        events[event.onboarding_id].append(event)
    found: list[reminders.Task] = []
    cards: list[reminders.CredentialRecord] = []
    for onboarding_id, listed in tasks.items():
        records = fold_records(listed, events[onboarding_id])
        found += [_task(task, records[task.id]) for task in listed]
        cards += [card for task in listed if (card := _card(task, records[task.id]))]
    return found, cards


def _task(task: OnboardingTask, record: TaskRecord) -> reminders.Task:
    completion = record.completion
    return reminders.Task(
        id=task.id,
        onboarding_id=task.onboarding_id,
        title=task.title,
        kind=task.kind,
        due_date=task.due_date,
        status=record.status,
        signoff=task.signoff,
        renewal_of_id=task.renewal_of_id,
        completion_id=completion.id if completion else None,
        completed_on=completion.created_at.date() if completion else None,
    )


def _card(task: OnboardingTask, record: TaskRecord) -> reminders.CredentialRecord | None:
    """The card the item's latest live completion recorded, when it has an expiry."""
    completion = record.completion
    if completion is None or completion.kind not in CREDENTIAL_KINDS:
        return None
    expires = completion.payload.get("expires_on")
    if not expires:
        return None
    return reminders.CredentialRecord(task.id, completion.seq, date.fromisoformat(expires))


def _people_and_members() -> tuple[dict[int, reminders.Person], list[reminders.Member]]:
    """Active people with their digest choice (daily when they never chose), and their roles."""
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
        .where(User.active.is_(True), Membership.left_on.is_(None))
        .order_by(Membership.clinic_id.desc())
    )
    people: dict[int, reminders.Person] = {}
    members: list[reminders.Member] = []
    # Rows come last clinic first, so a person's first clinic gives the language they keep.
    for user_id, clinic_id, role, name, email, frequency, language in rows:
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
    entries = reminders.calendar_entries(load_snapshot(mine, people=False), user.id)
    name = f"{user.display_name}: onboarding due dates"
    return reminders.render_calendar(
        name, [(entry, link_url(entry.link)) for entry in entries], domain, stamp
    )
