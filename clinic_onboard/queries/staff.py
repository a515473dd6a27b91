"""The clinic's people: its hires with their plans, its members, who may supervise, and
the invitations it sent."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    ClinicInvitation,
    ClinicRole,
    Membership,
    Onboarding,
    User,
)


def plans_of(clinic_id: int, onboarding_ids: Iterable[int]) -> list[Onboarding]:
    """The listed onboardings (one page of the staff list) with each role's tailoring, which
    keys whether a hire's plan is behind its role; ``plans.behind_ids`` loads the tasks and
    duties of those it has to compare."""
    role = joinedload(Onboarding.role)
    query = (
        select(Onboarding)
        .where(Onboarding.clinic_id == clinic_id, Onboarding.id.in_(list(onboarding_ids)))
        .options(role.selectinload(ClinicRole.switched_off))
        .options(role.selectinload(ClinicRole.custom_items))
    )
    return list(db.session.scalars(query).unique())


def supervisor_memberships(clinic_id: int) -> list[Membership]:
    """Who may supervise hires in the clinic, by name."""
    query = (
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.clinic_id == clinic_id, Membership.role.in_(policy.SUPERVISING))
        .options(joinedload(Membership.user))
        .where(Membership.left_on.is_(None))  # someone who left supervises nobody new
        .order_by(User.display_name, Membership.id)
    )
    return list(db.session.scalars(query))


def members(clinic_id: int, roles: Iterable[AppRole] | None = None) -> list[Membership]:
    """The clinic's members (only those in ``roles`` when given), by name, ignoring case."""
    query = (
        select(Membership)
        .where(Membership.clinic_id == clinic_id)
        .options(joinedload(Membership.user))
    )
    if roles is not None:
        query = query.where(Membership.role.in_(roles))
    return sorted(db.session.scalars(query), key=lambda m: m.user.display_name.lower())


def invitations_of_clinic(clinic_id: int) -> list[ClinicInvitation]:
    """The clinic's invitations still waiting or declined, newest first."""
    query = (
        select(ClinicInvitation)
        .where(ClinicInvitation.clinic_id == clinic_id)
        .options(joinedload(ClinicInvitation.user), joinedload(ClinicInvitation.role))
        .order_by(ClinicInvitation.created_at.desc(), ClinicInvitation.id.desc())
    )
    return list(db.session.scalars(query))
