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
from clinic_onboard.models.onboarding import ONBOARDING
from clinic_onboard.queries.record import as_task_event, task_facts
from clinic_onboard.record.progress import (
    HIRE_TO_ACT,
    Progress,
    TaskFacts,
    expiry_window,
    progress,
    statuses,
)
from clinic_onboard.record.renewals import is_coming_due, latest_expiries
from clinic_onboard.record.states import CREDENTIAL_KINDS, EventKind, TaskStatus


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
class ReattestationDue:
    hire: str
    title: str
    due_on: date
    days_left: int


@dataclass(frozen=True)
class Dashboard:
    hires: list[HireRow]
    modules: list[tuple[str, str]]  # (module id, title) in plan order
    expiring: list[ExpiringCredential]
    reattestations: list[ReattestationDue]

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
    status = {o.id: _statuses(tasks.get(o.id, []), by_onboarding[o.id]) for o in onboardings}
    rows = [_row(o, tasks.get(o.id, []), status[o.id], today) for o in onboardings]
    return Dashboard(
        rows,
        _modules(tasks, onboardings),
        _expiring(onboardings, by_onboarding, tasks, status, today),
        _reattestations(onboardings, tasks, status, today),
    )


def _onboardings(clinic_id: int, role_id: int | None) -> list[Onboarding]:
    query = (
        select(Onboarding)
        .where(Onboarding.clinic_id == clinic_id)
        .where(Onboarding.status != OnboardingStatus.LEFT)  # their record stays on Staff
        .where(Onboarding.kind == ONBOARDING)
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


def _statuses(tasks: list, events: list[OnboardingEvent]) -> dict[int, TaskStatus]:
    facts = [fact for fact, _ in tasks]
    return statuses(facts, [as_task_event(e) for e in events], {e.id: e.task_id for e in events})


def _row(
    onboarding: Onboarding, tasks: list, status: dict[int, TaskStatus], today: date
) -> HireRow:
    """Progress of the plan itself: renewals that follow it are not part of onboarding."""
    facts = [fact for fact, task in tasks if task.renewal_of_id is None]
    return HireRow(onboarding, progress(facts, status, today))


def _modules(tasks: dict, onboardings: list[Onboarding]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for onboarding in onboardings:
        for fact, _ in tasks.get(onboarding.id, []):
            seen.setdefault(fact.module, fact.module_title)
    return list(seen.items())


def _expiring(
    onboardings: list[Onboarding], events: dict, tasks: dict, status: dict, today: date
) -> list[ExpiringCredential]:
    """Each credential's latest standing card across its renewals, when it expires within 90
    days (a BLS card renewed on its renewal task supersedes the card on the original item)."""
    listed = [task for rows in tasks.values() for _, task in rows]
    titles = {task.id: task.title for task in listed}
    renews = {task.id: task.renewal_of_id for task in listed}
    found = []
    for onboarding in onboardings:
        standing = {i for i, s in status[onboarding.id].items() if s not in HIRE_TO_ACT}
        cards = _cards(events[onboarding.id])
        for task_id, expires_on in latest_expiries(cards, renews, standing).items():
            if task_id in titles and expiry_window(expires_on, today) is not None:
                name = onboarding.membership.user.display_name
                days = (expires_on - today).days
                found.append(ExpiringCredential(name, titles[task_id], expires_on, days))
    return sorted(found, key=lambda c: (c.expires_on, c.hire))


def _cards(events: list[OnboardingEvent]) -> list[tuple[int, date]]:
    """The live (not voided) credential records as (task id, expiry), in record order."""
    voided = {e.payload.get("voids") for e in events if e.kind == EventKind.VOIDED}
    return [
        (e.task_id, date.fromisoformat(e.payload["expires_on"]))
        for e in events
        if e.kind in CREDENTIAL_KINDS and e.payload.get("expires_on") and e.id not in voided
    ]


def _reattestations(
    onboardings: list[Onboarding], tasks: dict, status: dict, today: date
) -> list[ReattestationDue]:
    """Yearly sign-offs (privacy, WHMIS…) whose renewal is due within 90 days or overdue."""
    found = []
    for onboarding in onboardings:
        name = onboarding.membership.user.display_name
        for _, task in tasks.get(onboarding.id, []):
            if _reattestation_due(task, status[onboarding.id].get(task.id), today):
                days = (task.due_date - today).days
                found.append(ReattestationDue(name, task.title, task.due_date, days))
    return sorted(found, key=lambda r: (r.due_on, r.hire))


def _reattestation_due(task: OnboardingTask, status: TaskStatus | None, today: date) -> bool:
    return (
        task.renewal_of_id is not None
        and task.kind == "acknowledgement"
        and status in HIRE_TO_ACT
        and is_coming_due(task.due_date, today)
    )
