"""Each onboarding's kept verdict on whether its plan is behind its role (``Onboarding.behind``).

The staff list marks the hires whose plan differs from what their role gives today; reaching
that verdict builds today's plan and compares the snapshot with it, about 12 ms a hire, so a
page of 50 took 0.6 s whenever a worker had not seen them. The verdict is kept with a digest
of the plan's inputs (``queries.plans.plan_inputs``) and holds while that digest is today's and
the snapshot is unchanged. ``refresh`` reaches and keeps verdicts: after a plan is made or
brought up to date, and for ``verify-plan-verdicts --repair``. ``forget_changed``, before every
flush, clears the verdict of an onboarding whose snapshot changes (a task or duty, renewals
aside: they follow the record, not the role), so no kept verdict outlives what it judged. A
change to the inputs (a role's tailoring, the clinic's profile, the library) needs nothing
here: the digest no longer matches, and the page compares that hire itself until
``verify-plan-verdicts --repair`` keeps the verdict again.
"""

from collections.abc import Sequence
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.models import Onboarding, OnboardingDuty, OnboardingTask
from clinic_onboard.queries.plans import DUTY_FIELDS, TASK_FIELDS, behind_ids, plan_inputs

# What the comparison reads of a task or duty row besides the compared fields.
_TASK_JUDGED = frozenset({*TASK_FIELDS, "item_id", "withdrawn_at", "renewal_of_id"})
_DUTY_JUDGED = frozenset({*DUTY_FIELDS, "item_id"})


def listen() -> None:
    """The listener, once per process (the session class is shared by every app)."""
    if not event.contains(db.session, "before_flush", forget_changed):
        event.listen(db.session, "before_flush", forget_changed)


def refresh(onboardings: Sequence[Onboarding], catalog: Catalog) -> int:
    """Reach each onboarding's verdict with today's plan and keep it; how many changed."""
    return keep(onboardings, catalog, behind_ids(onboardings, catalog))


def keep(onboardings: Sequence[Onboarding], catalog: Catalog, behind: set[int]) -> int:
    """Keep the verdicts just reached (``behind``: the ids behind); how many changed."""
    changed, shared = 0, dict[int, str]()
    for onboarding in onboardings:
        kept = (plan_inputs(onboarding, catalog, shared), onboarding.id in behind)
        if (onboarding.behind_inputs, onboarding.behind) != kept:
            onboarding.behind_inputs, onboarding.behind = kept
            changed += 1
    return changed


def forget_changed(session: Session, flush_context: Any, instances: Any) -> None:
    """Before each flush: no kept verdict for an onboarding whose snapshot changes."""
    added_or_deleted = chain(session.new, session.deleted)
    edited = (row for row in session.dirty if _compared_columns_change(row))
    owners = {_owner(row) for row in chain(added_or_deleted, edited) if _judged(row)}
    for onboarding_id in sorted(owner for owner in owners if owner is not None):
        onboarding = session.get(Onboarding, onboarding_id)
        if onboarding is not None and onboarding not in session.deleted:
            onboarding.behind_inputs = onboarding.behind = None


def _judged(row: object) -> bool:
    """A row of the snapshot the comparison reads (a renewal follows the record instead)."""
    if isinstance(row, OnboardingTask):
        return row.renewal_of_id is None
    return isinstance(row, OnboardingDuty)


def _compared_columns_change(row: object) -> bool:
    """Whether a changed row's change is one the comparison sees (not a task's kept state)."""
    if isinstance(row, OnboardingTask):
        judged = _TASK_JUDGED
    elif isinstance(row, OnboardingDuty):
        judged = _DUTY_JUDGED
    else:
        return False
    attrs = inspect(row).attrs
    return any(attrs[name].history.has_changes() for name in judged)


def _owner(row: OnboardingTask | OnboardingDuty) -> int | None:
    parent = row.__dict__.get("onboarding")  # set on append, before any id exists
    return row.onboarding_id or (parent.id if parent is not None else None)
