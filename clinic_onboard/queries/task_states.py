"""Each task's state computed by the database, so manager pages count instead of loading.

``record.states.task_status`` folds a task's live (not voided) events in order, and the last
event that changes state decides: a completion, acknowledgement or credential (waiting for
sign-off when the item needs one, else done), an undo (not started), a sign-off, a "needs
practice". The same rule in SQL is "the newest live state event of each task", found with a
window function; the expressions below turn its kind into the counts the pages show. Tests
check both folds agree (tests/web/test_hire_summaries.py).
"""

from datetime import date

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select

from clinic_onboard.models import OnboardingEvent, OnboardingTask
from clinic_onboard.record.states import DONE_KINDS, EventKind

STATE_KINDS = sorted(
    {*DONE_KINDS, EventKind.UNDONE, EventKind.SIGNED_OFF, EventKind.NEEDS_PRACTICE}
)
DONE = sorted(DONE_KINDS)
TO_ACT = (EventKind.UNDONE, EventKind.NEEDS_PRACTICE)  # and no live state event at all


def voided_event_ids(clinic_id: int) -> Select:
    """The ids of the clinic's events that a correction cancelled."""
    voids = OnboardingEvent.payload["voids"].as_integer()
    return select(voids).where(
        OnboardingEvent.clinic_id == clinic_id,
        OnboardingEvent.kind == EventKind.VOIDED,
        voids.is_not(None),
    )


def task_states(clinic_id: int, onboarding_ids: Select) -> Subquery:
    """One row per live (not withdrawn) task of the onboardings ``onboarding_ids`` selects,
    with the narrow columns pages count by and ``last_kind``/``last_event_id``: the newest
    live state event (None when nothing counts yet). No guidance or other long text."""
    ranked = (
        select(
            OnboardingEvent.task_id,
            OnboardingEvent.id.label("event_id"),
            OnboardingEvent.kind,
            func.row_number()
            .over(partition_by=OnboardingEvent.task_id, order_by=OnboardingEvent.seq.desc())
            .label("newest"),
        )
        .where(
            OnboardingEvent.clinic_id == clinic_id,
            OnboardingEvent.onboarding_id.in_(onboarding_ids),
            OnboardingEvent.task_id.is_not(None),
            OnboardingEvent.kind.in_(STATE_KINDS),
            OnboardingEvent.id.not_in(voided_event_ids(clinic_id)),
        )
        .subquery("ranked")
    )
    task = OnboardingTask
    return (
        select(
            task.id.label("task_id"),
            task.onboarding_id,
            task.module,
            task.module_title,
            task.position,
            task.due_date,
            task.kind,
            task.signoff,
            task.renewal_of_id,
            (task.signoff != "none").label("needs_signoff"),
            ranked.c.kind.label("last_kind"),
            ranked.c.event_id.label("last_event_id"),
        )
        .outerjoin(ranked, and_(ranked.c.task_id == task.id, ranked.c.newest == 1))
        .where(
            task.clinic_id == clinic_id,
            task.onboarding_id.in_(onboarding_ids),
            task.withdrawn_at.is_(None),
        )
        .subquery("task_states")
    )


def finished(states: Subquery) -> ColumnElement[bool]:
    """Done (no sign-off needed) or signed off."""
    done = and_(states.c.last_kind.in_(DONE), states.c.signoff == "none")
    return or_(done, states.c.last_kind == EventKind.SIGNED_OFF)


def awaiting(states: Subquery) -> ColumnElement[bool]:
    return and_(states.c.last_kind.in_(DONE), states.c.signoff != "none")


def to_act(states: Subquery) -> ColumnElement[bool]:
    """The hire still has to act: nothing counted yet, undone, or sent back for practice."""
    return or_(states.c.last_kind.is_(None), states.c.last_kind.in_(TO_ACT))


def overdue(states: Subquery, today: date) -> ColumnElement[bool]:
    return and_(to_act(states), states.c.due_date < today)


def started(states: Subquery) -> ColumnElement[bool]:
    return and_(states.c.last_kind.is_not(None), states.c.last_kind != EventKind.UNDONE)


def in_plan(states: Subquery) -> ColumnElement[bool]:
    """Progress counts the plan itself: renewals that follow it are not part of onboarding."""
    return states.c.renewal_of_id.is_(None)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the group meet ``condition`` (0 for an empty group)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
