"""Reads about one member for the People pages."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from clinic_onboard.extensions import db
from clinic_onboard.models import Membership, Onboarding, OnboardingStatus, User


def supervised_count(clinic_id: int, user_id: int) -> int:
    """How many onboardings in progress in the clinic this person supervises."""
    query = select(func.count()).where(
        Onboarding.clinic_id == clinic_id,
        Onboarding.supervisor_id == user_id,
        Onboarding.status == OnboardingStatus.ACTIVE,
    )
    return db.session.scalar(query) or 0


def supervising_now(clinic_id: int) -> list[Membership]:
    """The members who supervise an onboarding in progress, by name: whose hires can move
    (someone made staff since keeps their hires until they are moved)."""
    supervising = select(Onboarding.supervisor_id).where(
        Onboarding.clinic_id == clinic_id, Onboarding.status == OnboardingStatus.ACTIVE
    )
    query = (
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.clinic_id == clinic_id, Membership.user_id.in_(supervising))
        .options(joinedload(Membership.user))
        .order_by(User.display_name, Membership.id)
    )
    return list(db.session.scalars(query))
