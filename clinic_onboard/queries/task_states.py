"""Each task's state as ``onboarding_tasks`` keeps it, so manager pages count instead of loading.

``record.states.task_status`` folds a task's live (not voided) events in order, and the last
event that changes state decides: a completion, acknowledgement or credential (waiting for
sign-off when the item needs one, else done), an undo or a new version of the clinic's
document (not started), a sign-off, a "needs practice". The operations keep that newest live
state event's id and kind on the task as each event is appended (``operations.task_states``),
so a page reads the task's own row: no subquery per task over the events, and a page's time
follows the rows it shows. The expressions below turn the kept kind into the counts the pages
show. Tests check the kept state agrees with the pure fold (tests/web/test_hire_summaries.py),
and ``state_mismatches`` is what ``verify-task-states`` reports.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select

from clinic_onboard.extensions import db
from clinic_onboard.models import Onboarding, OnboardingEvent, OnboardingTask
from clinic_onboard.record.states import (
    DONE_KINDS,
    REOPENING_KINDS,
    RESTARTING_KINDS,
    SIGNING_KINDS,
    EventKind,
    KeptState,
    TaskEvent,
    TaskStatus,
    kept_state,
    task_status,
)

RESTARTING = sorted(RESTARTING_KINDS)
DONE = sorted(DONE_KINDS)  # the hire's completions (a carried-over card among them)
# Done by the hire and, when the item needs it, waiting for a signature (a card carried over
# from an earlier record was checked there: it is finished).
HIRE_DONE = sorted(DONE_KINDS - {EventKind.CARRIED_OVER})
SIGNED = sorted({*SIGNING_KINDS, EventKind.CARRIED_OVER})
TO_ACT = (*RESTARTING, *sorted(REOPENING_KINDS))  # and no live state event at all


def task_states(clinic_id: int | None, onboarding_ids: Select) -> Subquery:
    """One row per live (not withdrawn) task of the onboardings ``onboarding_ids`` selects
    (narrowed to the clinic's when ``clinic_id`` is given, as pages do), with the narrow
    columns pages count by and the kept state: ``last_kind``/``last_event_id``, the newest
    live state event (None when nothing counts yet), and ``done_id``, the newest live
    completion, acknowledgement or credential. No guidance or other long text."""
    task = OnboardingTask
    query = select(
        task.id.label("task_id"),
        task.onboarding_id,
        task.module,
        task.module_title,
        task.position,
        task.due_date,
        task.kind,
        task.signoff,
        task.renewal_of_id,
        task.state_event_id.label("last_event_id"),
        task.state_kind.label("last_kind"),
        task.done_event_id.label("done_id"),
    ).where(task.onboarding_id.in_(onboarding_ids), task.withdrawn_at.is_(None))
    if clinic_id is not None:
        query = query.where(task.clinic_id == clinic_id)
    return query.subquery("task_states")


def _last(states: Subquery) -> ColumnElement[str]:
    """The newest state event's kind, '' when none: never NULL, so every test below is true
    or false (a NOT over a NULL comparison would drop the row)."""
    return func.coalesce(states.c.last_kind, "")


def finished(states: Subquery) -> ColumnElement[bool]:
    """Done (no sign-off needed) or signed off."""
    done = and_(_last(states).in_(HIRE_DONE), states.c.signoff == "none")
    return or_(done, _last(states).in_(SIGNED))


def awaiting(states: Subquery) -> ColumnElement[bool]:
    """Done by the hire and waiting for a signature. Spelled as the partial index
    ``ix_onboarding_tasks_awaiting`` is (no coalesce: a task with no state event is simply not
    in the list), so PostgreSQL reads the clinic's waiting items through it rather than every
    task; never negated, so the NULL of a task without state events is never turned true."""
    return and_(states.c.last_kind.in_(HIRE_DONE), states.c.signoff != "none")


def to_act(states: Subquery) -> ColumnElement[bool]:
    """The hire still has to act: nothing counted yet, undone, or sent back (practice, a
    rejected document). Spelled as the partial index ``ix_onboarding_tasks_to_act`` is (true
    or false, never NULL), so the dashboard's overdue count reads that index."""
    return or_(states.c.last_kind.is_(None), states.c.last_kind.in_(TO_ACT))


def overdue(states: Subquery, today: date) -> ColumnElement[bool]:
    return and_(to_act(states), states.c.due_date < today)


def started(states: Subquery) -> ColumnElement[bool]:
    return _last(states).not_in(["", *RESTARTING])


def in_plan(states: Subquery) -> ColumnElement[bool]:
    """Progress counts the plan itself: renewals that follow it are not part of onboarding."""
    return states.c.renewal_of_id.is_(None)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the group meet ``condition`` (0 for an empty group)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def status_of(last_kind: str | None, signoff: str) -> TaskStatus:
    """The task's status from its newest live state event, by the pure fold itself."""
    events = [] if last_kind is None else [TaskEvent(0, last_kind)]
    return task_status(events, signoff != "none")


# --- the kept state against the events -------------------------------------------------------


def task_events(task: OnboardingTask) -> list[TaskEvent]:
    """The task's events and its record's corrections, in order: what ``kept_state`` folds
    (a correction names the event it voids; only the record's few VOIDED rows are added)."""
    event = OnboardingEvent
    query = (
        select(event.id, event.kind, _voids())
        .where(
            event.onboarding_id == task.onboarding_id,
            or_(event.task_id == task.id, event.kind == EventKind.VOIDED),
        )
        .order_by(event.seq)
    )
    return [TaskEvent(*row) for row in db.session.execute(query)]


def _voids() -> ColumnElement[int]:
    return OnboardingEvent.payload["voids"].as_integer()


def folded_states(onboarding_ids: Sequence[int]) -> dict[int, KeptState]:
    """Every task of the onboardings (withdrawn ones too) folded from its events, by the pure
    ``kept_state``: one query over the events of these records, through their index."""
    event = OnboardingEvent
    rows = db.session.execute(
        select(event.onboarding_id, event.task_id, event.id, event.kind, _voids())
        .where(event.onboarding_id.in_(list(onboarding_ids)))
        .order_by(event.onboarding_id, event.seq)
    )
    by_task: dict[int, list[TaskEvent]] = defaultdict(list)
    corrections: dict[int, list[TaskEvent]] = defaultdict(list)
    for onboarding_id, task_id, *facts in rows:
        found = TaskEvent(*facts)
        if found.kind == EventKind.VOIDED:
            corrections[onboarding_id].append(found)
        if task_id is not None:
            by_task[task_id].append(found)
    tasks = db.session.execute(
        select(OnboardingTask.id, OnboardingTask.onboarding_id).where(
            OnboardingTask.onboarding_id.in_(list(onboarding_ids))
        )
    )
    return {
        task_id: kept_state([*by_task[task_id], *corrections[onboarding_id]])
        for task_id, onboarding_id in tasks
    }


def kept_states(onboarding_ids: Sequence[int]) -> dict[int, tuple[int, KeptState]]:
    """Every task of the onboardings: its onboarding and the state its row keeps."""
    task = OnboardingTask
    rows = db.session.execute(
        select(
            task.id, task.onboarding_id, task.state_event_id, task.state_kind, task.done_event_id
        ).where(task.onboarding_id.in_(list(onboarding_ids)))
    )
    return {task_id: (onboarding_id, KeptState(*kept)) for task_id, onboarding_id, *kept in rows}


@dataclass(frozen=True)
class StateMismatch:
    """A task whose kept state is not what its events fold to."""

    onboarding_id: int
    task_id: int
    kept: KeptState
    folded: KeptState


def state_mismatches(batch: int = 500) -> Iterator[tuple[int, list[StateMismatch]]]:
    """Every onboarding's tasks checked against their events, ``batch`` onboardings at a time;
    yields each batch's number of records and its disagreements (often none), so a caller can
    report progress."""
    after = 0
    while True:
        ids = db.session.scalars(
            select(Onboarding.id).where(Onboarding.id > after).order_by(Onboarding.id).limit(batch)
        ).all()
        if not ids:
            return
        yield len(ids), _mismatches(ids)
        after = ids[-1]


def _mismatches(onboarding_ids: Sequence[int]) -> list[StateMismatch]:
    folded, kept = folded_states(onboarding_ids), kept_states(onboarding_ids)
    return [
        StateMismatch(kept[task_id][0], task_id, kept[task_id][1], state)
        for task_id, state in sorted(folded.items())
        if state != kept[task_id][1]
    ]
