"""A clinic's people beyond hires: inviting a manager, supervisor or staff member without a
plan, and changing what a member may do (their app role).

A new email gets an account this clinic created, with no password until the person uses a
set-password link (``invitations.issue_link``, which applies the invitation quota). An email
that already has an account only gets an invitation (``clinic_invitations.invite_member``):
joining a clinic is the person's choice. A clinic always keeps at least one manager.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, ClinicInvitation, Membership, User
from clinic_onboard.operations import audit, clinic_invitations
from clinic_onboard.operations.accounts import add_member, create_user, find_user
from clinic_onboard.operations.onboarding import OnboardingError, membership_in


@dataclass(frozen=True)
class PersonDetails:
    """What the manager typed for someone who joins without an onboarding."""

    name: str
    email: str
    app_role: AppRole


def invite_person(
    clinic: Clinic, actor: User, details: PersonDetails
) -> Membership | ClinicInvitation:
    """A member with a new account (link next), or an invitation for an existing account.

    Flushes, never commits. The quota is checked by ``issue_link`` or the invitation itself.
    """
    user = find_user(details.email)
    if user is not None and membership_in(clinic, user) is not None:
        message = _("%(email)s already belongs to this clinic.", email=user.email)
        raise OnboardingError(message, "email")
    if user is not None:
        return clinic_invitations.invite_member(clinic, actor, user, details.name, details.app_role)
    user = create_user(details.email, details.name, None, created_by=clinic)
    membership = add_member(user, clinic, details.app_role)
    db.session.flush()
    after = {"email": user.email, "role": details.app_role.value}
    audit.record(clinic.id, actor, "member.add", user.display_name, None, after)
    return membership


def change_app_role(membership: Membership, actor: User, role: AppRole) -> bool:
    """Give a member another app role; False when it is already theirs.

    The clinic's last manager keeps the role: a clinic without a manager could never again
    add anyone, change a role or give a final sign-off.
    """
    before = membership.role
    if before == role:
        return False
    if before == AppRole.MANAGER and _managers(membership.clinic_id) <= 1:
        raise OnboardingError(
            _(
                "%(name)s is this clinic's only manager. Make someone else a manager first: "
                "a clinic always keeps at least one.",
                name=membership.user.display_name,
            ),
            "app_role",
        )
    membership.role = role
    audit.record(
        membership.clinic_id,
        actor,
        "member.role",
        membership.user.display_name,
        {"role": before.value},
        {"role": role.value},
    )
    db.session.flush()
    return True


def _managers(clinic_id: int) -> int:
    """The clinic's managers, counted with the rows locked on PostgreSQL, so two managers
    demoting each other at once cannot both succeed."""
    ids = select(Membership.id).where(
        Membership.clinic_id == clinic_id, Membership.role == AppRole.MANAGER
    )
    return len(list(db.session.scalars(ids.with_for_update())))
