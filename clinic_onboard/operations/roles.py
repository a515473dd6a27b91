"""A clinic's roles: add one from a library template, rename it, switch library items off and
on, and add or remove the clinic's own items. Each change is written to the audit log."""

from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from clinic_onboard.catalog import Catalog, Phase, Signoff
from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, ClinicRole, RoleCustomItem, SwitchedOffItem, User
from clinic_onboard.operations import audit
from clinic_onboard.planner import CustomItem, build_plan
from clinic_onboard.planner.requests import check_custom_items
from clinic_onboard.queries.plan_inputs import clinic_profile
from clinic_onboard.services.library import catalog as library_catalog

# Credentials expire and need renewal rules only the library sets, so clinics cannot add them.
CUSTOM_KINDS = ("task", "competency", "reading", "acknowledgement")
_KIND_MESSAGE = (
    "Choose a task, competency, reading or acknowledgement; credentials come from the library."
)
NAME_MAX, TITLE_MAX, GUIDANCE_MAX, REASON_MAX = 120, 200, 4000, 500
# Every hire's plan, page and record PDF carries every custom item: 2,000 made one record PDF
# take 8.4 s and 10 MB to render. A role with more than this is a second role.
CUSTOM_ITEMS_MAX = 200
# Which library entries apply depends on the clinic and the role, never on the start date.
_ANY_START = date(2026, 1, 5)


class Rejected(ValueError):
    """A change the rules do not allow; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CustomItemDetails:
    title: str
    guidance: str
    kind: str
    phase: str
    signoff: str


def add_role(
    clinic: Clinic, actor: User | None, template: str, name: str, *, catalog: Catalog | None = None
) -> ClinicRole:
    """A new role from a library role template; a blank ``name`` takes the template's name."""
    library = catalog or library_catalog()
    if template not in library.roles:
        raise Rejected(
            "template",
            _("“%(slug)s” is not a role template in the content library.", slug=template),
        )
    # A blank name is the template's, in the clinic's language (its hires' plans are in it).
    name = _clean(name) or library.roles[template].name.get(clinic.language)
    _check_name(clinic.id, name)
    role = ClinicRole(clinic_id=clinic.id, template=template, name=name)
    db.session.add(role)
    db.session.flush()
    _record(role, actor, "role.add", None, {"role_id": role.id, "name": name, "template": template})
    return role


def rename_role(role: ClinicRole, actor: User | None, name: str) -> ClinicRole:
    """Give the role a new name; the same name again changes (and records) nothing."""
    name = _clean(name)
    if name == role.name:
        return role
    _check_name(role.clinic_id, name, role.id)
    before = {"role_id": role.id, "name": role.name}
    role.name = name
    _record(role, actor, "role.rename", before, {"role_id": role.id, "name": name})
    return role


def switch_off(
    role: ClinicRole,
    actor: User | None,
    item_id: str,
    reason: str,
    *,
    catalog: Catalog | None = None,
) -> SwitchedOffItem:
    """Stop giving a library item or duty to hires in this role, with the clinic's reason."""
    reason = " ".join(reason.split())
    titles = applicable_entries(catalog or library_catalog(), role)
    _check_switch_off(role, item_id, reason, titles)
    entry = SwitchedOffItem(clinic_id=role.clinic_id, item_id=item_id, reason=reason)
    role.switched_off.append(entry)
    after = {"role_id": role.id, "item_id": item_id, "switched_off": True, "reason": reason}
    before = {"role_id": role.id, "item_id": item_id, "switched_off": False}
    _record(role, actor, "role.switch_off", before, after)
    return entry


def _check_switch_off(role: ClinicRole, item_id: str, reason: str, titles: dict[str, str]) -> None:
    if item_id not in titles:
        raise Rejected(
            "reason", f"“{item_id}” is not a library item that applies to this role at this clinic."
        )
    if not reason:
        raise Rejected(
            "reason", "Give a reason, such as a clinic policy or work outside this role."
        )
    if len(reason) > REASON_MAX:
        raise Rejected("reason", _("Use at most %(max)s characters.", max=REASON_MAX))
    if any(entry.item_id == item_id for entry in role.switched_off):
        raise Rejected("reason", _("This item is already switched off for this role."))


def switch_on(entry: SwitchedOffItem, actor: User | None) -> None:
    """Give a switched-off item to hires in the role again. Rejected when another manager
    switched it on at the same moment: the audit log must not record it twice."""
    role = entry.role
    before = {
        "role_id": role.id,
        "item_id": entry.item_id,
        "switched_off": True,
        "reason": entry.reason,
    }
    gone = delete(SwitchedOffItem).where(SwitchedOffItem.id == entry.id)
    if db.session.execute(gone, execution_options={"synchronize_session": False}).rowcount == 0:
        raise Rejected("reason", _("This item was already switched back on."))
    db.session.expunge(entry)
    db.session.expire(role, ["switched_off"])
    after = {"role_id": role.id, "item_id": entry.item_id, "switched_off": False}
    _record(role, actor, "role.switch_on", before, after)


