"""``catalog check``, ``catalog list`` and ``plan``: the content library from the command line.

The imperative shell around the pure catalog and planner: it reads the library folder, picks
today's date when none is given, and turns errors into exit codes. ``--lang`` chooses English or
French for everything printed from the library and for the words around it.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

import click

from clinic_onboard.catalog import (
    LANGUAGES,
    Catalog,
    CatalogError,
    Item,
    Language,
    Module,
    load_catalog,
)
from clinic_onboard.paths import checklists_dir
from clinic_onboard.pdf.document import KINDS, frequencies
from clinic_onboard.pdf.words import Words
from clinic_onboard.planner import ClinicProfile, Plan, PlannedTask, build_plan, plan_to_dict
from clinic_onboard.planner.spread import DEFAULT_MAX_PER_DAY

lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the content and labels: en or fr.",
)


# How ``catalog list`` counts a module's entries.
_LIST_WORDS: Mapping[Language, tuple[str, str]] = {
    "en": ("items", "duties"),
    "fr": ("éléments", "tâches"),
}


@dataclass(frozen=True)
class _PlanWords:
    """The words ``plan`` prints around the library's texts, in one language."""

    heading: str
    starting: str
    duties: str
    tasks: str
    frequencies: Mapping[str, str]
    kinds: Mapping[str, str]
    signoff: str
    no_signoff: str
    signers: Mapping[str, str]
    crowded: str
    before_start: str


_PLAN_WORDS: Mapping[Language, _PlanWords] = {
    "en": _PlanWords(
        heading="Onboarding plan: {role}, {setting}, {place}",
        starting="Starting {day}; content library {version}",
        duties="Duties",
        tasks="Onboarding tasks",
        frequencies={
            "start_of_day": "Start of day",
            "per_patient": "Per patient",
            "end_of_day": "End of day",
            "weekly": "Weekly",
            "monthly": "Monthly",
        },
        kinds={},  # English prints the kind as the library spells it
        signoff="sign-off: {who}",
        no_signoff="no sign-off",
        crowded=(
            "  More than {limit} tasks fall due on {days}: they fit on no other day of their phase"
        ),
        signers={},
        before_start="Before you start, by {day}",
    ),
    # "\u00a0": the no-break space French puts before ":" (none before ";", as Quebec prints it)
    "fr": _PlanWords(
        heading="Plan d\u2019intégration\u00a0: {role}, {setting}, {place}",
        starting="Début le {day}; bibliothèque de contenu {version}",
        duties="Tâches courantes",
        tasks="Étapes d\u2019intégration",
        # The same words as the French PDFs, lower-case inside a line of text.
        frequencies=frequencies(Words("fr")),
        kinds={kind: Words("fr")(word).lower() for kind, word in KINDS.items()},
        signoff="validation\u00a0: {who}",
        no_signoff="sans validation",
        signers={"supervisor": "superviseur", "manager": "gestionnaire"},
        crowded=(
            "  Plus de {limit} tâches arrivent à échéance le {days}\u00a0: elles ne tiennent dans "
            "aucun autre jour de leur étape"
        ),
        before_start="Avant de commencer, au plus tard le {day}",
    ),
}


def load_library() -> Catalog:
    """The library, or exit 1 listing every problem: a broken library must never plan."""
    try:
        return load_catalog(checklists_dir())
    except CatalogError as error:
        click.echo(str(error), err=True)
        raise click.exceptions.Exit(1) from None


@click.group("catalog")
def catalog_group() -> None:
    """Check and browse the content library (checklists/ or CHECKLISTS_DIR)."""


@catalog_group.command("check")
def check_command() -> None:
    """Validate the whole library: a summary and exit 0, or every problem and exit 1."""
    catalog = load_library()
    items = sum(len(module.items) for module in catalog.modules)
    duties = sum(len(module.duties) for module in catalog.modules)
    click.echo(
        f"Content library {catalog.version}: {len(catalog.modules)} modules, {items} items, "
        f"{duties} duties, {len(catalog.jurisdictions)} jurisdictions, "
        f"{len(catalog.settings)} settings, {len(catalog.roles)} roles: OK"
    )


@catalog_group.command("list")
@click.option("--module", "module_id", metavar="ID", help="Show one module's items and duties.")
@lang_option
def list_command(module_id: str | None, lang: Language) -> None:
    """List the modules, or the items and duties of one module (titles as written, unfilled)."""
    catalog = load_library()
    if module_id is None:
        items, duties = _LIST_WORDS[lang]
        for module in catalog.modules:
            counts = f"{len(module.items):>3} {items} {len(module.duties):>3} {duties}"
            click.echo(f"{module.id:<24} {counts}  {module.title.get(lang)}")
        return
    module = next((module for module in catalog.modules if module.id == module_id), None)
    if module is None:
        known = ", ".join(module.id for module in catalog.modules)
        raise click.BadParameter(f"unknown module {module_id!r}; choose one of {known}")
    click.echo("\n".join(_module_lines(module, lang)))


