"""Adding a hire whose email already has an account: the clinic invites, the person decides.

An account is a person's, not a clinic's: another clinic adding the same email must not make
them a member, hand out a way to sign in as them, or show what other clinics know of them. So
``add_hire`` stores a ``ClinicInvitation`` (the name, role, start date and supervisor the
clinic chose) and the person, signed in, accepts or declines it. Only accepting makes them a
member, and their plan is made then, from the role as it is that day. Each step is written to
the inviting clinic's audit log; a decline is logged without naming the account's own name.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Delete, Update, delete, select, update

from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicInvitation,
    ClinicRole,
    InvitationStatus,
    Onboarding,
    User,
)
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import audit, invitation_quota
from clinic_onboard.operations.accounts import add_member, find_user
from clinic_onboard.operations.onboarding import (
    OnboardingError,
    check_new_hire,
    check_not_own_supervisor,
    is_supervisor,
    membership_in,
    plan_or_error,
    snapshot_plan,
    start_onboarding,
)
from clinic_onboard.services import library

_ANSWERED = _l("This invitation has already been answered or withdrawn.")


@dataclass(frozen=True)
class HireDetails:
    """What the manager typed for a hire."""

    name: str
    email: str
    role: ClinicRole
    start_date: date
    supervisor: User | None


def add_hire(
    clinic: Clinic, actor: User, details: HireDetails, catalog: Catalog | None = None
) -> Onboarding | ClinicInvitation:
    """A new email or a member of this clinic gets a plan now; any other account gets an
    invitation (flushes, never commits)."""
    user = find_user(details.email)
    if user is None or membership_in(clinic, user) is not None:
        return start_onboarding(
            clinic,
            actor,
            name=details.name,
            email=details.email,
            role=details.role,
            start_date=details.start_date,
            supervisor=details.supervisor,
            catalog=catalog,
        )
    check_new_hire(clinic, details.role, details.start_date, details.supervisor)
    check_not_own_supervisor(user, details.supervisor)
    return invite(clinic, actor, user, details)


def invite(clinic: Clinic, actor: User, user: User, details: HireDetails) -> ClinicInvitation:
    """The one place an invitation is made (form and CSV import alike); it counts against
    the clinic's invitation quota like a set-password link."""
    if _invitation(clinic, user) is not None:
        message = _("%(email)s has already been invited; see the staff page.", email=user.email)
        raise OnboardingError(message, "email")
    invitation_quota.check(clinic)
    invitation = ClinicInvitation(
        clinic_id=clinic.id,
        user=user,
        name=details.name.strip(),
        role=details.role,
        start_date=details.start_date,
        supervisor=details.supervisor,
        invited_by=actor,
    )
    db.session.add(invitation)
    after = {
        "email": user.email,
        "role": details.role.name,
        "start_date": details.start_date.isoformat(),
    }
    audit.record(clinic.id, actor, "clinic_invitation.send", invitation.name, None, after)
    db.session.flush()
    return invitation


def accept(invitation: ClinicInvitation, catalog: Catalog | None = None) -> Onboarding:
    """The person joins as staff and their plan is made now; the invitation is used up."""
    clinic, user, role = invitation.clinic, invitation.user, invitation.role
    supervisor, invited_by = invitation.supervisor, invitation.invited_by
    name, start_date = invitation.name, invitation.start_date
    plan = plan_or_error(catalog or library.catalog(), clinic, role, start_date)
    _claim(invitation, delete(ClinicInvitation))
    db.session.expunge(invitation)
    membership = add_member(user, clinic, AppRole.STAFF)
    db.session.flush()
    after = {"email": user.email, "role": role.name}
    audit.record(clinic.id, user, "clinic_invitation.accept", name, None, after)
    # Someone who stopped supervising in the meantime is not given this hire.
    if supervisor is not None and not is_supervisor(clinic, supervisor):
        supervisor = None
    onboarding = snapshot_plan(
        membership,
        invited_by or user,
        role,
        start_date,
        supervisor,
        plan,
        new_account=False,
    )
    db.session.flush()
    return onboarding


def decline(invitation: ClinicInvitation) -> None:
    """The person says no; the clinic sees it declined, under the name it typed."""
    answered = update(ClinicInvitation).values(
        status=InvitationStatus.DECLINED, responded_at=utcnow()
    )
    _claim(invitation, answered)
    db.session.expire(invitation)
    before = {"status": InvitationStatus.PENDING.value}
    after = {"status": InvitationStatus.DECLINED.value}
    # No actor: the log would show the name the person uses, which this clinic never learnt.
    audit.record(
        invitation.clinic_id, None, "clinic_invitation.decline", invitation.name, before, after
    )
    db.session.flush()


def withdraw(invitation: ClinicInvitation, actor: User) -> None:
    """The clinic takes back a pending or declined invitation (unless just accepted)."""
    before = {"status": invitation.status.value, "email": invitation.user.email}
    gone = db.session.execute(
        delete(ClinicInvitation)
        .where(ClinicInvitation.id == invitation.id)
        .execution_options(synchronize_session=False)
    )
    if gone.rowcount != 1:
        raise OnboardingError(_ANSWERED)
    audit.record(
        invitation.clinic_id, actor, "clinic_invitation.withdraw", invitation.name, before, None
    )
    db.session.expunge(invitation)
    db.session.flush()


def _claim(invitation: ClinicInvitation, statement: Delete | Update) -> None:
    """Answer the invitation only if it is still pending, in one statement, so two answers
    sent at once (a double click, accept in one tab and decline in another) make one."""
    pending = (ClinicInvitation.id == invitation.id) & (
        ClinicInvitation.status == InvitationStatus.PENDING
    )
    result = db.session.execute(
        statement.where(pending).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OnboardingError(_ANSWERED)


def _invitation(clinic: Clinic, user: User) -> ClinicInvitation | None:
    query = select(ClinicInvitation).where(
        ClinicInvitation.clinic_id == clinic.id, ClinicInvitation.user_id == user.id
    )
    return db.session.scalar(query)
