"""The sign-off queue: items waiting for a signer, in three queries whatever the number of hires.

The rows are those of the signer's scope (a supervisor's own hires, a manager's whole clinic);
whether the signer may sign each one (not their own item, the item's sign-off rule) is the
view's policy check.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.queries.record import fold_records
from clinic_onboard.record.states import TaskStatus


@dataclass(frozen=True)
class QueueRow:
    onboarding: Onboarding
    task: OnboardingTask
    completion: OnboardingEvent | None


def awaiting_signoff(signer: Membership) -> list[QueueRow]:
    """Items waiting for sign-off among the hires ``signer`` oversees, oldest completion first.

    Completed onboardings count only while a renewal of theirs is waiting.
    """
    renewing = select(OnboardingTask.onboarding_id).where(
        OnboardingTask.clinic_id == signer.clinic_id, OnboardingTask.renewal_of_id.is_not(None)
    )
    renewing = renewing.join(Onboarding).where(Onboarding.status != OnboardingStatus.LEFT)
    query = (
        select(Onboarding)
        .where(Onboarding.clinic_id == signer.clinic_id)
        .where(or_(Onboarding.status == OnboardingStatus.ACTIVE, Onboarding.id.in_(renewing)))
        .options(joinedload(Onboarding.membership).joinedload(Membership.user))
        .order_by(Onboarding.start_date, Onboarding.id)
    )
    if not policy.signs_for_every_hire(signer.role):
        query = query.where(Onboarding.supervisor_id == signer.user_id)
    onboardings = list(db.session.scalars(query).unique())
    tasks, events = _tasks_and_events(signer, [o.id for o in onboardings])
    rows = [row for o in onboardings for row in _waiting(o, tasks[o.id], events[o.id])]
    return sorted(rows, key=lambda r: r.completion.created_at if r.completion else r.task.due_date)


def _tasks_and_events(signer: Membership, ids: list[int]) -> tuple[dict, dict]:
    tasks: dict[int, list[OnboardingTask]] = defaultdict(list)
    events: dict[int, list[OnboardingEvent]] = defaultdict(list)
    for task in db.session.scalars(
        select(OnboardingTask)
        .join(Onboarding)
        .where(
            OnboardingTask.onboarding_id.in_(ids),
            OnboardingTask.signoff.in_(sorted(policy.SIGNS[signer.role])),
        )
        .where(
            or_(
                Onboarding.status == OnboardingStatus.ACTIVE,
                OnboardingTask.renewal_of_id.is_not(None),
            )
        )
        .order_by(OnboardingTask.position)
    ):
        tasks[task.onboarding_id].append(task)
    for event in db.session.scalars(
        select(OnboardingEvent)
        .where(OnboardingEvent.onboarding_id.in_(ids))
        .order_by(OnboardingEvent.onboarding_id, OnboardingEvent.seq)
    ):
        events[event.onboarding_id].append(event)
    return tasks, events


def _waiting(onboarding: Onboarding, tasks: list, events: list) -> list[QueueRow]:
    records = fold_records(tasks, events)
    return [
        QueueRow(onboarding, task, records[task.id].completion)
        for task in tasks
        if task.id in records and records[task.id].status is TaskStatus.AWAITING_SIGNOFF
    ]
