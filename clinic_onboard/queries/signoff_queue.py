"""The sign-off queue: items waiting for a signer, in four queries whatever the number of hires.

The rows are those of the signer's scope (a supervisor's own hires, a manager's whole clinic);
whether the signer may sign each one (not their own item, the item's sign-off rule) is the
view's policy check.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import defer, joinedload

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.queries.task_states import awaiting, task_states


@dataclass(frozen=True)
class QueueRow:
    onboarding: Onboarding
    task: OnboardingTask
    completion: OnboardingEvent | None


def awaiting_signoff(signer: Membership) -> list[QueueRow]:
    """Items waiting for sign-off among the hires ``signer`` oversees, oldest completion first.

    Completed onboardings count only while a renewal of theirs, or an acknowledgement signed
    again for a new version of the clinic's document, is waiting. The database finds
    the waiting items (``task_states``); only they, their hires and completions are loaded.
    """
    waiting = _waiting(signer)
    tasks = _by_id(OnboardingTask, [task_id for task_id, _, _ in waiting], _LEAN_TASK)
    onboardings = _by_id(Onboarding, {o for _, o, _ in waiting}, _HIRE_NAME)
    events = _by_id(OnboardingEvent, [event_id for _, _, event_id in waiting], ())
    rows = [QueueRow(onboardings[o], tasks[t], events[e]) for t, o, e in waiting]
    return sorted(rows, key=lambda r: r.completion.created_at if r.completion else r.task.due_date)


# No guidance text: the queue shows titles only.
_LEAN_TASK = (defer(OnboardingTask.guidance),)
_HIRE_NAME = (joinedload(Onboarding.membership).joinedload(Membership.user),)


def _waiting(signer: Membership) -> list[tuple[int, int, int]]:
    """(task, onboarding, completion event) of each item waiting for this signer's sign-off."""
    scope = select(Onboarding.id).where(Onboarding.clinic_id == signer.clinic_id)
    if not policy.signs_for_every_hire(signer.role):
        scope = scope.where(Onboarding.supervisor_id == signer.user_id)
    states = task_states(signer.clinic_id, scope)
    query = (
        select(states.c.task_id, states.c.onboarding_id, states.c.last_event_id)
        .join(Onboarding, Onboarding.id == states.c.onboarding_id)
        .where(awaiting(states), states.c.signoff.in_(sorted(policy.SIGNS[signer.role])))
        .where(
            or_(
                Onboarding.status == OnboardingStatus.ACTIVE,
                states.c.renewal_of_id.is_not(None),
                # Signed again after a new version of the clinic's document (nothing else
                # waits in a completed record).
                states.c.kind == "acknowledgement",
            ),
            Onboarding.status != OnboardingStatus.LEFT,  # a person who left signs nothing more
        )
    )
    return [tuple(row) for row in db.session.execute(query)]


def _by_id(model: type, ids: Iterable[int], options: tuple) -> dict:
    """Rows of ``model`` by id, in one query (none when there are no ids)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(model).where(model.id.in_(wanted)).options(*options)
    return {row.id: row for row in db.session.scalars(query).unique()}


@dataclass(frozen=True)
class QueueFilter:
    """What the signer narrowed the queue to: one hire (an onboarding id), one item kind, and
    whether the rows run by due date rather than by completion."""

    hire: int | None = None
    kind: str | None = None
    by_due_date: bool = False

    def apply(self, rows: Sequence[QueueRow]) -> list[QueueRow]:
        kept = [
            row
            for row in rows
            if (self.hire is None or row.onboarding.id == self.hire)
            and (self.kind is None or row.task.kind == self.kind)
        ]
        if self.by_due_date:
            kept.sort(key=lambda row: (row.task.due_date, row.task.id))
        return kept


def named_tasks(clinic_id: int, ids: Collection[int]) -> list[OnboardingTask]:
    """The clinic's items among ``ids`` with their hire: a batch names the ones it skipped."""
    if not ids:
        return []
    query = (
        select(OnboardingTask)
        .where(OnboardingTask.clinic_id == clinic_id, OnboardingTask.id.in_(sorted(ids)))
        .options(
            joinedload(OnboardingTask.onboarding)
            .joinedload(Onboarding.membership)
            .joinedload(Membership.user)
        )
    )
    return list(db.session.scalars(query).unique())
