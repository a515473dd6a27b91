"""The catalog and plan commands, run with click's CliRunner against fixture libraries."""

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from clinic_onboard.catalog import Catalog, load_catalog
from clinic_onboard.cli.catalog import catalog_group, plan_command
from clinic_onboard.planner import ClinicProfile, build_plan, plan_to_dict

Run = Callable[..., Result]

PLAN = ["--province", "ON", "--setting", "family_medicine", "--role", "medical_assistant"]


@pytest.fixture
def run(library: Path) -> Run:
    """Invoke a command against the copy of the minimal library (which a test may break)."""

    def invoke(command: click.Command, *args: str) -> Result:
        return CliRunner().invoke(command, list(args), env={"CHECKLISTS_DIR": str(library)})

    return invoke


def test_check_passes(run: Run, minimal_catalog: Catalog) -> None:
    result = run(catalog_group, "check")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Content library {minimal_catalog.version}: 4 modules, 11 items, 5 duties, "
        "13 jurisdictions, 6 settings, 4 roles: OK\n"
    )


def test_check_lists_every_problem(run: Run, library: Path) -> None:
    (library / "roles.yaml").unlink()
    path = library / "modules" / "ipac.yaml"
    path.write_text(path.read_text().replace("phase: day_1", "phase: day_two"))
    result = run(catalog_group, "check")
    assert result.exit_code == 1
    assert "The content library has 2 problems:" in result.output
    assert "roles.yaml: file is missing" in result.output
    assert "modules/ipac.yaml: ipac.hand_hygiene: phase: 'day_two' is not one of" in result.output


