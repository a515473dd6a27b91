"""build_plan: the library, a clinic and a role in; a dated, role-specific plan out.

Pure: no clock, no database. The same arguments always give an equal plan. Every text comes out
as a plain string in the language asked for, with the jurisdiction's facts in that language too.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

from clinic_onboard.catalog import (
    Catalog,
    Duty,
    Frequency,
    Item,
    Jurisdiction,
    Language,
    Module,
    Reference,
    check_language,
    render,
)
from clinic_onboard.planner.plan import Plan, PlannedDuty, PlannedTask, SwitchedOff
from clinic_onboard.planner.profile import (
    PRIVATE_CLINIC,
    ClinicProfile,
    CustomItem,
    RoleCustomization,
)
from clinic_onboard.planner.requests import (
    CUSTOM_MODULE,
    CUSTOM_MODULE_TITLES,
    check_custom_items,
    check_request,
)
from clinic_onboard.planner.rules import Audience, applies
from clinic_onboard.planner.schedule import Schedule, after_requirements
from clinic_onboard.planner.spread import DEFAULT_MAX_PER_DAY, CrowdedDay, Window, spread
from clinic_onboard.planner.workdays import ClinicCalendar

_FREQUENCIES = get_args(Frequency)


@dataclass(frozen=True)
class _Selection:
    """The library entries that apply to the hire, split by whether the clinic kept them."""

    items: tuple[tuple[Module, Item], ...]
    duties: tuple[tuple[Module, Duty], ...]
    switched_off: tuple[tuple[Item | Duty, str], ...]


@dataclass(frozen=True)
class _Place:
    """Where and in which language the texts are rendered: one jurisdiction, one language."""

    jurisdiction: Jurisdiction
    lang: Language

    def render(self, text: str) -> str:
        return render(text, self.jurisdiction, self.lang)

    def references(self, references: tuple[Reference, ...]) -> tuple[str, ...]:
        """This jurisdiction's own references and the national ones, rendered; never another's."""
        code = self.jurisdiction.code
        return tuple(self.render(ref) for ref in references if ref.is_for(code))


def _jurisdiction(catalog: Catalog, profile: ClinicProfile) -> Jurisdiction:
    """The clinic's jurisdiction, with a private clinic's privacy law where it has its own."""
    jurisdiction = catalog.jurisdictions[profile.province]
    privacy = jurisdiction.privacy.for_clinic(PRIVATE_CLINIC in profile.options)
    return jurisdiction.model_copy(update={"privacy": privacy})


def build_plan(
    catalog: Catalog,
    profile: ClinicProfile,
    role: str,
    start_date: date,
    customization: RoleCustomization | None = None,
    lang: str = "en",
    created_on: date | None = None,
    max_per_day: int = DEFAULT_MAX_PER_DAY,
    calendar: ClinicCalendar | None = None,
    offboarding: bool = False,
) -> Plan:
    """The plan for a hire in ``role`` at this clinic starting on ``start_date``, in ``lang``;
    with ``offboarding``, the checklist for someone whose last day is ``start_date`` instead
    (only the library's offboarding modules, which an onboarding plan never includes).

    ``created_on`` is the day the plan is made (the planner has no clock): "before you start"
    tasks are never dated before it. No working day holds more than ``max_per_day`` tasks unless
    they fit nowhere else in their phase; those days are listed in ``Plan.crowded_days``. Due
    dates fall on the clinic's open days (``calendar``; Monday to Friday less the province's
    statutory holidays when not given).

    Raises ValueError for a slug or language the catalog does not know, or a custom item that
    breaks a rule. A clinic's own items keep the words the clinic wrote.
    """
    customization = customization or RoleCustomization()
    language = check_language(lang)
    check_request(catalog, profile, role)
    check_custom_items(catalog, customization.custom_items)
    place = _Place(_jurisdiction(catalog, profile), language)
    modules = tuple(m for m in catalog.modules if m.offboarding == offboarding)
    chosen = _select(modules, Audience(profile, catalog.role_scope(role)), customization.disabled)
    calendar = calendar or ClinicCalendar(profile.province)
    schedule = Schedule.starting(calendar, start_date, created_on)
    tasks, crowded = _tasks(chosen.items, customization.custom_items, schedule, place, max_per_day)
    return Plan(
        catalog_version=catalog.version,
        profile=profile,
        role=role,
        start_date=start_date,
        duties=_duties(chosen.duties, place),
        tasks=tasks,
        switched_off=tuple(
            SwitchedOff(entry.id, place.render(entry.title), reason)
            for entry, reason in chosen.switched_off
        ),
        unknown_switch_offs=tuple(
            sorted(i for i in customization.disabled if not catalog.has_entry(i))
        ),
        language=place.lang,
        crowded_days=crowded,
        max_per_day=max_per_day,
    )


def _select(
    modules: tuple[Module, ...], audience: Audience, disabled: Mapping[str, str]
) -> _Selection:
    items = [(m, i) for m in modules for i in m.items if applies(i.applies, audience)]
    duties = [(m, d) for m in modules for d in m.duties if applies(d.applies, audience)]
    return _Selection(
        items=tuple((m, item) for m, item in items if item.id not in disabled),
        duties=tuple((m, duty) for m, duty in duties if duty.id not in disabled),
        switched_off=tuple(
            (entry, disabled[entry.id]) for _, entry in [*items, *duties] if entry.id in disabled
        ),
    )


def _duties(chosen: tuple[tuple[Module, Duty], ...], place: _Place) -> tuple[PlannedDuty, ...]:
    duties = (_duty(module, duty, place) for module, duty in chosen)
    # a stable sort keeps module order, then file order, within each frequency
    return tuple(sorted(duties, key=lambda duty: _FREQUENCIES.index(duty.frequency)))


def _tasks(
    chosen: tuple[tuple[Module, Item], ...],
    custom: tuple[CustomItem, ...],
    schedule: Schedule,
    place: _Place,
    max_per_day: int,
) -> tuple[tuple[PlannedTask, ...], tuple[CrowdedDay, ...]]:
    due, crowded = _due_dates([item for _, item in chosen], custom, schedule, max_per_day)
    tasks = [*_library_tasks(chosen, due, place)]
    tasks += [_custom_task(item, due[item.id], place.lang) for item in custom]
    # a stable sort keeps module order, then file order, then custom items last, within a date
    return tuple(sorted(tasks, key=lambda task: task.due_date)), crowded


def _due_dates(
    items: list[Item], custom: tuple[CustomItem, ...], schedule: Schedule, max_per_day: int
) -> tuple[dict[str, date], tuple[CrowdedDay, ...]]:
    """Due dates after requirements, then spread; "before you start" tasks are not spread (they
    are done before day 1, on the hire's own time, and are no day's load)."""
    timed = [*items, *custom]
    latest = after_requirements(
        {task.id: schedule.due(task.phase, task.due_days) for task in timed},
        {item.id: item.requires for item in items},
    )
    windows = {
        task.id: Window(
            schedule.earliest(task.phase, task.due_days),
            latest[task.id],
            task.requires if isinstance(task, Item) else (),
        )
        for task in timed
        if task.phase != "before_start"
    }
    placed, crowded = spread(windows, max_per_day, schedule.calendar)
    return {**latest, **placed}, crowded


def _library_tasks(
    chosen: tuple[tuple[Module, Item], ...], due: Mapping[str, date], place: _Place
) -> Iterator[PlannedTask]:
    for module, item in chosen:
        yield _task(
            item,
            title=place.render(item.title),
            guidance=place.render(item.guidance),
            module=module.id,
            module_title=module.title.get(place.lang),
            due_date=due[item.id],
            basis=item.basis,
            references=place.references(item.references),
            custom=False,
        )


def _custom_task(item: CustomItem, due_date: date, lang: Language) -> PlannedTask:
    return _task(
        item,
        title=item.title,
        guidance=item.guidance,
        module=CUSTOM_MODULE,
        module_title=CUSTOM_MODULE_TITLES[lang],
        due_date=due_date,
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


def _duty(module: Module, duty: Duty, place: _Place) -> PlannedDuty:
    return PlannedDuty(
        id=duty.id,
        title=place.render(duty.title),
        guidance=place.render(duty.guidance),
        frequency=duty.frequency,
        module=module.id,
        module_title=module.title.get(place.lang),
        basis=duty.basis,
        references=place.references(duty.references),
    )
