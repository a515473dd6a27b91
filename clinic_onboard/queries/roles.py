"""The clinic's roles, by name."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole


def clinic_roles(clinic_id: int, *, tailoring: bool = False) -> list[ClinicRole]:
    """The clinic's roles by name; ``tailoring`` brings each one's switched-off and custom
    items with it (the roles page lists them)."""
    query = select(ClinicRole).where(ClinicRole.clinic_id == clinic_id).order_by(ClinicRole.name)
    if tailoring:
        query = query.options(
            selectinload(ClinicRole.switched_off), selectinload(ClinicRole.custom_items)
        )
    return list(db.session.scalars(query))
