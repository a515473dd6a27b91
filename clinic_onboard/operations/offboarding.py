"""The offboarding checklist of someone leaving: made from the library on their last day,
ticked by a manager (the person can no longer sign in here), and closed with the manager's
final sign-off like any onboarding record.

It is an ``Onboarding`` row of kind OFFBOARDING, so its items, events, hash chain, record page
and PDF are the onboarding machinery's.
"""

from flask_babel import gettext as _

from clinic_onboard import policy
from clinic_onboard.catalog import Catalog
from clinic_onboard.models import Membership, Onboarding, OnboardingStatus, OnboardingTask
from clinic_onboard.models.onboarding import OFFBOARDING
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations.onboarding import snapshot_plan
from clinic_onboard.operations.progress import ProgressRefused
from clinic_onboard.operations.record import append_event, start_change
from clinic_onboard.queries.leaving import latest_role
from clinic_onboard.queries.plan_inputs import offboarding_plan_for
from clinic_onboard.queries.record import task_records
from clinic_onboard.record.states import EventKind, is_finished


def start_offboarding(member: Membership, actor: Membership, catalog: Catalog) -> Onboarding | None:
    """The leaver's checklist, due on their last day, for the role they were onboarded in;
    None when they never had one here (a manager or supervisor added directly)."""
    role = latest_role(member)
    if role is None or member.left_on is None:
        return None
    try:
        plan = offboarding_plan_for(catalog, member.clinic, role, member.left_on)
    except ValueError:  # the library no longer knows the role's template: nothing to plan
        return None
    if not plan.tasks:
        return None
    return snapshot_plan(
        member, actor.user, role, member.left_on, None, plan, new_account=False, kind=OFFBOARDING
    )


def tick(onboarding: Onboarding, task: OnboardingTask, manager: Membership) -> None:
    """A manager records an offboarding item as done."""
    start_change(onboarding)
    if onboarding.kind != OFFBOARDING or not policy.can_manage_clinic(manager.role):
        raise ProgressRefused(_("Only a manager ticks the items of an offboarding."))
    if onboarding.status != OnboardingStatus.ACTIVE:
        raise ProgressRefused(_("This offboarding is complete; the record can no longer change."))
    found = task_records(onboarding).get(task.id)
    if found is None or is_finished(found.status):
        raise ProgressRefused(_("This item is already done."))
    append_event(onboarding, task, EventKind.COMPLETED, manager, {"at": utcnow().isoformat()})
