"""A new clinic's first steps, read from its own data in one query: the dashboard lists those
still to do, and the list is gone once every step is done."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicInvitation,
    ClinicRole,
    Membership,
    Onboarding,
)


@dataclass(frozen=True)
class Step:
    """One first step: its key (the template words it) and whether the data shows it done."""

    key: str
    done: bool


def getting_started(clinic_id: int) -> list[Step]:
    """The steps in order: profile, clock and open days, a role, a supervisor, a hire."""
    checks = {
        "profile": _logged(clinic_id, "clinic.update_profile"),
        "hours": _logged(clinic_id, "clinic.update_hours"),
        "role": exists().where(ClinicRole.clinic_id == clinic_id),
        "supervisor": _someone_supervises(clinic_id),
        "hire": exists().where(Onboarding.clinic_id == clinic_id)
        | exists().where(
            ClinicInvitation.clinic_id == clinic_id, ClinicInvitation.role_id.is_not(None)
        ),
    }
    row = db.session.execute(select(*checks.values())).one()
    return [Step(key, bool(done)) for key, done in zip(checks, row, strict=True)]


def _logged(clinic_id: int, action: str) -> ColumnElement[bool]:
    return exists().where(AuditEvent.clinic_id == clinic_id, AuditEvent.action == action)


def _someone_supervises(clinic_id: int) -> ColumnElement[bool]:
    """A supervisor, or a second manager, is a member or has been invited."""
    supervising = (AppRole.SUPERVISOR, AppRole.MANAGER)
    managers = (
        select(Membership.id)
        .where(Membership.clinic_id == clinic_id, Membership.role == AppRole.MANAGER)
        .offset(1)
        .limit(1)
    )
    return (
        exists().where(Membership.clinic_id == clinic_id, Membership.role == AppRole.SUPERVISOR)
        | exists(managers)
        | exists().where(
            ClinicInvitation.clinic_id == clinic_id, ClinicInvitation.app_role.in_(supervising)
        )
    )