def test_list_modules(run: Run) -> None:
    result = run(catalog_group, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["ipac", "privacy", "emr", "bls"]
    assert "4 items   2 duties  Infection prevention and control" in lines[0]


def test_list_modules_in_french(run: Run) -> None:
    result = run(catalog_group, "list", "--lang", "fr")
    assert result.exit_code == 0
    first = result.output.splitlines()[0]
    assert first.split()[0] == "ipac"
    assert "4 éléments   2 tâches  Prévention et contrôle des infections" in first


def test_list_one_module_in_french_keeps_the_codes(run: Run) -> None:
    result = run(catalog_group, "list", "--module", "ipac", "--lang", "fr")
    assert result.exit_code == 0
    assert result.output.startswith("Prévention et contrôle des infections (ipac)\n")
    assert "ipac.hand_hygiene" in result.output and "competency" in result.output
    assert "Hygiène des mains aux quatre moments" in result.output


def test_list_one_module(run: Run) -> None:
    result = run(catalog_group, "list", "--module", "ipac")
    assert result.exit_code == 0
    assert "ipac.specimen_labelling" in result.output and "day 14" in result.output
    assert "ipac.duty.room_turnover" in result.output and "per_patient" in result.output


def test_list_unknown_module_is_a_usage_error(run: Run) -> None:
    result = run(catalog_group, "list", "--module", "nope")
    assert result.exit_code == 2
    assert "unknown module 'nope'" in result.output


# A start far ahead: the command makes the plan today, and today must not reach the start.
def test_plan_json(run: Run, library: Path) -> None:
    result = run(
        plan_command,
        *PLAN,
        "--option",
        "specimen_collection",
        "--emr",
        "accuro",
        "--start",
        "2037-12-01",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    profile = ClinicProfile("ON", "family_medicine", "accuro", frozenset({"specimen_collection"}))
    plan = build_plan(load_catalog(library), profile, "medical_assistant", date(2037, 12, 1))
    assert json.loads(result.output) == plan_to_dict(plan)


def test_plan_text(run: Run) -> None:
    result = run(plan_command, *PLAN, "--start", "2037-12-01")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Onboarding plan: Medical assistant, Family medicine clinic, Ontario\n"
    )
    assert "  Per patient\n    - Clean and disinfect the patient zone" in result.output
    assert (
        "  Before you start, by Mon 2037-11-30\n"
        "    - Read the Public Health Ontario (PHO) and PIDAC" in result.output
    )
    assert "(competency, sign-off: supervisor)  [ipac.hand_hygiene]" in result.output


def test_plan_text_in_french(run: Run) -> None:
    result = run(plan_command, *PLAN, "--start", "2037-12-01", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Plan d\u2019intégration\u00a0: Assistant médical, Clinique de médecine familiale, "
        "Ontario\n"
        "Début le mar. 2037-12-01; bibliothèque de contenu "
    )
    assert (
        "  Avec chaque patient\n    - Nettoyer et désinfecter la zone du patient" in result.output
    )
    assert (
        "  Avant de commencer, au plus tard le lun. 2037-11-30\n"
        "    - Lire les pratiques de base de l\u2019organisme de référence" in (result.output)
    )
    assert "(compétence, validation\u00a0: superviseur)  [ipac.hand_hygiene]" in result.output
    assert result.output.rstrip().endswith("ce ne sont pas des consignes pour une clinique.")


def test_plan_json_in_french(run: Run, library: Path) -> None:
    result = run(plan_command, *PLAN, "--start", "2037-12-01", "--format", "json", "--lang", "fr")
    assert result.exit_code == 0, result.output
    plan = build_plan(
        load_catalog(library),
        ClinicProfile("ON", "family_medicine"),
        "medical_assistant",
        date(2037, 12, 1),
        lang="fr",
    )
    assert json.loads(result.output) == plan_to_dict(plan)


def test_plan_start_defaults_to_today(run: Run) -> None:
    assert run(plan_command, *PLAN).exit_code == 0


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_before_you_start_is_never_dated_before_today(run: Run, lang: str) -> None:
    """A plan for someone who started last year still lists its before-you-start tasks as
    such, due no earlier than the day the plan is printed."""
    result = run(plan_command, *PLAN, "--start", "2025-12-01", "--format", "json", "--lang", lang)
    before = [t for t in json.loads(result.output)["tasks"] if t["phase"] == "before_start"]
    assert before and min(date.fromisoformat(t["due_date"]) for t in before) >= date.today()
    text = run(plan_command, *PLAN, "--start", "2025-12-01", "--lang", lang).output
    heading = {"en": "  Before you start, by ", "fr": "  Avant de commencer, au plus tard le "}
    assert text.count(heading[lang]) == 1


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (
            ["--province", "XX", "--setting", "family_medicine", "--role", "medical_assistant"],
            "unknown province or territory 'XX'",
        ),
        ([*PLAN[:-1], "nurse"], "unknown role 'nurse'"),
        ([*PLAN, "--option", "x_ray"], "unknown option 'x_ray'"),
        ([*PLAN, "--emr", "epic"], "unknown EMR product 'epic'"),
        ([*PLAN, "--start", "01/12/2026"], "Invalid value for '--start'"),
        ([*PLAN, "--format", "pdf"], "Invalid value for '--format'"),
        ([*PLAN, "--lang", "de"], "Invalid value for '--lang': 'de' is not one of 'en', 'fr'"),
        (PLAN[2:], "Missing option '--province'"),
    ],
)
def test_plan_bad_options_are_usage_errors(run: Run, args: list[str], text: str) -> None:
    result = run(plan_command, *args)
    assert result.exit_code == 2
    assert text in result.output
    assert "Traceback" not in result.output


def test_plan_with_a_broken_library_lists_problems(run: Run, library: Path) -> None:
    (library / "settings.yaml").unlink()
    result = run(plan_command, *PLAN)
    assert result.exit_code == 1
    assert "settings.yaml: file is missing" in result.output


def test_plan_text_reports_busy_days() -> None:
    args = ("--province", "ON", "--setting", "family_medicine", "--role", "medical_assistant")
    result = CliRunner().invoke(plan_command, [*args, "--start", "2026-12-07"])
    assert result.exit_code == 0, result.output
    assert "More than 8 tasks fall due on Mon 2026-12-07" in result.output  # day 1


def test_plan_day_limit_is_an_option(run: Run) -> None:
    """--max-per-day sets the cap: tasks spread to other days of their phase, and a day still
    over it would be reported in the plan, never hidden."""

    def busiest(*limit: str) -> tuple[int, dict[str, object]]:
        args = (*PLAN, "--start", "2037-12-01", *limit, "--format", "json")
        data = json.loads(run(plan_command, *args).output)
        days = [t["due_date"] for t in data["tasks"] if t["phase"] != "before_start"]
        over = {day for day in days if days.count(day) > data["max_per_day"]}
        assert over == {crowded["day"] for crowded in data["crowded_days"]}
        return max(days.count(day) for day in days), data

    assert busiest()[0] > 1
    most, data = busiest("--max-per-day", "1")
    assert data["max_per_day"] == 1 and most == 1
    assert run(plan_command, *PLAN, "--max-per-day", "0").exit_code == 2
