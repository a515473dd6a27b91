"""Renewal tasks: the next BLS card or yearly re-attestation, kept in step with the record.

After every event on a renewing item, ``sync_renewal`` makes sure exactly one next renewal
exists while the item has a live completion, dated from it (a credential's expiry, or the
signing date plus the item's validity). A renewal nobody has started moves with corrections:
re-recorded dates move it, an undo or a voided completion withdraws it. Once the hire has
started on a renewal it is left alone; its own completion creates the one after it.
"""

from datetime import date

from clinic_onboard.models import Onboarding, OnboardingTask
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations.record import record_renewal
from clinic_onboard.queries.record import TaskRecord
from clinic_onboard.record.renewals import next_due, renewal_item_id
from clinic_onboard.record.states import TaskStatus

COUNTED = frozenset({TaskStatus.AWAITING_SIGNOFF, TaskStatus.DONE, TaskStatus.SIGNED_OFF})


def sync_renewal(
    onboarding: Onboarding, task: OnboardingTask, records: dict[int, TaskRecord]
) -> None:
    """Create, move or withdraw the renewal that follows ``task`` (records: fresh folds)."""
    if not task.renews:
        return
    due = _due(task, records.get(task.id))
    child = next((t for t in onboarding.tasks if t.renewal_of_id == task.id), None)
    if child is None:
        if due is not None:
            renewal = _renewal_row(onboarding, task, due)
            onboarding.tasks.append(renewal)
            record_renewal(onboarding, renewal)  # the record states the new item
        return
    if child.id in records and records[child.id].events:
        return  # the hire has started on it: their own completion creates the next one
    if due is None:
        child.withdrawn_at = child.withdrawn_at or utcnow()
    else:
        child.withdrawn_at, child.due_date = None, due


def _due(task: OnboardingTask, record: TaskRecord | None) -> date | None:
    if record is None or record.status not in COUNTED or record.completion is None:
        return None
    completion = record.completion
    return next_due(
        task.kind, task.validity_months, completion.payload, completion.created_at.date()
    )


def _renewal_row(onboarding: Onboarding, task: OnboardingTask, due: date) -> OnboardingTask:
    return OnboardingTask(
        clinic_id=onboarding.clinic_id,
        item_id=renewal_item_id(task.item_id),
        position=max(t.position for t in onboarding.tasks) + 1,  # after the plan
        title=task.title,
        guidance=task.guidance,
        module=task.module,
        module_title=task.module_title,
        kind=task.kind,
        phase=None,
        due_date=due,
        signoff=task.signoff,
        basis=task.basis,
        references=list(task.references),
        validity_months=task.validity_months,
        renews=task.renews,
        custom=task.custom,
        renewal_of_id=task.id,
    )
