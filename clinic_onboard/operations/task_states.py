"""Each task's kept state (``OnboardingTask.state_*``), brought in step with its events.

``record.append_event`` calls ``follow`` after every event it adds: a state event becomes the
task's newest, a completion also its newest completion. A correction (VOIDED) can bring an
older event back on top, so that task is folded again from its events by the pure
``record.states.kept_state``. ``refresh`` folds whole records again, for rows written in bulk
without the verbs (the benchmark's seeder, a restored backup) and for ``verify-task-states
--repair``.
"""

from collections.abc import Sequence

from sqlalchemy import bindparam, update

from clinic_onboard.extensions import db
from clinic_onboard.models import OnboardingEvent, OnboardingTask
from clinic_onboard.queries.task_states import folded_states, kept_states, task_events
from clinic_onboard.record.states import DONE_KINDS, STATE_KINDS, EventKind, KeptState, kept_state


def follow(task: OnboardingTask, event: OnboardingEvent) -> None:
    """Keep ``task``'s state in step with ``event``, just appended to its record."""
    if event.kind == EventKind.VOIDED:
        keep(task, kept_state(task_events(task)))
    elif event.kind in STATE_KINDS:
        task.state_event_id, task.state_kind = event.id, event.kind
        if event.kind in DONE_KINDS:
            task.done_event_id = event.id


def keep(task: OnboardingTask, state: KeptState) -> None:
    task.state_event_id, task.state_kind, task.done_event_id = (
        state.event_id,
        state.kind,
        state.done_id,
    )


def refresh(onboarding_ids: Sequence[int]) -> int:
    """Fold every task of these onboardings again and write the rows that disagree, in one
    UPDATE; how many were written. A Core UPDATE: task objects already loaded in the session
    keep their old values until expired (its callers write records in bulk, not through them)."""
    folded, kept = folded_states(onboarding_ids), kept_states(onboarding_ids)
    changed = [
        {"b_task": task_id, "b_event": s.event_id, "b_kind": s.kind, "b_done": s.done_id}
        for task_id, s in folded.items()
        if s != kept[task_id][1]
    ]
    if changed:
        table = OnboardingTask.__table__
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_task"))
            .values(
                state_event_id=bindparam("b_event"),
                state_kind=bindparam("b_kind"),
                done_event_id=bindparam("b_done"),
            )
        )
        db.session.execute(statement, changed)
    return len(changed)
