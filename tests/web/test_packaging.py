"""An installed wheel carries templates/, checklists/ and migrations/ and finds them."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("clinic_onboard-*.whl"))


def test_the_wheel_contains_the_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "clinic_onboard/templates/base.html",
        "clinic_onboard/checklists/library.yaml",
        "clinic_onboard/checklists/jurisdictions.yaml",
        "clinic_onboard/migrations/env.py",
        "clinic_onboard/static/app.css",
        "clinic_onboard/translations/fr_CA/LC_MESSAGES/messages.po",
        "clinic_onboard/translations/fr_CA/LC_MESSAGES/messages.mo",
    ):
        assert expected in names


def test_an_unpacked_wheel_finds_its_own_folders(wheel: Path, tmp_path: Path) -> None:
    """Import from the unpacked wheel (first on sys.path), not from this checkout."""
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = (
        "import clinic_onboard, clinic_onboard.paths as p;"
        "from clinic_onboard.catalog import load_catalog;"
        "print(clinic_onboard.__file__); print(p.templates_dir()); print(p.migrations_dir());"
        "print(load_catalog(p.checklists_dir()).version)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    module, templates, migrations, version = result.stdout.split("\n")[:4]
    inside = str(tmp_path / "clinic_onboard")
    assert module.startswith(inside)
    assert templates == f"{inside}/templates" and migrations == f"{inside}/migrations"
    assert "+" in version
