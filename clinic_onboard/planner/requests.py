"""Checks on what the caller asked for, so a bad slug fails loudly instead of planning nothing."""

from collections.abc import Iterable, Mapping

from clinic_onboard.catalog import Catalog, FieldProblem, check_task_fields
from clinic_onboard.planner.profile import ClinicProfile, CustomItem

CUSTOM_MODULE = "clinic"
# The module heading of a clinic's own items, in each language a plan can be made in.
CUSTOM_MODULE_TITLES: Mapping[str, str] = {
    "en": "Clinic-specific items",
    "fr": "Éléments propres à la clinique",
}


def check_request(catalog: Catalog, profile: ClinicProfile, role: str) -> None:
    """Raise ValueError naming the first unknown province, setting, role, option or EMR."""
    _check_known("province or territory", profile.province, catalog.jurisdictions)
    _check_known("setting", profile.setting, catalog.settings)
    _check_known("role", role, catalog.roles)
    for option in sorted(profile.options):
        _check_known("option", option, catalog.options)
    if profile.emr is not None:
        _check_known("EMR product", profile.emr, catalog.emr_products)


def _check_known(what: str, value: str, known: Mapping[str, object]) -> None:
    if value not in known:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(known)}")


def check_custom_items(catalog: Catalog, items: Iterable[CustomItem]) -> None:
    """Raise ValueError naming the item and field of the first custom item that breaks a rule."""
    seen: set[str] = set()
    for item in items:
        problems = _problems(item, catalog.has_entry(item.id) or item.id in seen)
        if problems:
            details = "; ".join(
                f"{p.field}: {p.message}" if p.field else p.message for p in problems
            )
            raise ValueError(f"custom item {item.id!r}: {details}")
        seen.add(item.id)


def _problems(item: CustomItem, id_taken: bool) -> list[FieldProblem]:
    texts = {"id": item.id, "title": item.title, "guidance": item.guidance}
    problems = [
        FieldProblem(name, "must not be empty") for name, text in texts.items() if not text.strip()
    ]
    if id_taken:
        problems.append(FieldProblem("id", "already used by another item"))
    timing = {
        "kind": item.kind,
        "phase": item.phase,
        "due_days": item.due_days,
        "signoff": item.signoff,
        "validity_months": item.validity_months,
        "renews": item.renews,
    }
    return problems + check_task_fields(timing)
