"""A person who left coming back: a member again, and for a hire a new onboarding.

The earlier records stay exactly as they closed. The new plan starts from the role as it is
today; each credential or document check (a BLS card, a police check) still valid on the new
first day (within the library's ``validity_months``, as its recorded expiry says) is carried
over with an event of its own in the new record, naming the record and entry it came from.
"""

from dataclasses import dataclass
from datetime import date

from clinic_onboard.catalog import Catalog
from clinic_onboard.catalog.schema import DOCUMENT_KINDS
from clinic_onboard.models import ClinicRole, Membership, Onboarding, User
from clinic_onboard.operations import audit, leaving, record
from clinic_onboard.operations.onboarding import (
    check_new_hire,
    check_not_own_supervisor,
    plan_or_error,
    snapshot_plan,
)
from clinic_onboard.operations.renewals import sync_renewal
from clinic_onboard.queries.leaving import held_cards
from clinic_onboard.queries.record import task_records
from clinic_onboard.record.carry_over import HeldCard, still_valid
from clinic_onboard.record.states import EventKind


@dataclass(frozen=True)
class NewStart:
    """The returning hire's new onboarding: role, first day and supervisor."""

    role: ClinicRole
    start_date: date
    supervisor: User | None


def bring_back(
    member: Membership, actor: Membership, start: NewStart | None, catalog: Catalog
) -> Onboarding | None:
    """Make ``member`` a member again; with ``start``, give them a new onboarding too."""
    if start is None:
        leaving.reactivate(member, actor.user)
        return None
    # Every check before anything changes.
    check_new_hire(member.clinic, start.role, start.start_date, start.supervisor)
    check_not_own_supervisor(member.user, start.supervisor)
    plan = plan_or_error(catalog, member.clinic, start.role, start.start_date)
    leaving.reactivate(member, actor.user)
    cards = held_cards(member)  # read before the new onboarding exists
    onboarding = snapshot_plan(
        member, actor.user, start.role, start.start_date, start.supervisor, plan, new_account=False
    )
    carry_over(onboarding, still_valid(cards, start.start_date), actor)
    return onboarding


def carry_over(onboarding: Onboarding, valid: dict[str, HeldCard], actor: Membership) -> None:
    """Write a CARRIED_OVER event for each card or document of the new plan still valid."""
    carried = []
    for task in onboarding.tasks:
        card = valid.get(task.item_id)
        if card is None or task.kind not in DOCUMENT_KINDS:
            continue
        payload = {**card.payload, "from_onboarding": card.onboarding_id, "from_seq": card.seq}
        record.append_event(onboarding, task, EventKind.CARRIED_OVER, actor, payload)
        sync_renewal(onboarding, task, task_records(onboarding))  # the next card's renewal
        carried.append(task.item_id)
    if carried:
        after = {"item_id": carried}
        subject = audit.hire_subject(onboarding)
        audit.record(
            onboarding.clinic_id, actor.user, "onboarding.carry_over", subject, None, after
        )
