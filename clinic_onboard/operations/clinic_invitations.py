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
    """What the manager typed for a hire (``app_role`` is what they may do in the clinic)."""

    name: str
    email: str
    role: ClinicRole
    start_date: date
    supervisor: User | None
    app_role: AppRole = AppRole.STAFF
    # The plan's language ("en" or "fr"); None is the clinic's.
    language: str | None = None


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
            app_role=details.app_role,
            language=details.language,
        )
    check_new_hire(clinic, details.role, details.start_date, details.supervisor)
    check_not_own_supervisor(user, details.supervisor)
    return invite(clinic, actor, user, details)


def invite(clinic: Clinic, actor: User, user: User, details: HireDetails) -> ClinicInvitation:
    """An invitation to join as a hire, with the plan made on accepting."""
    invitation = ClinicInvitation(
        role=details.role,
        start_date=details.start_date,
        supervisor=details.supervisor,
        language=details.language,
    )
    facts = {"role": details.role.name, "start_date": details.start_date.isoformat()}
    return _send(clinic, actor, user, invitation, details.name, details.app_role, facts)


def invite_member(
    clinic: Clinic, actor: User, user: User, name: str, app_role: AppRole
) -> ClinicInvitation:
    """An invitation to join in ``app_role`` with no onboarding (a supervisor, a manager)."""
    return _send(clinic, actor, user, ClinicInvitation(), name, app_role, {})


def _send(
    clinic: Clinic,
    actor: User,
    user: User,
    invitation: ClinicInvitation,
    name: str,
    app_role: AppRole,
    facts: dict[str, str],
) -> ClinicInvitation:
    """The one place an invitation is stored (forms and CSV import alike); it counts against
    the clinic's invitation quota like a set-password link."""
    if _invitation(clinic, user) is not None:
        message = _("%(email)s has already been invited; see the staff page.", email=user.email)
        raise OnboardingError(message, "email")
    invitation_quota.check(clinic)
    invitation.clinic_id, invitation.user, invitation.invited_by = clinic.id, user, actor
    invitation.name, invitation.app_role = name.strip(), app_role
    db.session.add(invitation)
    after = {"email": user.email, "app_role": app_role.value, **facts}
    audit.record(clinic.id, actor, "clinic_invitation.send", invitation.name, None, after)
    db.session.flush()
    return invitation


def accept(invitation: ClinicInvitation, catalog: Catalog | None = None) -> Onboarding | None:
    """The person joins in the invitation's app role, and a hire's plan is made now; the
    invitation is used up. None when the invitation carries no onboarding."""
    clinic, user, role = invitation.clinic, invitation.user, invitation.role
    supervisor, invited_by = invitation.supervisor, invitation.invited_by
    name, start_date, app_role = invitation.name, invitation.start_date, invitation.app_role
    plan = None
    if role is not None and start_date is not None:
        library_now = catalog or library.catalog()
        plan = plan_or_error(library_now, clinic, role, start_date, invitation.language)
    _claim(invitation, delete(ClinicInvitation))
    db.session.expunge(invitation)
    membership = add_member(user, clinic, app_role)
    db.session.flush()
    after = {"email": user.email, "app_role": app_role.value, "role": role.name if role else None}
    audit.record(clinic.id, user, "clinic_invitation.accept", name, None, after)
    if plan is None or role is None or start_date is None:
        return None
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
