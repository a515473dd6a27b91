"""The manager dashboard's read model: every hire's progress in a fixed number of queries.

Three queries whatever the clinic's size (onboardings, their tasks, their events), folded in
Python by the pure ``record.progress`` functions.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.operations.record import as_task_event, task_facts
from clinic_onboard.record.progress import Progress, TaskFacts, expiry_window, progress, statuses
from clinic_onboard.record.states import EventKind


@dataclass(frozen=True)
class HireRow:
    onboarding: Onboarding
    progress: Progress

    @property
    def state(self) -> str:
        if self.onboarding.status == OnboardingStatus.COMPLETED:
            return "completed"
        return "overdue" if self.progress.overdue else "on_track"


@dataclass(frozen=True)
class ExpiringCredential:
    hire: str
    title: str
    expires_on: date
    days_left: int


@dataclass(frozen=True)
class Dashboard:
    hires: list[HireRow]
    modules: list[tuple[str, str]]  # (module id, title) in plan order
    expiring: list[ExpiringCredential]

    def count(self, state: str) -> int:
        return sum(row.state == state for row in self.hires)


def build_dashboard(clinic_id: int, today: date, role_id: int | None = None) -> Dashboard:
    onboardings = _onboardings(clinic_id, role_id)
    tasks = _tasks(clinic_id)
    events = db.session.scalars(
        select(OnboardingEvent)
        .where(OnboardingEvent.clinic_id == clinic_id)
        .order_by(OnboardingEvent.seq)
    ).all()
    by_onboarding: dict[int, list[OnboardingEvent]] = defaultdict(list)
    for event in events:
        by_onboarding[event.onboarding_id].append(event)
    rows = [_row(o, tasks.get(o.id, []), by_onboarding[o.id], today) for o in onboardings]
    return Dashboard(
        rows, _modules(tasks, onboardings), _expiring(onboardings, by_onboarding, tasks, today)
    )


def _onboardings(clinic_id: int, role_id: int | None) -> list[Onboarding]:
    query = (
        select(Onboarding)
        .where(Onboarding.clinic_id == clinic_id)
        .options(joinedload(Onboarding.membership).joinedload(Membership.user))
        .options(joinedload(Onboarding.role), joinedload(Onboarding.supervisor))
        .order_by(Onboarding.start_date.desc(), Onboarding.id)
    )
    if role_id is not None:
        query = query.where(Onboarding.role_id == role_id)
    return list(db.session.scalars(query).unique())


def _tasks(clinic_id: int) -> dict[int, list[tuple[TaskFacts, OnboardingTask]]]:
    query = (
        select(OnboardingTask)
        .where(OnboardingTask.clinic_id == clinic_id, OnboardingTask.withdrawn_at.is_(None))
        .order_by(OnboardingTask.onboarding_id, OnboardingTask.position)
    )
    grouped: dict[int, list[tuple[TaskFacts, OnboardingTask]]] = defaultdict(list)
    for task in db.session.scalars(query):
        grouped[task.onboarding_id].append((task_facts(task), task))
    return grouped


def _row(
    onboarding: Onboarding, tasks: list, events: list[OnboardingEvent], today: date
) -> HireRow:
    facts = [fact for fact, _ in tasks]
    status = statuses(facts, [as_task_event(e) for e in events], {e.id: e.task_id for e in events})
    return HireRow(onboarding, progress(facts, status, today))


def _modules(tasks: dict, onboardings: list[Onboarding]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for onboarding in onboardings:
        for fact, _ in tasks.get(onboarding.id, []):
            seen.setdefault(fact.module, fact.module_title)
    return list(seen.items())


def _expiring(
    onboardings: list[Onboarding], events: dict, tasks: dict, today: date
) -> list[ExpiringCredential]:
    """The latest (not voided) credential of each task, when it expires within 90 days."""
    titles = {task.id: task.title for listed in tasks.values() for _, task in listed}
    found = []
    for onboarding in onboardings:
        for task_id, expires_on in _latest_expiries(events[onboarding.id]).items():
            if task_id in titles and expiry_window(expires_on, today) is not None:
                name = onboarding.membership.user.display_name
                days = (expires_on - today).days
                found.append(ExpiringCredential(name, titles[task_id], expires_on, days))
    return sorted(found, key=lambda c: (c.expires_on, c.hire))


def _latest_expiries(events: list[OnboardingEvent]) -> dict[int, date]:
    voided = {e.payload.get("voids") for e in events if e.kind == EventKind.VOIDED}
    latest: dict[int, date] = {}
    for event in events:
        expires = event.payload.get("expires_on")
        if event.kind == EventKind.CREDENTIAL and expires and event.id not in voided:
            latest[event.task_id] = date.fromisoformat(expires)
    return latest
