"""``clinic-onboard move-uploads``: the files kept in uploads folders before they were kept in
the database are copied in once, labelled as the record names them, and served from there; a
second run copies nothing, and what is not a file the app stored is named, not copied."""

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import undefer

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import StoredFileRow
from clinic_onboard.operations import progress
from clinic_onboard.services import uploads
from tests.conftest import Auth, config_for_tests
from tests.web.onboarding_factory import a_pdf, make_team, task_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 30
NAMED, ORPHAN = "a" * 32, "b" * 32
LAST_YEAR = datetime(2025, 12, 1, tzinfo=UTC)


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    return config_for_tests(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads"))


@pytest.fixture
def folder_days(app: Flask, make_member, make_clinic) -> dict:
    """A credential recorded when files were kept in folders: its file, an orphan, a stray
    file and a disguised one in the clinic's folder, and a folder of no clinic."""
    people = make_team(make_member, make_clinic)()
    plan, hire = people["onboarding"], people["hire"]
    stored = uploads.StoredFile(NAMED, "my card.png", "image/png", len(PNG))
    details = progress.CredentialDetails("Heart and Stroke", "BLS-1", date(2026, 1, 5), None)
    people["event"] = progress.record_credential(
        plan, task_of(plan, "bls.certificate"), hire, details, stored
    )
    db.session.commit()
    root = Path(app.config["UPLOAD_FOLDER"])
    folder = root / str(plan.clinic_id)
    folder.mkdir(parents=True)
    for name, content in [(NAMED, PNG), (ORPHAN, a_pdf()), ("notes.txt", PNG), ("c" * 32, b"MZ")]:
        (folder / name).write_bytes(content)
        os.utime(folder / name, (LAST_YEAR.timestamp(), LAST_YEAR.timestamp()))
    (root / "999").mkdir()
    return people


def _move(app: Flask) -> Result:
    return app.test_cli_runner().invoke(cli, ["move-uploads"])


def _stored() -> dict[str, StoredFileRow]:
    db.session.expire_all()
    query = select(StoredFileRow).options(undefer(StoredFileRow.data))
    return {row.stored_name: row for row in db.session.scalars(query)}


def test_files_are_copied_once_and_served_from_the_database(
    app: Flask, client: FlaskClient, auth: Auth, folder_days: dict
) -> None:
    first = _move(app)
    assert first.exit_code == 1, first.output
    assert "copied 2 files, 0 were already in the database" in first.output
    assert "notes.txt: not a file this app stored" in first.output
    assert f"{'c' * 32}: not a PDF, JPEG or PNG file" in first.output
    assert "999 belongs to no clinic" in first.output
    stored = _stored()
    assert set(stored) == {NAMED, ORPHAN}
    named = stored[NAMED]
    assert (named.data, named.original_name, named.content_type) == (
        PNG,
        "my card.png",
        "image/png",
    )
    assert named.created_at == LAST_YEAR and named.clinic_id == folder_days["hire"].clinic_id
    assert stored[ORPHAN].original_name == "file"  # no event names it; pruning will take it

    again = _move(app)
    assert "copied 0 files, 2 were already in the database" in again.output
    assert set(_stored()) == {NAMED, ORPHAN}
    assert (Path(app.config["UPLOAD_FOLDER"]) / str(named.clinic_id) / NAMED).exists()

    auth.login_as(folder_days["hire"])
    response = client.get(f"/my/files/{folder_days['event'].id}")
    assert response.status_code == 200 and response.data == PNG
    assert "filename=my_card.png" in response.headers["Content-Disposition"]


def test_without_an_uploads_folder_there_is_nothing_to_move(app: Flask) -> None:
    result = _move(app)
    assert result.exit_code == 0 and "Nothing to move" in result.output
