"""build_plan: the library, a clinic and a role in; a dated, role-specific plan out.

Pure: no clock, no database. The same arguments always give an equal plan.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

from clinic_onboard.catalog import Catalog, Duty, Frequency, Item, Jurisdiction, Module, render
from clinic_onboard.planner.plan import Plan, PlannedDuty, PlannedTask, SwitchedOff
from clinic_onboard.planner.profile import ClinicProfile, CustomItem, RoleCustomization
from clinic_onboard.planner.requests import (
    CUSTOM_MODULE,
    CUSTOM_MODULE_TITLE,
    check_custom_items,
    check_request,
)
from clinic_onboard.planner.rules import Audience, applies
from clinic_onboard.planner.schedule import Schedule, after_requirements

_FREQUENCIES = get_args(Frequency)


@dataclass(frozen=True)
class _Selection:
    """The library entries that apply to the hire, split by whether the clinic kept them."""

    items: tuple[tuple[Module, Item], ...]
    duties: tuple[tuple[Module, Duty], ...]
    switched_off: tuple[tuple[Item | Duty, str], ...]


def build_plan(
    catalog: Catalog,
    profile: ClinicProfile,
    role: str,
    start_date: date,
    customization: RoleCustomization | None = None,
) -> Plan:
    """The plan for a hire in ``role`` at this clinic starting on ``start_date``.

    Raises ValueError for a slug the catalog does not know or a custom item that breaks a rule.
    """
    customization = customization or RoleCustomization()
    check_request(catalog, profile, role)
    check_custom_items(catalog, customization.custom_items)
    jurisdiction = catalog.jurisdictions[profile.province]
    chosen = _select(catalog, Audience(profile, catalog.role_scope(role)), customization.disabled)
    schedule = Schedule.starting(profile.province, start_date)
    return Plan(
        catalog_version=catalog.version,
        profile=profile,
        role=role,
        start_date=start_date,
        duties=_duties(chosen.duties, jurisdiction),
        tasks=_tasks(chosen.items, customization.custom_items, schedule, jurisdiction),
        switched_off=tuple(
            SwitchedOff(entry.id, render(entry.title, jurisdiction), reason)
            for entry, reason in chosen.switched_off
        ),
        unknown_switch_offs=tuple(
            sorted(i for i in customization.disabled if not catalog.has_entry(i))
        ),
    )


def _select(catalog: Catalog, audience: Audience, disabled: Mapping[str, str]) -> _Selection:
    items = [(m, i) for m in catalog.modules for i in m.items if applies(i.applies, audience)]
    duties = [(m, d) for m in catalog.modules for d in m.duties if applies(d.applies, audience)]
    return _Selection(
        items=tuple((m, item) for m, item in items if item.id not in disabled),
        duties=tuple((m, duty) for m, duty in duties if duty.id not in disabled),
        switched_off=tuple(
            (entry, disabled[entry.id]) for _, entry in [*items, *duties] if entry.id in disabled
        ),
    )


def _duties(
    chosen: tuple[tuple[Module, Duty], ...], jurisdiction: Jurisdiction
) -> tuple[PlannedDuty, ...]:
    duties = (_duty(module, duty, jurisdiction) for module, duty in chosen)
    # a stable sort keeps module order, then file order, within each frequency
    return tuple(sorted(duties, key=lambda duty: _FREQUENCIES.index(duty.frequency)))


def _tasks(
    chosen: tuple[tuple[Module, Item], ...],
    custom: tuple[CustomItem, ...],
    schedule: Schedule,
    jurisdiction: Jurisdiction,
) -> tuple[PlannedTask, ...]:
    tasks = [*_library_tasks(chosen, schedule, jurisdiction)]
    tasks += [_custom_task(item, schedule) for item in custom]
    # a stable sort keeps module order, then file order, then custom items last, within a date
    return tuple(sorted(tasks, key=lambda task: task.due_date))


def _library_tasks(
    chosen: tuple[tuple[Module, Item], ...], schedule: Schedule, jurisdiction: Jurisdiction
) -> Iterator[PlannedTask]:
    due = after_requirements(
        {item.id: schedule.due(item.phase, item.due_days) for _, item in chosen},
        {item.id: item.requires for _, item in chosen},
    )
    for module, item in chosen:
        yield _task(
            item,
            title=render(item.title, jurisdiction),
            guidance=render(item.guidance, jurisdiction),
            module=module.id,
            module_title=module.title,
            due_date=due[item.id],
            basis=item.basis,
            references=_rendered(item.references, jurisdiction),
            custom=False,
        )


def _custom_task(item: CustomItem, schedule: Schedule) -> PlannedTask:
    return _task(
        item,
        title=item.title,
        guidance=item.guidance,
        module=CUSTOM_MODULE,
        module_title=CUSTOM_MODULE_TITLE,
        due_date=schedule.due(item.phase, item.due_days),
        basis="policy",
        references=tuple(item.references),
        custom=True,
    )


def _task(source: Item | CustomItem, **fields: Any) -> PlannedTask:
    """A planned task with the timing and sign-off fields library and custom items share."""
    return PlannedTask(
        id=source.id,
        kind=source.kind,
        phase=source.phase,
        due_days=source.due_days,
        signoff=source.signoff,
        validity_months=source.validity_months,
        renews=source.renews,
        **fields,
    )


def _duty(module: Module, duty: Duty, jurisdiction: Jurisdiction) -> PlannedDuty:
    return PlannedDuty(
        id=duty.id,
        title=render(duty.title, jurisdiction),
        guidance=render(duty.guidance, jurisdiction),
        frequency=duty.frequency,
        module=module.id,
        module_title=module.title,
        basis=duty.basis,
        references=_rendered(duty.references, jurisdiction),
    )


def _rendered(texts: tuple[str, ...], jurisdiction: Jurisdiction) -> tuple[str, ...]:
    return tuple(render(text, jurisdiction) for text in texts)
