"""Accounts across clinics: how many there are, and the clinics a person manages (for the
operator's commands, which act outside any one clinic)."""

from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership, User
from clinic_onboard.operations.accounts import normalize_email


def count_users() -> int:
    """How many accounts exist, in every clinic (the demo seeds only an empty database)."""
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def managed_clinics(email: str) -> list[Clinic]:
    """The clinics the person with this email manages (for the operator's command)."""
    query = (
        select(Clinic)
        .join(Membership, Membership.clinic_id == Clinic.id)
        .join(User, Membership.user_id == User.id)
        .where(User.email == normalize_email(email), Membership.role == AppRole.MANAGER)
        .order_by(Clinic.id)
    )
    return list(db.session.scalars(query))


def demo_loaded() -> bool:
    """Whether this database holds the demo clinic (``seed-demo`` marks it): only then does
    the sign-in page show the demo's published logins."""
    return bool(db.session.scalar(select(Clinic.id).where(Clinic.is_demo).limit(1)))
