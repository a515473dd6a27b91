"""``pdf checklist`` and ``pdf plan``: the blank, printable exports from the command line.

They need the content library only (no app, no database), so they import click and never Flask.
The profile options (and ``--lang``) are the ``plan`` command's own, so the two commands cannot
drift apart.
"""

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import click

from clinic_onboard.catalog import Catalog, Language
from clinic_onboard.cli.catalog import (
    load_library,
    plan_command,
    plan_from_options,
    profile_names,
)
from clinic_onboard.pdf import Document, blank_checklist, blank_plan, form_scope
from clinic_onboard.pdf.render import render
from clinic_onboard.planner import Plan

Builder = Callable[..., Document]
_DEFAULT_CLINIC_NAME = {"en": "Your clinic", "fr": "Votre clinique"}
_PROFILE_OPTIONS = (
    "province",
    "setting",
    "role",
    "emr",
    "options",
    "start",
    "max_per_day",
    "lang",
)


@click.group("pdf")
def pdf_group() -> None:
    """Printable PDFs: blank duty checklists and onboarding plans for a clinic's binder."""


def _export_command(name: str, builder: Builder, help_text: str) -> click.Command:
    @click.option(
        "-o",
        "--output",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="The PDF file to write.",
    )
    @click.option(
        "--clinic-name",
        help='Printed on top (default: "Your clinic", or "Votre clinique" in French).',
    )
    def command(
        output: Path,
        clinic_name: str | None,
        province: str,
        setting: str,
        role: str,
        emr: str | None,
        options: tuple[str, ...],
        start: datetime | None,
        max_per_day: int,
        lang: Language,
    ) -> None:
        catalog = load_library()
        today = date.today()  # a blank plan printed today dates nothing before today
        plan = plan_from_options(
            catalog,
            province,
            setting,
            role,
            emr,
            options,
            start,
            lang,
            created_on=today,
            max_per_day=max_per_day,
        )
        clinic = clinic_name or _DEFAULT_CLINIC_NAME[lang]
        names = _names(catalog, plan)
        document = builder(plan, clinic, *names, printed_on=today, scope=form_scope(catalog, plan))
        # rendered in full before the file is opened: a failure never leaves half a PDF behind
        output.write_bytes(render(document))
        click.echo(f"Wrote {output}")

    result = click.command(name, help=help_text)(command)
    # the plan command's own option objects, first, as they appear in `plan --help`
    result.params[:0] = [p for p in plan_command.params if p.name in _PROFILE_OPTIONS]
    return result


def _names(catalog: Catalog, plan: Plan) -> tuple[str, str, str, str]:
    """What the header prints: the province, setting and role by name, and the library version."""
    return (*profile_names(catalog, plan), catalog.version)


pdf_group.add_command(
    _export_command("checklist", blank_checklist, "Write the role's blank duty checklist PDF.")
)
pdf_group.add_command(
    _export_command("plan", blank_plan, "Write the blank, dated onboarding plan PDF.")
)
