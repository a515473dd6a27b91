"""The clinic's hires as lean summaries: one page of 50 at a time, counted by the database.

The dashboard, the staff list and the compliance summary read these instead of every task and
event: each query selects narrow columns (no guidance text) and the progress, overdue and
waiting counts come from GROUP BY over ``task_states``. A page runs the same statements for a
clinic of 20 hires as for one of 2,000.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Row, Select, Subquery, func, or_, select
from sqlalchemy.orm import aliased

from clinic_onboard.extensions import db
from clinic_onboard.local_time import local
from clinic_onboard.models import ClinicRole, Membership, Onboarding, OnboardingStatus, User
from clinic_onboard.queries.task_states import (
    awaiting,
    count_if,
    finished,
    in_plan,
    overdue,
    started,
    task_states,
)
from clinic_onboard.record.progress import ModuleProgress

PAGE_SIZE = 50
Supervisor = aliased(User)


@dataclass(frozen=True)
class Counts:
    """A hire's plan progress (renewals left out), as the dashboard shows it."""

    total: int = 0
    finished: int = 0
    awaiting_signoff: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 100


@dataclass(frozen=True)
class HireSummary:
    onboarding_id: int
    name: str
    email: str
    has_password: bool
    role_id: int
    role_name: str
    start_date: date
    supervisor_name: str | None
    status: OnboardingStatus
    progress: Counts = field(default_factory=Counts)
    module_cells: dict[str, ModuleProgress] = field(default_factory=dict)

    @property
    def state(self) -> str:
        if self.status in (OnboardingStatus.COMPLETED, OnboardingStatus.LEFT):
            return self.status.value
        return "overdue" if self.progress.overdue else "on_track"


@dataclass(frozen=True)
class HireFilters:
    """What a list is narrowed to; ``status`` is a key of ``STATUSES``."""

    search: str = ""
    role_id: int | None = None
    supervisor_id: int | None = None  # the supervisor's user id
    status: str | None = None
    page: int = 1


@dataclass(frozen=True)
class HirePage:
    rows: list[HireSummary]
    modules: list[tuple[str, str]]  # (module id, title) of the rows' plans, in plan order
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


# Status filters: each key is one condition on the joined onboarding, user and overdue count,
# so a new status (the people issue's "left") is one more line.
STATUSES: dict[str, Callable[[ColumnElement[int]], ColumnElement[bool]]] = {
    "invited": lambda late: User.password_hash.is_(None),
    "onboarding": lambda late: Onboarding.status == OnboardingStatus.ACTIVE,
    "overdue": lambda late: (Onboarding.status == OnboardingStatus.ACTIVE) & (late > 0),
    "on_track": lambda late: (Onboarding.status == OnboardingStatus.ACTIVE) & (late == 0),
    "completed": lambda late: Onboarding.status == OnboardingStatus.COMPLETED,
    "left": lambda late: Onboarding.status == OnboardingStatus.LEFT,
}


