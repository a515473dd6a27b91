"""The pure core must import without Flask or SQLAlchemy (the CLI commands too)."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "modules",
    [
        "clinic_onboard.catalog, clinic_onboard.planner",
        "clinic_onboard.policy, clinic_onboard.local_time",
        "clinic_onboard.cli.catalog, clinic_onboard.cli.pdf",
    ],
)
def test_imports_pull_in_no_web_or_database_layer(modules: str) -> None:
    code = (
        f"import sys, {modules}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