def _module_lines(module: Module, lang: Language) -> Iterator[str]:
    """One line per entry; the id, kind, timing and sign-off columns are the library's codes."""
    yield f"{module.title.get(lang)} ({module.id})"
    for item in module.items:
        columns = f"{item.id:<40} {item.kind:<15} {_timing(item):<15} {item.signoff:<10}"
        yield f"  {columns} {item.title.get(lang)}"
    for duty in module.duties:
        columns = f"{duty.id:<40} {'duty':<15} {duty.frequency:<15} {'':<10}"
        yield f"  {columns} {duty.title.get(lang)}"


def _timing(item: Item) -> str:
    return item.phase or f"day {item.due_days}"


@click.command("plan")
@click.option("--province", required=True, help="Province or territory code, e.g. ON.")
@click.option("--setting", required=True, help="Clinic setting, e.g. family_medicine.")
@click.option("--role", required=True, help="Role, e.g. medical_assistant.")
@click.option("--emr", default=None, help="The clinic's EMR product, e.g. accuro.")
@click.option("--option", "options", multiple=True, help="A clinic option; repeat for more.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: today).")
@click.option(
    "--max-per-day",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_PER_DAY,
    show_default=True,
    help="At most this many tasks fall due on one day; a day that needs more is reported.",
)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@lang_option
def plan_command(
    province: str,
    setting: str,
    role: str,
    emr: str | None,
    options: tuple[str, ...],
    start: datetime | None,
    max_per_day: int,
    output: str,
    lang: Language,
) -> None:
    """Print the duty checklist and dated onboarding plan for a role at a clinic."""
    catalog = load_library()
    plan = plan_from_options(
        catalog, province, setting, role, emr, options, start, lang, max_per_day=max_per_day
    )
    if output == "json":
        click.echo(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(_plan_lines(catalog, plan)))


def plan_from_options(
    catalog: Catalog,
    province: str,
    setting: str,
    role: str,
    emr: str | None,
    options: tuple[str, ...],
    start: datetime | None,
    lang: Language = "en",
    created_on: date | None = None,
    max_per_day: int = DEFAULT_MAX_PER_DAY,
) -> Plan:
    """The plan for the command-line profile options, made ``created_on`` (today unless given:
    a start in the past never dates a "before you start" task before today); a bad slug is a
    usage error (exit 2)."""
    profile = ClinicProfile(province.upper(), setting, emr, frozenset(options))
    made = created_on or date.today()
    try:
        day = start.date() if start else made
        return build_plan(
            catalog, profile, role, day, lang=lang, created_on=made, max_per_day=max_per_day
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def profile_names(catalog: Catalog, plan: Plan) -> tuple[str, str, str]:
    """The plan's province, setting and role by name, in the plan's language."""
    lang = plan.language
    return (
        catalog.jurisdictions[plan.profile.province].name.get(lang),
        catalog.settings[plan.profile.setting].name.get(lang),
        catalog.roles[plan.role].name.get(lang),
    )


def _plan_lines(catalog: Catalog, plan: Plan) -> Iterator[str]:
    words = _PLAN_WORDS[plan.language]
    place, setting, role = profile_names(catalog, plan)
    yield words.heading.format(role=role, setting=setting, place=place)
    day = _day(plan.start_date, plan.language)
    yield words.starting.format(day=day, version=catalog.version)
    yield from _duty_lines(plan, words)
    yield from _task_lines(plan, words)
    yield f"\n{catalog.disclaimer.get(plan.language)}"


def _day(day: date, lang: Language) -> str:
    """ "Tue 2026-12-01", "mar. 2026-12-01": weekday names from a table, not the locale."""
    return f"{Words(lang).weekday(day)} {day.isoformat()}"


def _duty_lines(plan: Plan, words: _PlanWords) -> Iterator[str]:
    yield f"\n{words.duties}"
    for frequency, heading in words.frequencies.items():
        duties = [duty for duty in plan.duties if duty.frequency == frequency]
        if duties:
            yield f"  {heading}"
            yield from (f"    - {duty.title}  [{duty.id}]" for duty in duties)


def _task_lines(plan: Plan, words: _PlanWords) -> Iterator[str]:
    yield f"\n{words.tasks}"
    if plan.crowded_days:
        days = ", ".join(_day(crowded.day, plan.language) for crowded in plan.crowded_days)
        yield words.crowded.format(limit=plan.max_per_day, days=days)

    # "before you start" tasks come first and apart even on a date they share with later ones
    # (a plan made on day 1 or after it)
    def heading(task: PlannedTask) -> tuple[date, bool]:
        return task.due_date, task.phase != "before_start"

    for (due_date, after_start), tasks in groupby(sorted(plan.tasks, key=heading), key=heading):
        day = _day(due_date, plan.language)
        yield f"  {day if after_start else words.before_start.format(day=day)}"
        yield from (_task_line(task, words) for task in tasks)


def _task_line(task: PlannedTask, words: _PlanWords) -> str:
    kind = words.kinds.get(task.kind, task.kind)
    who = words.signers.get(task.signoff, task.signoff)
    signoff = words.no_signoff if task.signoff == "none" else words.signoff.format(who=who)
    return f"    - {task.title}  ({kind}, {signoff})  [{task.id}]"