def hire_page(clinic_id: int, filters: HireFilters, today: date) -> HirePage:
    """One page of the clinic's hires matching ``filters``, latest start first, each with its
    progress and module cells: four queries whatever the clinic's size."""
    query = _filtered(clinic_id, filters, today)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = min(max(filters.page, 1), max(1, -(-total // PAGE_SIZE)))
    listed = query.order_by(Onboarding.start_date.desc(), Onboarding.id)
    rows = [_summary(row) for row in db.session.execute(_page(listed, page))]
    ids = [r.onboarding_id for r in rows]
    cells, modules = module_cells(clinic_id, ids, today, ids)
    counts = progress_counts(clinic_id, ids, today)
    rows = [_with(row, counts, cells) for row in rows]
    return HirePage(rows, modules, total, page)


def every_hire(clinic_id: int, today: date) -> HirePage:
    """Every hire of the clinic still onboarding, with their module cells (the compliance
    summary's matrix); those who completed or left are ``closed_hires``, without cells."""
    onboarding = Onboarding.status == OnboardingStatus.ACTIVE
    listed = _columns().where(Onboarding.clinic_id == clinic_id, onboarding)
    rows = [_summary(row) for row in db.session.execute(listed.order_by(*_ORDER))]
    ids = select(Onboarding.id).where(Onboarding.clinic_id == clinic_id, onboarding)
    cells, modules = module_cells(clinic_id, ids, today, [r.onboarding_id for r in rows])
    return HirePage([_with(row, {}, cells) for row in rows], modules, len(rows), 1)


@dataclass(frozen=True)
class ClosedHire:
    """A hire who completed onboarding or left before finishing, with the day it closed."""

    name: str
    role_name: str
    status: OnboardingStatus
    closed_on: date | None  # the final sign-off's day, or the last day at the clinic


def closed_hires(clinic_id: int, zone: str) -> list[ClosedHire]:
    """The clinic's completed and left hires, most recently closed first: one narrow query.
    A completion is dated on the clinic's calendar (``zone``)."""
    query = (
        select(
            User.display_name,
            ClinicRole.name,
            Onboarding.status,
            Onboarding.completed_at,
            Membership.left_on,
        )
        .join(Membership, Onboarding.membership_id == Membership.id)
        .join(User, Membership.user_id == User.id)
        .join(ClinicRole, Onboarding.role_id == ClinicRole.id)
        .where(Onboarding.clinic_id == clinic_id, Onboarding.is_onboarding)
        .where(Onboarding.status != OnboardingStatus.ACTIVE)
    )
    closed = [
        ClosedHire(
            name,
            role,
            status,
            local(completed, zone).date()
            if status == OnboardingStatus.COMPLETED and completed
            else left,
        )
        for name, role, status, completed, left in db.session.execute(query)
    ]
    return sorted(closed, key=lambda hire: (hire.closed_on or date.min, hire.name), reverse=True)


_ORDER = (Onboarding.start_date.desc(), Onboarding.id)


def _page(query: Select, page: int) -> Select:
    return query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)


def _columns() -> Select:
    return (
        select(
            Onboarding.id,
            User.display_name,
            User.email,
            User.password_hash.is_not(None).label("has_password"),
            ClinicRole.id.label("role_id"),
            ClinicRole.name.label("role_name"),
            Onboarding.start_date,
            Supervisor.display_name.label("supervisor_name"),
            Onboarding.status,
        )
        .join(Membership, Onboarding.membership_id == Membership.id)
        .join(User, Membership.user_id == User.id)
        .join(ClinicRole, Onboarding.role_id == ClinicRole.id)
        .outerjoin(Supervisor, Onboarding.supervisor_id == Supervisor.id)
        .where(Onboarding.is_onboarding)  # offboarding checklists are not hires
    )


def _filtered(clinic_id: int, filters: HireFilters, today: date) -> Select:
    query = _columns().where(Onboarding.clinic_id == clinic_id)
    if filters.search.strip():
        pattern = f"%{_escaped(filters.search.strip().lower())}%"
        query = query.where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if filters.role_id is not None:
        query = query.where(Onboarding.role_id == filters.role_id)
    if filters.supervisor_id is not None:
        query = query.where(Onboarding.supervisor_id == filters.supervisor_id)
    if filters.status in STATUSES:
        late = _late_counts(clinic_id, today)
        query = query.outerjoin(late, late.c.onboarding_id == Onboarding.id)
        query = query.where(STATUSES[filters.status](func.coalesce(late.c.late, 0)))
    return query


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _late_counts(clinic_id: int, today: date) -> Subquery:
    """Each active onboarding's number of overdue plan items."""
    active = select(Onboarding.id).where(
        Onboarding.clinic_id == clinic_id, Onboarding.status == OnboardingStatus.ACTIVE
    )
    states = task_states(clinic_id, active)
    return (
        select(
            states.c.onboarding_id,
            count_if(in_plan(states) & overdue(states, today)).label("late"),
        )
        .group_by(states.c.onboarding_id)
        .subquery("late_counts")
    )


def _summary(row: Row) -> HireSummary:
    return HireSummary(*row)


def _with(row: HireSummary, counts: dict[int, Counts], cells: dict) -> HireSummary:
    return HireSummary(
        row.onboarding_id,
        row.name,
        row.email,
        row.has_password,
        row.role_id,
        row.role_name,
        row.start_date,
        row.supervisor_name,
        row.status,
        counts.get(row.onboarding_id, Counts()),
        cells.get(row.onboarding_id, {}),
    )


def progress_counts(
    clinic_id: int, onboarding_ids: Sequence[int] | Select, today: date
) -> dict[int, Counts]:
    """Each onboarding's plan progress, counted by the database in one GROUP BY."""
    states = task_states(clinic_id, _ids(onboarding_ids))
    plan = in_plan(states)
    query = select(
        states.c.onboarding_id,
        count_if(plan),
        count_if(plan & finished(states)),
        count_if(plan & awaiting(states)),
        count_if(plan & overdue(states, today)),
    ).group_by(states.c.onboarding_id)
    return {row[0]: Counts(*row[1:]) for row in db.session.execute(query)}


def module_cells(
    clinic_id: int, onboarding_ids: Sequence[int] | Select, today: date, order: Sequence[int]
) -> tuple[dict[int, dict[str, ModuleProgress]], list[tuple[str, str]]]:
    """Each onboarding's cell per module, and the modules in plan order (of the first listed
    onboarding holding each), from one GROUP BY over (onboarding, module)."""
    states = task_states(clinic_id, _ids(onboarding_ids))
    plan = in_plan(states)
    query = (
        select(
            states.c.onboarding_id,
            states.c.module,
            func.min(states.c.module_title),
            count_if(plan),
            count_if(plan & finished(states)),
            count_if(plan & overdue(states, today)),
            count_if(plan & started(states)),
        )
        .group_by(states.c.onboarding_id, states.c.module)
        .order_by(states.c.onboarding_id, func.min(states.c.position))
    )
    cells: dict[int, dict[str, ModuleProgress]] = {}
    titles: dict[int, list[tuple[str, str]]] = {}
    for onboarding_id, module, title, total, done, late, begun in db.session.execute(query):
        titles.setdefault(onboarding_id, []).append((module, title))
        if total:
            cells.setdefault(onboarding_id, {})[module] = _cell(total, done, late, begun)
    return cells, _module_order(titles, order)


def _cell(total: int, done: int, late: int, begun: int) -> ModuleProgress:
    if done == total:
        return ModuleProgress.DONE
    if late:
        return ModuleProgress.OVERDUE
    if begun:
        return ModuleProgress.IN_PROGRESS
    return ModuleProgress.NOT_STARTED


def _module_order(
    titles: dict[int, list[tuple[str, str]]], order: Sequence[int]
) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for onboarding_id in order:
        for module, title in titles.get(onboarding_id, []):
            seen.setdefault(module, title)
    return list(seen.items())


def _ids(onboarding_ids: Sequence[int] | Select) -> Select:
    if isinstance(onboarding_ids, Select):
        return onboarding_ids
    return select(Onboarding.id).where(Onboarding.id.in_(list(onboarding_ids)))
