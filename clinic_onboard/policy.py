"""Who may do what: the one place access rules live.

Pure: it imports neither Flask nor SQLAlchemy, so the models import ``AppRole`` from here and
the rules are unit-tested with plain values. Each rule takes plain values or any object with
the attributes it reads (a ``Membership``, an ``Onboarding``, or a test's stand-in); views
and operations call the same function, so a rule is never written twice.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol

from clinic_onboard.record.states import SignoffForm, TaskStatus


class AppRole(StrEnum):
    """What a person may do in one clinic."""

    MANAGER = "manager"
    SUPERVISOR = "supervisor"
    STAFF = "staff"


MANAGERS = frozenset({AppRole.MANAGER})
# Those who supervise hires: they see the clinic's people, sign items off, may be named a
# hire's supervisor, and must use two-factor sign-in where their clinic requires it.
SUPERVISING = frozenset({AppRole.MANAGER, AppRole.SUPERVISOR})
# The items each role signs off (by the item's ``signoff``); a supervisor only their own hires'.
SIGNS = {
    AppRole.MANAGER: frozenset({"supervisor", "manager"}),
    AppRole.SUPERVISOR: frozenset({"supervisor"}),
    AppRole.STAFF: frozenset(),
}
# What a signature attests for each library kind; a kind not listed is confirmed as done.
SIGNOFF_FORMS = {
    "competency": SignoffForm.COMPETENCY,
    "credential": SignoffForm.DOCUMENT,
    "document_check": SignoffForm.DOCUMENT,
    "acknowledgement": SignoffForm.CONFIRMATION,
    "reading": SignoffForm.CONFIRMATION,
    "task": SignoffForm.CONFIRMATION,
}
# A completion its author may take back: not yet signed off.
UNDOABLE = frozenset({TaskStatus.AWAITING_SIGNOFF, TaskStatus.DONE})


class Member(Protocol):
    """A person's membership of one clinic (``models.Membership``)."""

    id: int
    role: AppRole
    user_id: int
    clinic_id: int


class Hire(Protocol):
    """An onboarding (``models.Onboarding``): whose it is and who supervises it."""

    membership_id: int
    membership: Member
    supervisor_id: int | None


class SignedItem(Protocol):
    """An item of a plan (``models.OnboardingTask``): who signs it off."""

    signoff: str


class Completion(Protocol):
    actor_id: int | None


class ItemRecord(Protocol):
    """An item's state folded from the record (``operations.progress.TaskRecord``)."""

    status: TaskStatus
    completion: Completion | None


class Account(Protocol):
    """A person's account (``models.User``): who made it and where it is used."""

    created_by_clinic_id: int | None
    memberships: Iterable[Member]


class ClinicSetting(Protocol):
    require_two_factor: bool


class MemberOfClinic(Member, Protocol):
    clinic: ClinicSetting


def can_manage_clinic(role: AppRole) -> bool:
    """Edit the clinic profile, its roles and its staff."""
    return role in MANAGERS


def can_view_people(role: AppRole) -> bool:
    """See the clinic's member list and each member's page."""
    return role in SUPERVISING


def can_review_signoffs(role: AppRole) -> bool:
    """Open the sign-off queue (the items themselves are checked by ``may_sign``)."""
    return role in SUPERVISING


def can_supervise(role: AppRole) -> bool:
    """Be named a hire's supervisor."""
    return role in SUPERVISING


def can_sign_off(
    signer_role: AppRole,
    signer_user_id: int,
    hire_user_id: int,
    supervisor_id: int | None,
    task_signoff: str,
) -> bool:
    """Staff never; nobody their own onboarding; a supervisor only their hires' "supervisor"
    items; a manager any item of their clinic (the clinic is checked by tenancy first)."""
    if signer_user_id == hire_user_id or task_signoff not in SIGNS[signer_role]:
        return False
    return signs_for_every_hire(signer_role) or supervisor_id == signer_user_id


