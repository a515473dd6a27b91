"""``pdf checklist`` and ``pdf plan``: the click group alone, on the bundled content library."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from clinic_onboard.cli.pdf import pdf_group

PROFILE = [
    "--province",
    "on",
    "--setting",
    "family_medicine",
    "--role",
    "medical_assistant",
    "--emr",
    "accuro",
    "--start",
    "2026-12-01",
]


@pytest.mark.parametrize(
    ("command", "expected"),
    [("checklist", "Duty checklist"), ("plan", "Onboarding plan")],
)
def test_writes_the_blank_pdf_for_a_profile(command: str, expected: str, tmp_path: Path):
    output = tmp_path / f"{command}.pdf"

    result = CliRunner().invoke(
        pdf_group, [command, *PROFILE, "--clinic-name", "Maple Grove", "-o", str(output)]
    )

    assert result.exit_code == 0, result.output
    assert f"Wrote {output}" in result.output
    first_page = PdfReader(output).pages[0].extract_text()
    assert "Maple Grove" in first_page and expected in first_page
    assert "Medical assistant" in first_page and "Ontario" in first_page


def test_the_clinic_name_defaults_to_a_placeholder(tmp_path: Path):
    output = tmp_path / "checklist.pdf"

    CliRunner().invoke(pdf_group, ["checklist", *PROFILE, "-o", str(output)])

    assert "Your clinic" in PdfReader(output).pages[0].extract_text()


def test_an_unknown_slug_is_a_usage_error_and_writes_nothing(tmp_path: Path):
    output = tmp_path / "plan.pdf"
    profile = [*PROFILE]
    profile[profile.index("medical_assistant")] = "surgeon"

    result = CliRunner().invoke(pdf_group, ["plan", *profile, "-o", str(output)])

    assert result.exit_code == 2
    assert "unknown role 'surgeon'" in result.output
    assert not output.exists()


def test_the_output_file_is_required():
    result = CliRunner().invoke(pdf_group, ["checklist", *PROFILE])

    assert result.exit_code == 2
    assert "--output" in result.output


def test_shares_the_profile_options_of_the_plan_command():
    options = {
        name: [p.opts for p in pdf_group.commands[name].params] for name in ("checklist", "plan")
    }

    for opts in options.values():
        assert opts[:6] == [
            ["--province"],
            ["--setting"],
            ["--role"],
            ["--emr"],
            ["--option"],
            ["--start"],
        ]
        assert ["-o", "--output"] in opts and ["--clinic-name"] in opts


def test_the_pdf_commands_import_no_flask():
    code = "import sys, clinic_onboard.cli.pdf; print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert result.stdout.strip() == "False", result.stderr
