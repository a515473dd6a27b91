"""A hire's stored plan as it reads: compared with what the role gives today, and as the hire
sees it (its groups, renewals and figures; ``web/plan_cache.plan_onboarding`` loads it).

A stored plan (the snapshot ``operations.onboarding`` made) is never rewritten by library, role
or profile edits: ``plan_differences`` says how it differs from the plan the role, library and
clinic give today, ``behind_ids`` which hires' plans differ, and only
``operations.onboarding.apply_differences`` changes it.
"""

import dataclasses
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import holidays
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from clinic_onboard import planner
from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.local_time import today_in
from clinic_onboard.models import (
    Clinic,
    ClinicRole,
    Onboarding,
    OnboardingDuty,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.planner import Plan, PlannedDuty, PlannedTask
from clinic_onboard.queries.plan_inputs import clinic_profile, plan_for, role_customization
from clinic_onboard.queries.record import TaskRecord, task_facts
from clinic_onboard.record.progress import HIRE_TO_ACT, Progress, progress
from clinic_onboard.record.renewals import is_coming_due

# Fields compared (and, on apply, copied) between a snapshot row and today's plan entry.
TASK_FIELDS = (
    "title",
    "guidance",
    "module_title",
    "kind",
    "phase",
    "due_date",
    "signoff",
    "basis",
    "references",
    "validity_months",
    "renews",
)
DUTY_FIELDS = ("title", "guidance", "frequency", "module_title", "references")
# Plans built once while comparing many hires: (role id, start date, language).
PlanKey = tuple[int, date, str, date | None]


@dataclass(frozen=True)
class ItemChange:
    """An item in both the snapshot and today's plan whose content differs."""

    item_id: str
    title: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PlanDifferences:
    """What applying today's plan would change in one onboarding's snapshot."""

    catalog_version: str
    added_tasks: tuple[PlannedTask, ...] = ()
    removed_tasks: tuple[OnboardingTask, ...] = ()
    changed_tasks: tuple[ItemChange, ...] = ()
    added_duties: tuple[PlannedDuty, ...] = ()
    removed_duties: tuple[OnboardingDuty, ...] = ()
    changed_duties: tuple[ItemChange, ...] = ()
    problem: str | None = None
    _plan: Plan | None = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return any(
            (
                self.added_tasks,
                self.removed_tasks,
                self.changed_tasks,
                self.added_duties,
                self.removed_duties,
                self.changed_duties,
            )
        )

    def fingerprint(self) -> str:
        """Names exactly these differences (with the new content), so an Apply based on a
        stale page is refused."""
        planned = {e.id: e for e in (*self._plan.tasks, *self._plan.duties)} if self._plan else {}
        parts = [
            self.catalog_version,
            *(f"+t:{t!r}" for t in self.added_tasks),
            *(f"-t:{t.item_id}" for t in self.removed_tasks),
            *(f"~t:{planned.get(c.item_id)!r}" for c in self.changed_tasks),
            *(f"+d:{d!r}" for d in self.added_duties),
            *(f"-d:{d.item_id}" for d in self.removed_duties),
            *(f"~d:{planned.get(c.item_id)!r}" for c in self.changed_duties),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def snapshot_language(onboarding: Onboarding) -> str:
    """The language the stored plan is written in. Plans stored before plans followed the
    clinic's language do not say, and are English."""
    return onboarding.profile.get("language", "en")


def plan_problem(role: ClinicRole, error: ValueError) -> str:
    """Why today's plan for ``role`` cannot be made (a library that no longer knows it)."""
    return _("The plan for %(role)s cannot be made: %(error)s", role=role.name, error=error)


# --- comparing -----------------------------------------------------------------------------------


def plan_differences(
    onboarding: Onboarding, catalog: Catalog, plans: dict[PlanKey, Plan] | None = None
) -> PlanDifferences:
    """How the snapshot differs from the plan the role, library and clinic give today.

    Today's plan is made in the snapshot's language: the snapshot keeps the words it was made
    with, so switching the clinic's language changes new plans only, and is no difference.
    ``plans`` lets a caller comparing many hires build each (role, start date, language) plan
    once.
    """
    if onboarding.status is not OnboardingStatus.ACTIVE:
        return PlanDifferences(catalog_version=catalog.version)
    plans = {} if plans is None else plans
    lang = snapshot_language(onboarding)
    # dated as when the snapshot was made, so "before you start" tasks compare equal
    clinic = db.session.get(Clinic, onboarding.clinic_id)
    made = today_in(clinic.time_zone, onboarding.created_at) if onboarding.created_at else None
    key = (onboarding.role_id, onboarding.start_date, lang, made)
    try:
        if key not in plans:
            plans[key] = plan_for(
                catalog, clinic, onboarding.role, onboarding.start_date, lang=lang, created_on=made
            )
    except ValueError as error:
        return PlanDifferences(
            catalog_version=catalog.version, problem=plan_problem(onboarding.role, error)
        )
    return _compare(onboarding, plans[key])


def _compare(onboarding: Onboarding, plan: Plan) -> PlanDifferences:
    tasks = {
        t.item_id: t
        for t in onboarding.tasks
        if t.withdrawn_at is None and t.renewal_of_id is None  # renewals follow the record
    }
    duties = {d.item_id: d for d in onboarding.duties}
    planned_tasks = {t.id: t for t in plan.tasks}
    planned_duties = {d.id: d for d in plan.duties}
    return PlanDifferences(
        catalog_version=plan.catalog_version,
        added_tasks=tuple(t for t in plan.tasks if t.id not in tasks),
        removed_tasks=tuple(t for t in tasks.values() if t.item_id not in planned_tasks),
        changed_tasks=_changes(tasks, planned_tasks, TASK_FIELDS),
        added_duties=tuple(d for d in plan.duties if d.id not in duties),
        removed_duties=tuple(d for d in duties.values() if d.item_id not in planned_duties),
        changed_duties=_changes(duties, planned_duties, DUTY_FIELDS),
        _plan=plan,
    )


def _changes(
    rows: dict[str, Any], planned: dict[str, PlannedTask | PlannedDuty], names: Sequence[str]
) -> tuple[ItemChange, ...]:
    found = []
    for item_id, row in rows.items():
        entry = planned.get(item_id)
        if entry is None:
            continue
        differing = tuple(n for n in names if _value(row, n) != _value(entry, n))
        if differing:
            found.append(ItemChange(item_id, entry.title, differing))
    return tuple(found)


def _value(source: Any, name: str) -> Any:
    value = getattr(source, name)
    return tuple(value) if name == "references" else value


def behind_ids(
    onboardings: Iterable[Onboarding], catalog: Catalog, known: "BehindMemo | None" = None
) -> set[int]:
    """The ids of the onboardings whose snapshot differs from what their role gives today.

    With ``known``, a verdict the onboarding keeps for today's plan inputs
    (``operations.plan_verdicts``) is read, not reached again; of the others, a verdict this
    process reached for the same inputs is reused, and only the rest have their tasks and
    duties loaded (one statement each) and compared: a page of 50 hires would otherwise build
    up to 50 plans and load 5,000 task rows on every visit.
    """
    if known is None:
        plans: dict[PlanKey, Plan] = {}
        return {o.id for o in onboardings if plan_differences(o, catalog, plans)}
    listed = list(onboardings)
    shared: dict[int, str] = {}
    digests = {o.id: plan_inputs(o, catalog, shared) for o in listed}
    kept = {o.id: o.behind for o in listed if kept_verdict_holds(o, digests[o.id])}
    keyed = {verdict_key(o, catalog, digests[o.id]): o for o in listed if o.id not in kept}
    verdicts = {key: known.get(key) for key in keyed}
    unknown = {key: o for key, o in keyed.items() if verdicts[key] is None}
    found = behind_ids(with_parts(list(unknown.values())), catalog)
    for key, onboarding in unknown.items():
        verdicts[key] = onboarding.id in found
        known.put(key, verdicts[key])
    reached = {o.id for key, o in keyed.items() if verdicts[key]}
    return reached | {onboarding_id for onboarding_id, behind in kept.items() if behind}


def kept_verdict_holds(onboarding: Onboarding, inputs: str) -> bool:
    """Whether the verdict the onboarding keeps was reached with the plan inputs ``inputs``
    (today's ``plan_inputs``; the snapshot's changes clear it: ``operations.plan_verdicts``)."""
    return onboarding.behind is not None and onboarding.behind_inputs == inputs


def verdict_key(onboarding: Onboarding, catalog: Catalog, inputs: str) -> tuple[Hashable, ...]:
    """Everything whether an onboarding is behind depends on: its snapshot (its revision moves
    with every change to the row, its tasks or duties: ``web.plan_cache``; the time it was
    made tells apart a deleted onboarding's id given again by SQLite), and every input of
    today's plan (``inputs``, its ``plan_inputs``)."""
    return (onboarding.id, onboarding.created_at, onboarding.revision, id(catalog), inputs)


def plan_inputs(
    onboarding: Onboarding, catalog: Catalog, shared: dict[int, str] | None = None
) -> str:
    """A digest of every input of the plan the snapshot is compared with: the library, the
    clinic's profile, calendar and time zone, the role and its tailoring, and the onboarding's
    own role, start date, language, day it was made and status; and the planner itself, so a
    deploy that changes how plans are made never leaves a kept verdict standing. ``shared``
    keeps the part every hire of a role has in common, by role id, for a caller digesting many
    hires."""
    shared = {} if shared is None else shared
    clinic = db.session.get(Clinic, onboarding.clinic_id)
    if onboarding.role_id not in shared:
        common = (
            planner_version(),
            catalog.version,
            clinic_profile(clinic),
            clinic.calendar,
            clinic.time_zone,
            onboarding.role.template,
            role_customization(onboarding.role),
        )
        shared[onboarding.role_id] = repr(_canonical(common))
    made = today_in(clinic.time_zone, onboarding.created_at) if onboarding.created_at else None
    own = (
        onboarding.role_id,
        onboarding.start_date,
        snapshot_language(onboarding),
        made,
        onboarding.status.value,
    )
    text = f"{shared[onboarding.role_id]}|{_canonical(own)!r}"
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def planner_version() -> str:
    """A digest of the code that makes plans and of the statutory holidays it dates around
    (the ``holidays`` package): read once per process."""
    digest = hashlib.sha256(f"holidays {holidays.__version__}".encode())
    for path in sorted(Path(planner.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _canonical(value: Any) -> Any:
    """``value`` as the same text in every process: sets sorted (a frozenset's order follows
    the process's string hashing), dataclasses and mappings as their fields in order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, *(_canonical(getattr(value, f.name)) for f in fields))
    if isinstance(value, Mapping):
        return tuple(sorted((repr(k), _canonical(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_canonical(item)) for item in value))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(item) for item in value)
    return value


def with_parts(onboardings: list[Onboarding]) -> list[Onboarding]:
    """The onboardings with their tasks and duties, one statement each even when none is
    wanted: a page runs the same statements whichever of its verdicts were kept."""
    ids = [o.id for o in onboardings]
    for name, part in (("tasks", OnboardingTask), ("duties", OnboardingDuty)):
        rows = db.session.scalars(
            select(part).where(part.onboarding_id.in_(ids)).order_by(part.position, part.id)
        )
        grouped: dict[int, list[Any]] = {i: [] for i in ids}
        for row in rows:
            grouped[row.onboarding_id].append(row)
        for onboarding in onboardings:
            set_committed_value(onboarding, name, grouped[onboarding.id])
    return onboardings


@dataclass(frozen=True)
class VerdictCheck:
    """One batch of onboardings checked: today's verdict (``behind``, the ids behind), the
    kept verdicts that say otherwise, and how many keep none for today's inputs."""

    onboardings: list[Onboarding]
    behind: set[int]
    wrong: list[int]
    not_kept: int


def verdict_checks(catalog: Catalog, batch: int = 100) -> Iterator[VerdictCheck]:
    """Every hire's plan compared with today's again, ``batch`` onboardings at a time, against
    the verdict it keeps (what ``verify-plan-verdicts`` reports)."""
    after = 0
    while True:
        query = (
            select(Onboarding)
            .where(Onboarding.is_onboarding, Onboarding.id > after)
            .order_by(Onboarding.id)
            .limit(batch)
            .options(joinedload(Onboarding.role).selectinload(ClinicRole.switched_off))
            .options(joinedload(Onboarding.role).selectinload(ClinicRole.custom_items))
        )
        onboardings = list(db.session.scalars(query).unique())
        if not onboardings:
            return
        behind = behind_ids(with_parts(onboardings), catalog)
        shared: dict[int, str] = {}
        holding = [o for o in onboardings if kept_verdict_holds(o, plan_inputs(o, catalog, shared))]
        wrong = [o.id for o in holding if o.behind != (o.id in behind)]
        yield VerdictCheck(onboardings, behind, wrong, len(onboardings) - len(holding))
        after = onboardings[-1].id


class BehindMemo:
    """Verdicts of ``behind_ids`` by ``verdict_key``, the least recently used leaving first
    once ``size`` are kept; one per process, shared by its threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._verdicts: OrderedDict[Hashable, bool] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bool | None:
        with self._lock:
            verdict = self._verdicts.get(key)
            if verdict is not None:
                self._verdicts.move_to_end(key)
            return verdict

    def put(self, key: Hashable, verdict: bool) -> None:
        with self._lock:
            self._verdicts[key] = verdict
            self._verdicts.move_to_end(key)
            while len(self._verdicts) > self.size:
                self._verdicts.popitem(last=False)


# --- the hire's own plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    """One item of the hire's plan as it stands, and whether it is late."""

    task: OnboardingTask
    record: TaskRecord
    overdue: bool


def plan_groups(
    onboarding: Onboarding,
    records: dict[int, TaskRecord],
    today: date,
    phases: Iterable[str],
) -> list[tuple[str | None, list[PlanRow]]]:
    """The plan by phase, in the order of ``phases``; items timed by a number of days (or in a
    phase not named) sit in a last group, None, by date."""
    grouped: dict[str | None, list[PlanRow]] = {phase: [] for phase in [*phases, None]}
    for task in _plan_tasks(onboarding, records):
        phase = task.phase if task.phase in grouped else None
        grouped[phase].append(_row(task, records, today))
    grouped[None].sort(key=lambda row: (row.task.due_date, row.task.position))
    return [(phase, rows) for phase, rows in grouped.items() if rows]


def renewal_rows(
    onboarding: Onboarding, records: dict[int, TaskRecord], today: date
) -> list[PlanRow]:
    """Renewals (next BLS card, yearly re-attestation), soonest first; they outlive the plan."""
    rows = [
        _row(t, records, today)
        for t in onboarding.tasks
        if t.id in records and t.renewal_of_id is not None
    ]
    return sorted(rows, key=lambda row: (row.task.due_date, row.task.position))


def is_row_coming_due(row: PlanRow, today: date) -> bool:
    return row.record.status in HIRE_TO_ACT and is_coming_due(row.task.due_date, today)


def plan_progress(onboarding: Onboarding, records: dict[int, TaskRecord], today: date) -> Progress:
    """The plan's figures (renewals that follow it are not part of onboarding)."""
    facts = [task_facts(t) for t in _plan_tasks(onboarding, records)]
    return progress(facts, {f.id: records[f.id].status for f in facts}, today)


def _plan_tasks(onboarding: Onboarding, records: dict[int, TaskRecord]) -> list[OnboardingTask]:
    return [t for t in onboarding.tasks if t.id in records and t.renewal_of_id is None]


def _row(task: OnboardingTask, records: dict[int, TaskRecord], today: date) -> PlanRow:
    late = task.due_date < today and records[task.id].status in HIRE_TO_ACT
    return PlanRow(task, records[task.id], late)
