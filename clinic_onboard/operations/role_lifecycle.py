"""The end of a role: archived once it has hires (no new ones, their plans unchanged), or
deleted when nobody was ever hired or invited into it. Each change is audit-logged."""

from flask_babel import gettext as _

from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole, User
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import audit
from clinic_onboard.queries.roles import role_in_use


class RoleRefused(ValueError):
    """The role cannot be archived, restored or deleted; the message says why."""


def archive_role(role: ClinicRole, actor: User) -> None:
    """Stop offering the role for new hires and invitations; the plans it gave stay as they are."""
    if role.archived_at is not None:
        raise RoleRefused(_("This role is already archived."))
    role.archived_at = utcnow()
    _record(role, actor, "role.archive", {"archived": False}, {"archived": True})


def restore_role(role: ClinicRole, actor: User) -> None:
    """Offer an archived role for new hires again."""
    if role.archived_at is None:
        raise RoleRefused(_("This role is not archived."))
    role.archived_at = None
    _record(role, actor, "role.restore", {"archived": True}, {"archived": False})


def delete_role(role: ClinicRole, actor: User) -> None:
    """Delete a role nobody was hired or invited into; one that was is archived instead."""
    if role_in_use(role.id):
        raise RoleRefused(_("People were hired or invited into this role: archive it instead."))
    facts = {"role_id": role.id, "name": role.name, "template": role.template}
    audit.record(role.clinic_id, actor, "role.delete", role.name, facts, None)
    db.session.delete(role)
    db.session.flush()


def _record(role: ClinicRole, actor: User, action: str, before: dict, after: dict) -> None:
    audit.record(role.clinic_id, actor, action, role.name, {"role_id": role.id, **before}, after)
    db.session.flush()