def add_custom_item(
    role: ClinicRole,
    actor: User | None,
    details: CustomItemDetails,
    *,
    catalog: Catalog | None = None,
) -> RoleCustomItem:
    """Add one of the clinic's own items to the role, planned like a library item."""
    if len(role.custom_items) >= CUSTOM_ITEMS_MAX:
        raise Rejected(
            "title",
            _(
                "This role already has %(max)d items of your own, the most a role can have. "
                "Remove one first, or make a second role for the rest.",
                max=CUSTOM_ITEMS_MAX,
            ),
        )
    details = _checked(details, catalog or library_catalog())
    item = RoleCustomItem(
        clinic_id=role.clinic_id,
        title=details.title,
        guidance=details.guidance,
        kind=details.kind,
        phase=details.phase,
        signoff=details.signoff,
        references=[],
    )
    role.custom_items.append(item)
    db.session.flush()
    _record(role, actor, "role.add_custom_item", None, _custom_snapshot(item))
    return item


def remove_custom_item(item: RoleCustomItem, actor: User | None) -> None:
    """Take one of the clinic's own items off the role (plans already started keep it)."""
    role = item.role
    before = _custom_snapshot(item)
    role.custom_items.remove(item)  # delete-orphan: the row goes at the flush
    _record(role, actor, "role.remove_custom_item", before, None)


def applicable_entries(catalog: Catalog, role: ClinicRole) -> dict[str, str]:
    """Title by id of every library item and duty for ``role`` at its clinic, on or off."""
    clinic = db.session.get(Clinic, role.clinic_id)
    assert clinic is not None  # the foreign key guarantees it
    plan = build_plan(catalog, clinic_profile(clinic), role.template, _ANY_START)
    return {entry.id: entry.title for entry in (*plan.tasks, *plan.duties)}


def _checked(details: CustomItemDetails, catalog: Catalog) -> CustomItemDetails:
    """The details tidied, or Rejected naming the first field that breaks a rule."""
    title, guidance = _clean(details.title), details.guidance.strip()
    rules = [
        ("title", bool(title), "Give the item a title."),
        ("title", len(title) <= TITLE_MAX, f"Use at most {TITLE_MAX} characters."),
        ("guidance", bool(guidance), "Say what the hire should do."),
        ("guidance", len(guidance) <= GUIDANCE_MAX, f"Use at most {GUIDANCE_MAX} characters."),
        ("kind", details.kind in CUSTOM_KINDS, _KIND_MESSAGE),
        ("phase", details.phase in get_args(Phase), "Choose when the item is due."),
        ("signoff", details.signoff in get_args(Signoff), "Choose who signs the item off."),
    ]
    for field, ok, message in rules:
        if not ok:
            raise Rejected(field, message)
    tidy = CustomItemDetails(title, guidance, details.kind, details.phase, details.signoff)
    _check_with_planner(tidy, catalog)
    return tidy


def _check_with_planner(details: CustomItemDetails, catalog: Catalog) -> None:
    """The planner's own rules, so a stored item can never break a plan later."""
    candidate = CustomItem(
        id="custom.new",
        title=details.title,
        guidance=details.guidance,
        kind=details.kind,
        signoff=details.signoff,
        phase=details.phase,
    )
    try:
        check_custom_items(catalog, [candidate])
    except ValueError as error:
        raise Rejected("title", str(error)) from error


def _check_name(clinic_id: int, name: str, role_id: int | None = None) -> None:
    if not name:
        raise Rejected("name", _("Give the role a name."))
    if len(name) > NAME_MAX:
        raise Rejected("name", _("Use at most %(max)s characters.", max=NAME_MAX))
    # SQLite's lower() folds ASCII only, so compare the exact name too (the unique constraint's).
    same = or_(ClinicRole.name == name, func.lower(ClinicRole.name) == name.lower())
    query = select(ClinicRole.id).where(ClinicRole.clinic_id == clinic_id, same)
    if role_id is not None:
        query = query.where(ClinicRole.id != role_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Rejected(
            "name",
            _("This clinic already has a role called “%(name)s”. Choose another.", name=name),
        )


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _custom_snapshot(item: RoleCustomItem) -> dict[str, Any]:
    return {
        "role_id": item.role_id,
        "item_id": item.item_id,
        "title": item.title,
        "guidance": item.guidance,
        "kind": item.kind,
        "phase": item.phase,
        "signoff": item.signoff,
    }


def _record(
    role: ClinicRole,
    actor: User | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """The subject is the role's name only: the item is in the values, by id, so the log can
    name it in the viewer's language."""
    audit.record(role.clinic_id, actor, action, role.name, before, after)
    db.session.flush()
