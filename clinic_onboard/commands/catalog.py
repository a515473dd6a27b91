"""``catalog check``, ``catalog list`` and ``plan``: the content library from the command line.

The imperative shell around the pure catalog and planner: it reads the library folder, picks
today's date when none is given, and turns errors into exit codes.
"""

import json
from collections.abc import Iterator
from datetime import date, datetime
from itertools import groupby
from typing import get_args

import click

from clinic_onboard.catalog import Catalog, CatalogError, Frequency, Item, Module, load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.planner import ClinicProfile, Plan, PlannedTask, build_plan, plan_to_dict


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
def list_command(module_id: str | None) -> None:
    """List the modules, or the items and duties of one module."""
    catalog = load_library()
    if module_id is None:
        for module in catalog.modules:
            counts = f"{len(module.items):>3} items {len(module.duties):>3} duties"
            click.echo(f"{module.id:<24} {counts}  {module.title}")
        return
    module = next((module for module in catalog.modules if module.id == module_id), None)
    if module is None:
        known = ", ".join(module.id for module in catalog.modules)
        raise click.BadParameter(f"unknown module {module_id!r}; choose one of {known}")
    click.echo("\n".join(_module_lines(module)))


def _module_lines(module: Module) -> Iterator[str]:
    yield f"{module.title} ({module.id})"
    for item in module.items:
        yield f"  {item.id:<40} {item.kind:<15} {_timing(item):<15} {item.signoff:<10} {item.title}"
    for duty in module.duties:
        yield f"  {duty.id:<40} {'duty':<15} {duty.frequency:<15} {'':<10} {duty.title}"


def _timing(item: Item) -> str:
    return item.phase or f"day {item.due_days}"


@click.command("plan")
@click.option("--province", required=True, help="Province or territory code, e.g. ON.")
@click.option("--setting", required=True, help="Clinic setting, e.g. family_medicine.")
@click.option("--role", required=True, help="Role, e.g. medical_assistant.")
@click.option("--emr", default=None, help="The clinic's EMR product, e.g. accuro.")
@click.option("--option", "options", multiple=True, help="A clinic option; repeat for more.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: today).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def plan_command(
    province: str,
    setting: str,
    role: str,
    emr: str | None,
    options: tuple[str, ...],
    start: datetime | None,
    output: str,
) -> None:
    """Print the duty checklist and dated onboarding plan for a role at a clinic."""
    catalog = load_library()
    plan = plan_from_options(catalog, province, setting, role, emr, options, start)
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
) -> Plan:
    """The plan for the command-line profile options; a bad slug is a usage error (exit 2)."""
    profile = ClinicProfile(province.upper(), setting, emr, frozenset(options))
    try:
        return build_plan(catalog, profile, role, start.date() if start else date.today())
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _plan_lines(catalog: Catalog, plan: Plan) -> Iterator[str]:
    role = catalog.roles[plan.role].name
    setting = catalog.settings[plan.profile.setting].name
    place = catalog.jurisdictions[plan.profile.province].name
    yield f"Onboarding plan: {role}, {setting}, {place}"
    yield f"Starting {plan.start_date:%a %Y-%m-%d}; content library {catalog.version}"
    yield from _duty_lines(plan)
    yield from _task_lines(plan)
    yield f"\n{catalog.disclaimer}"


def _duty_lines(plan: Plan) -> Iterator[str]:
    yield "\nDuties"
    for frequency in get_args(Frequency):
        duties = [duty for duty in plan.duties if duty.frequency == frequency]
        if duties:
            yield f"  {frequency.replace('_', ' ').capitalize()}"
            yield from (f"    - {duty.title}  [{duty.id}]" for duty in duties)


def _task_lines(plan: Plan) -> Iterator[str]:
    yield "\nOnboarding tasks"
    for due_date, tasks in groupby(plan.tasks, key=lambda task: task.due_date):
        yield f"  {due_date:%a %Y-%m-%d}"
        yield from (_task_line(task) for task in tasks)


def _task_line(task: PlannedTask) -> str:
    signoff = "no sign-off" if task.signoff == "none" else f"sign-off: {task.signoff}"
    return f"    - {task.title}  ({task.kind}, {signoff})  [{task.id}]"