def signs_for_every_hire(role: AppRole) -> bool:
    """A manager signs for every hire of the clinic; anyone else only for the hires they
    supervise (the sign-off queue's query narrows by this and by ``SIGNS``)."""
    return role in MANAGERS


def may_sign(signer: Member, onboarding: Hire, task: SignedItem) -> bool:
    """``can_sign_off`` for a member, an onboarding and one of its items."""
    return can_sign_off(
        signer.role,
        signer.user_id,
        onboarding.membership.user_id,
        onboarding.supervisor_id,
        task.signoff,
    )


def signoff_form(kind: str) -> SignoffForm:
    """How an item of this kind is signed off: a competency is assessed, a document is seen
    and verified or rejected, anything else is confirmed as done (the hire's own signature of
    an acknowledgement is the record; a supervisor confirms it only where the item asks)."""
    return SIGNOFF_FORMS.get(kind, SignoffForm.CONFIRMATION)


def can_view_record(viewer: Member, onboarding: Hire) -> bool:
    """An onboarding's record, its PDF and its files: the hire, their supervisor and the
    clinic's managers (the clinic is checked by tenancy first)."""
    return (
        viewer.role == AppRole.MANAGER
        or viewer.user_id == onboarding.membership.user_id
        or (viewer.role == AppRole.SUPERVISOR and viewer.user_id == onboarding.supervisor_id)
    )


def can_correct_record(role: AppRole) -> bool:
    """Void an event with a reason, and give the final sign-off."""
    return role in MANAGERS


def can_correct_log(role: AppRole) -> bool:
    """Void a clinic log's reading with a reason (a wrong fridge or a typo): who supervises."""
    return role in SUPERVISING


def can_complete_onboarding(manager: Member, onboarding: Hire) -> bool:
    """The final sign-off: a manager, never on their own onboarding."""
    return manager.role in MANAGERS and manager.user_id != onboarding.membership.user_id


def is_hire(member: Member, onboarding: Hire) -> bool:
    """The onboarding is this membership's own: only the hire ticks, signs and records its
    items, and a hire only ever reaches their own onboarding."""
    return onboarding.membership_id == member.id


def can_undo(user_id: int, record: ItemRecord) -> bool:
    """Take back a completion: only its author, and only before it is signed off."""
    completion = record.completion
    return record.status in UNDOABLE and completion is not None and completion.actor_id == user_id


def manages_every_clinic_of(
    manager_memberships: Iterable[Member], their_memberships: Iterable[Member]
) -> bool:
    """True when every clinic the person belongs to is managed by this manager.

    Signing someone out everywhere or removing their second factor reaches every clinic the
    account is used in; without this rule a manager could add another clinic's manager by
    email and sign them out again and again, or strip their protection. The same rule decides
    whether the member page shows the person's two-factor state.
    """
    managed = {m.clinic_id for m in manager_memberships if m.role == AppRole.MANAGER}
    return {m.clinic_id for m in their_memberships} <= managed


def two_factor_required(memberships: Iterable[MemberOfClinic]) -> bool:
    """A person must use two-factor when any clinic that requires it has them as a manager or
    supervisor (being staff elsewhere does not lift it)."""
    return any(m.role in SUPERVISING and m.clinic.require_two_factor for m in memberships)


def account_is_clinics_own(account: Account, clinic_id: int) -> bool:
    """The clinic made this account and is the only one using it: only then may it correct the
    person's name, change an email never used to sign in, or delete an account added by
    mistake. A person who also belongs elsewhere keeps what they are known by there."""
    return account.created_by_clinic_id == clinic_id and all(
        m.clinic_id == clinic_id for m in account.memberships
    )


# Where each person lands after signing in: where their work is (endpoint names).
LANDING = {
    AppRole.MANAGER: "dashboard.index",
    AppRole.SUPERVISOR: "signoffs.index",
    AppRole.STAFF: "my.index",
}


def landing_page(role: AppRole) -> str:
    """A manager lands on the dashboard, a supervisor on the sign-off queue, a hire on their
    own onboarding."""
    return LANDING[role]
