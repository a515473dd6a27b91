"""The clinic's roles, by name."""

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicInvitation, ClinicRole, Onboarding


def clinic_roles(clinic_id: int, *, tailoring: bool = False) -> list[ClinicRole]:
    """The clinic's roles by name; ``tailoring`` brings each one's switched-off and custom
    items with it (the roles page lists them)."""
    query = select(ClinicRole).where(ClinicRole.clinic_id == clinic_id).order_by(ClinicRole.name)
    if tailoring:
        query = query.options(
            selectinload(ClinicRole.switched_off), selectinload(ClinicRole.custom_items)
        )
    return list(db.session.scalars(query))


def hiring_roles(clinic_id: int) -> list[ClinicRole]:
    """The roles a new hire or invitation may be given: not archived, by name."""
    query = select(ClinicRole).where(
        ClinicRole.clinic_id == clinic_id, ClinicRole.archived_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(ClinicRole.name)))


def role_in_use(role_id: int) -> bool:
    """Whether anyone was ever hired or invited into the role (its history needs it)."""
    hired = exists().where(Onboarding.role_id == role_id)
    invited = exists().where(ClinicInvitation.role_id == role_id)
    return bool(db.session.scalar(select(or_(hired, invited))))
