"""Each task's state computed by the database, so manager pages count instead of loading.

``record.states.task_status`` folds a task's live (not voided) events in order, and the last
event that changes state decides: a completion, acknowledgement or credential (waiting for
sign-off when the item needs one, else done), an undo or a new version of the clinic's document
(not started), a sign-off, a "needs practice". The same rule in SQL is "the newest live state
event of each task", found by a subquery per task on the ``task_id`` index (a window function
over the clinic's events, joined back to the tasks, had no index on SQLite: 27 s at 49 hires);
the expressions below turn its kind into the counts the pages show. Tests check both folds
agree (tests/web/test_hire_summaries.py).
"""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, ScalarSelect, Select, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from clinic_onboard.models import OnboardingEvent, OnboardingTask
from clinic_onboard.record.states import (
    DONE_KINDS,
    REOPENING_KINDS,
    SIGNING_KINDS,
    EventKind,
    TaskEvent,
    TaskStatus,
    task_status,
)

# What takes an item back to not started: an undo, or a new version of the clinic's document.
RESTARTING = (EventKind.UNDONE, EventKind.POLICY_REVISED)
STATE_KINDS = sorted({*DONE_KINDS, *RESTARTING, *SIGNING_KINDS, *REOPENING_KINDS})
DONE = sorted(DONE_KINDS)  # the hire's completions (a carried-over card among them)
# Done by the hire and, when the item needs it, waiting for a signature (a card carried over
# from an earlier record was checked there: it is finished).
HIRE_DONE = sorted(DONE_KINDS - {EventKind.CARRIED_OVER})
SIGNED = sorted({*SIGNING_KINDS, EventKind.CARRIED_OVER})
TO_ACT = (*RESTARTING, *sorted(REOPENING_KINDS))  # and no live state event at all


def voided_event_ids(clinic_id: int | None, onboarding_ids: Select | None = None) -> Select:
    """The ids of the events that a correction cancelled, in the clinic (``None``: any) and,
    when given, among the onboardings ``onboarding_ids`` selects."""
    voids = OnboardingEvent.payload["voids"].as_integer()
    query = select(voids).where(OnboardingEvent.kind == EventKind.VOIDED, voids.is_not(None))
    if clinic_id is not None:
        query = query.where(OnboardingEvent.clinic_id == clinic_id)
    if onboarding_ids is not None:
        query = query.where(OnboardingEvent.onboarding_id.in_(onboarding_ids))
    return query


def _newest(kinds: Sequence[str], voided: Select) -> ScalarSelect[int]:
    """The id of the task's newest live event among ``kinds``: a subquery correlated with
    ``OnboardingTask`` that reads the task's few events through the ``task_id`` index."""
    event = aliased(OnboardingEvent)
    return (
        select(event.id)
        .where(event.task_id == OnboardingTask.id, event.kind.in_(kinds), event.id.not_in(voided))
        .order_by(event.seq.desc())
        .limit(1)
        .correlate(OnboardingTask)
        .scalar_subquery()
    )


def task_states(
    clinic_id: int | None, onboarding_ids: Select, completions: bool = False
) -> Subquery:
    """One row per live (not withdrawn) task of the onboardings ``onboarding_ids`` selects
    (narrowed to the clinic's when ``clinic_id`` is given, as pages do), with the narrow
    columns pages count by and ``last_kind``/``last_event_id``: the newest live state event
    (None when nothing counts yet); with ``completions``, ``done_id``: the newest live
    completion, acknowledgement or credential. No guidance or other long text."""
    task = OnboardingTask
    voided = voided_event_ids(clinic_id, onboarding_ids)
    columns = [
        task.id.label("task_id"),
        task.onboarding_id,
        task.module,
        task.module_title,
        task.position,
        task.due_date,
        task.kind,
        task.signoff,
        task.renewal_of_id,
        _newest(STATE_KINDS, voided).label("last_event_id"),
    ]
    if completions:
        columns.append(_newest(DONE, voided).label("done_id"))
    inner = select(*columns).where(
        task.onboarding_id.in_(onboarding_ids), task.withdrawn_at.is_(None)
    )
    if clinic_id is not None:
        inner = inner.where(task.clinic_id == clinic_id)
    tasks = inner.subquery("tasks")
    last = aliased(OnboardingEvent)
    return (
        select(tasks, last.kind.label("last_kind"))
        .outerjoin(last, last.id == tasks.c.last_event_id)
        .subquery("task_states")
    )


def _last(states: Subquery) -> ColumnElement[str]:
    """The newest state event's kind, '' when none: never NULL, so every test below is true
    or false (a NOT over a NULL comparison would drop the row)."""
    return func.coalesce(states.c.last_kind, "")


def finished(states: Subquery) -> ColumnElement[bool]:
    """Done (no sign-off needed) or signed off."""
    done = and_(_last(states).in_(HIRE_DONE), states.c.signoff == "none")
    return or_(done, _last(states).in_(SIGNED))


def awaiting(states: Subquery) -> ColumnElement[bool]:
    return and_(_last(states).in_(HIRE_DONE), states.c.signoff != "none")


def to_act(states: Subquery) -> ColumnElement[bool]:
    """The hire still has to act: nothing counted yet, undone, or sent back (practice, a
    rejected document)."""
    return _last(states).in_(["", *TO_ACT])


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
