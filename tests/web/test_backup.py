"""Backup and restore: ``clinic-onboard export`` then ``import`` into an empty database loses
nothing (every row of every table, the uploaded files, the hash chains), and a damaged or
tampered backup is refused whole.

The empty database is a second SQLite file, or on PostgreSQL a database of its own created and
dropped here, so the tables the other tests use are never touched.
"""

import enum
import hashlib
import io
import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import (
    JSON,
    Column,
    Date,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    delete,
    func,
    select,
    update,
)

from clinic_onboard.app import create_app
from clinic_onboard.backup.archive import MANIFEST, BackupError, read_bounded
from clinic_onboard.backup.encoding import decode_row, encode_row
from clinic_onboard.backup.export import dangling_references
from clinic_onboard.backup.restore import _parents_first
from clinic_onboard.backup.scope import RULES, ByClinic, Scope, rule_problems
from clinic_onboard.backup.signature import sign_manifest
from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership, OnboardingEvent, StoredFileRow, User
from clinic_onboard.models.types import UTCDateTime
from clinic_onboard.operations import accounts, progress, record
from clinic_onboard.operations import roles as role_ops
from clinic_onboard.record.keys import new_key_entry, parse_keys
from clinic_onboard.record.states import EventKind
from clinic_onboard.services import library, uploads
from tests.conftest import PASSWORD, TEST_RECORD_KEYS, Auth, config_for_tests
from tests.live_server import separate_database
from tests.web.onboarding_factory import a_pdf, build_onboarding, make_team, task_of

PDF = a_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    return config_for_tests(database_url, UPLOAD_FOLDER=str(tmp_path / "uploads"))


@pytest.fixture(scope="module")
def _restore_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of this module's own (a SQLite file, or one beside PostgreSQL's)."""
    with separate_database(tmp_path_factory.mktemp("restore"), "restore") as url:
        yield url


@pytest.fixture
def restored(_restore_target: str, tmp_path: Path) -> Iterator[Flask]:
    """An app over the module's restore database with fresh tables, and uploads of its own;
    use it inside its own context."""
    target = create_app(
        config_for_tests(
            _restore_target,
            UPLOAD_FOLDER=str(tmp_path / "restored"),
            RECORD_ANCHOR_LOG=str(tmp_path / "restored_anchors.log"),  # another install's log
        )
    )
    with target.app_context():
        db.drop_all()
        db.create_all()
    yield target
    with target.app_context():
        db.engine.dispose()


def _invoke(app: Flask, *args: str) -> Result:
    """Run a command against ``app``: push its context first, or the current app is used."""
    with app.app_context():
        return app.test_cli_runner().invoke(cli, list(args))


def _store(clinic_id: int, content: bytes, name: str) -> uploads.StoredFile:
    return uploads.save_upload(io.BytesIO(content), name, clinic_id)


def _credential(onboarding, task, hire, stored) -> OnboardingEvent:
    details = progress.CredentialDetails("Heart and Stroke", "BLS-1", date(2026, 1, 5), None)
    return progress.record_credential(onboarding, task, hire, details, stored)


@pytest.fixture
def rich_clinic(make_member, make_clinic) -> Callable[[], dict]:
    """A clinic with tailored roles, a record with sign-offs, a void, a renewal and a credential
    file, audit events and a person shared with a second clinic, which must stay out."""

    def build() -> dict:
        people = make_team(make_member, make_clinic)()
        _tailor_role(people)
        _work_on_record(people)
        people["other"] = _second_clinic(people, make_member, make_clinic)
        db.session.commit()
        return people

    return build


def _tailor_role(people: dict) -> None:
    role = people["onboarding"].role
    manager = people["manager"].user
    item = next(iter(role_ops.applicable_entries(library.catalog(), role)))
    role_ops.switch_off(role, manager, item, "Our nurses do this here")
    details = role_ops.CustomItemDetails(
        "Tour of the lab fridge", "Walk through the log.", "competency", "day_1", "supervisor"
    )
    role_ops.add_custom_item(role, manager, details)
    role_ops.rename_role(role, manager, "Medical assistant (clinic)")


def _work_on_record(people: dict) -> None:
    plan, hire = people["onboarding"], people["hire"]
    reading = progress.complete_task(plan, task_of(plan, "privacy.read_policy"), hire, "read it")
    progress.acknowledge_task(
        plan, task_of(plan, "privacy.confidentiality"), hire, hire.user.display_name
    )
    bls = task_of(plan, "bls.certificate")
    bls.renews = True  # signing it off creates its renewal, a row pointing at its own table
    record.record_plan_update(plan, people["manager"], [bls], [])  # as an applied update states it
    _credential(plan, bls, hire, _store(plan.clinic_id, PDF, "my card.pdf"))
    hand = task_of(plan, "ipac.hand_hygiene")
    progress.complete_task(plan, hand, hire)
    for task in (hand, bls):
        progress.sign_off(plan, task, people["supervisor"], "observed", competent=True)
    progress.void_event(plan, reading, people["manager"], "ticked by mistake")
    db.session.flush()


def _second_clinic(people: dict, make_member, make_clinic) -> dict:
    other = make_clinic("Elsewhere Health", province="BC", setting="rehabilitation_centre")
    shared_email = people["manager"].user.email
    shared = make_member(AppRole.SUPERVISOR, clinic=other, email=shared_email)
    hire = make_member(AppRole.STAFF, clinic=other, email="only.elsewhere@example.com")
    plan = build_onboarding(hire, shared.user_id)
    stored = _store(other.id, PNG, "other.png")
    _credential(plan, task_of(plan, "bls.certificate"), hire, stored)
    return {"clinic": other, "shared": shared, "hire": hire, "file": stored}


def _rows_of(scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """The clinic's rows of every table (none for a table its rule leaves out of backups)."""
    return {
        table.name: [dict(row) for row in db.session.execute(scope.select(table)).mappings()]
        for table in db.metadata.sorted_tables
    }


def _all_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table; stored files without their bytes, which ``_files`` reads."""
    return {
        table.name: [
            dict(row)
            for row in db.session.execute(
                select(*[c for c in table.c if c is not StoredFileRow.__table__.c.data]).order_by(
                    *table.primary_key.columns
                )
            ).mappings()
        ]
        for table in db.metadata.sorted_tables
    }


def _files(clinic_id: int) -> dict[str, bytes]:
    """The clinic's stored files by name, in the current app's database."""
    rows = db.session.execute(
        select(StoredFileRow.stored_name, StoredFileRow.data).where(
            StoredFileRow.clinic_id == clinic_id
        )
    )
    return {name: data for name, data in rows}


def test_every_table_has_a_backup_rule() -> None:
    """A new table must say how it belongs to a clinic, or backups would silently skip it."""
    problems = rule_problems(db.metadata)
    assert problems == [], "\n".join(problems)


def test_the_rule_check_names_a_table_without_a_rule_and_a_stale_rule() -> None:
    metadata = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("future_table", metadata, Column("id", Integer, primary_key=True))
    rules = {**RULES, "gone_table": ByClinic(), "memberships": ByClinic("tenant_id")}
    problems = rule_problems(metadata, rules)
    assert any(p.startswith("future_table: no backup rule") for p in problems), problems
    assert any(p.startswith("gone_table:") for p in problems), problems
    assert any("memberships: ByClinic names a missing column 'tenant_id'" in p for p in problems)


def test_round_trip_into_an_empty_database_loses_nothing(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    backup = tmp_path / "backup.zip"
    result = _invoke(app, "export", "--clinic-id", str(clinic_id), "--output", str(backup))
    assert result.exit_code == 0, result.output
    assert "Harbour Clinic" in result.output and "1 files" in result.output
    before = _rows_of(Scope(db.metadata, clinic_id))
    files_before = _files(clinic_id)
    assert len(files_before) == 1 and PDF in files_before.values()
    assert sum(1 for row in before["onboarding_tasks"] if row["renewal_of_id"]) == 1
    assert any(row["payload"].get("voids") for row in before["onboarding_events"])

    result = _invoke(restored, "import", str(backup))
    assert result.exit_code == 0, result.output
    with restored.app_context():
        assert _all_rows() == before
        assert _files(clinic_id) == files_before
        assert not Path(restored.config["UPLOAD_FOLDER"]).exists()  # no instance keeps files
        verify = restored.test_cli_runner().invoke(cli, ["verify-signoffs"])
        assert verify.exit_code == 0 and "All 2 onboarding records verify." in verify.output
        assert "not anchored yet" not in verify.output  # the import anchored what it restored


def test_the_backup_holds_this_clinic_only(app: Flask, rich_clinic, tmp_path: Path) -> None:
    people = rich_clinic()
    clinic_id, other = people["hire"].clinic_id, people["other"]
    backup = tmp_path / "backup.zip"
    result = _invoke(app, "export", "--clinic-id", str(clinic_id), "--output", str(backup))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(backup) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read("data.json"))
        manifest = json.loads(archive.read("manifest.json"))
    assert other["file"].stored_name not in " ".join(names)
    assert {row["clinic_id"] for rows in data.values() for row in rows if "clinic_id" in row} == {
        clinic_id
    }
    members = db.session.scalars(
        select(User.email).join(Membership).where(Membership.clinic_id == clinic_id)
    ).all()
    assert sorted(row["email"] for row in data["users"]) == sorted(members)
    assert "only.elsewhere@example.com" not in json.dumps(data)
    # The person in both clinics comes with their account, without the other membership.
    assert other["shared"].user.email in members
    assert manifest["tables"] == {name: len(rows) for name, rows in data.items()}
    assert manifest["clinic"] == {"id": clinic_id, "name": "Harbour Clinic"}


def test_a_restored_clinic_works_signs_in_and_serves_its_file(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    hire_email, clinic_id = people["hire"].user.email, people["hire"].clinic_id
    credential = db.session.scalar(
        select(OnboardingEvent.id).where(
            OnboardingEvent.clinic_id == clinic_id,
            OnboardingEvent.kind == EventKind.CREDENTIAL,
        )
    )
    backup = tmp_path / "folder-backup"
    _invoke(app, "export", "--clinic-id", str(clinic_id), "--output", str(backup))
    assert _invoke(restored, "import", str(backup)).exit_code == 0
    with restored.app_context():
        client = restored.test_client()
        assert Auth(client).login(hire_email, PASSWORD).status_code == 302
        response = client.get(f"/my/files/{credential}")
        assert response.status_code == 200 and response.get_data() == PDF
        response.close()
        # New rows get new ids after the restored ones (PostgreSQL sequences were moved on).
        highest = db.session.scalar(select(func.max(User.id)))
        newcomer = accounts.create_user("newcomer@example.com", "Newcomer", PASSWORD)
        db.session.commit()
        assert newcomer.id > highest


def test_someone_who_left_but_is_named_on_the_record_comes_along(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    supervisor, clinic_id = people["supervisor"], people["hire"].clinic_id
    db.session.delete(supervisor)  # their membership goes; their sign-offs stay on the record
    db.session.commit()
    backup = _export_folder(app, clinic_id, tmp_path)
    assert _invoke(restored, "import", str(backup)).exit_code == 0
    with restored.app_context():
        person = db.session.get(User, supervisor.user_id)
        assert person is not None and person.memberships == []


def test_a_file_missing_from_storage_is_reported_not_fatal(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    [stored] = _files(clinic_id)
    db.session.execute(delete(StoredFileRow).where(StoredFileRow.stored_name == stored))
    db.session.commit()
    backup = tmp_path / "backup.zip"
    result = _invoke(app, "export", "--clinic-id", str(clinic_id), "--output", str(backup))
    assert result.exit_code == 0 and f"Warning: {stored} is named by the record" in result.output
    assert _invoke(restored, "import", str(backup)).exit_code == 0


def _export_folder(app: Flask, clinic_id: int, tmp_path: Path) -> Path:
    backup = tmp_path / "backup"
    result = _invoke(app, "export", "--clinic-id", str(clinic_id), "--output", str(backup))
    assert result.exit_code == 0, result.output
    return backup


def _rewrite_data(
    backup: Path,
    change: Callable[[dict], None],
    fix_checksum: bool,
    recount: bool = False,
    sign: bool = False,
) -> None:
    """Edit data.json as someone with the backup could; optionally cover the tracks too, up to
    signing again with the install's own key (as a faulty tool of the operator's could)."""
    data = json.loads((backup / "data.json").read_text())
    change(data)
    body = json.dumps(data).encode()
    (backup / "data.json").write_bytes(body)
    manifest = json.loads((backup / "manifest.json").read_text())
    if fix_checksum:
        manifest["sha256"]["data.json"] = hashlib.sha256(body).hexdigest()
    if recount:
        manifest["tables"] = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    if sign:
        manifest = sign_manifest(manifest, parse_keys(TEST_RECORD_KEYS))
    (backup / "manifest.json").write_text(json.dumps(manifest))


def _nothing_imported(target: Flask, result: Result, clinic_id: int) -> None:
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    with target.app_context():
        assert all(rows == [] for rows in _all_rows().values())


def test_an_edited_event_is_refused_naming_the_broken_chain(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    plan = people["onboarding"]
    backup = _export_folder(app, plan.clinic_id, tmp_path)

    edited: dict[str, int] = {}

    def soften(data: dict) -> None:
        signed = next(e for e in data["onboarding_events"] if e["kind"] == "signed_off")
        signed["payload"]["method"] = "discussed"
        edited["seq"] = signed["seq"]

    _rewrite_data(backup, soften, fix_checksum=False)
    result = _invoke(restored, "import", str(backup))
    assert "data.json does not match its checksum" in result.output
    _nothing_imported(restored, result, plan.clinic_id)

    # Whoever edits the data and fixes its checksum too meets the manifest's signature.
    _rewrite_data(backup, lambda data: None, fix_checksum=True)
    result = _invoke(restored, "import", str(backup))
    assert "manifest.json's signature does not verify" in result.output, result.output
    _nothing_imported(restored, result, plan.clinic_id)


def test_a_record_rewritten_in_the_database_is_refused_though_the_backup_is_signed(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    """A database writer edits a sign-off; the export signs what it read, the chain still bites."""
    people = rich_clinic()
    plan = people["onboarding"]
    signed = db.session.scalar(
        select(OnboardingEvent).where(
            OnboardingEvent.onboarding_id == plan.id, OnboardingEvent.kind == "signed_off"
        )
    )
    db.session.execute(
        update(OnboardingEvent)
        .where(OnboardingEvent.id == signed.id)
        .values(payload={**signed.payload, "method": "discussed"})
    )
    db.session.commit()
    backup = _export_folder(app, plan.clinic_id, tmp_path)
    result = _invoke(restored, "import", str(backup))
    assert (
        f"onboarding {plan.id}: entry {signed.seq} does not carry a valid signature"
        in result.output
    )
    _nothing_imported(restored, result, plan.clinic_id)


def test_a_planted_manager_account_is_refused(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    backup = _export_folder(app, clinic_id, tmp_path)

    def plant(data: dict) -> None:
        user = {**data["users"][0], "id": 999_999, "email": "intruder@example.com"}
        member = next(m for m in data["memberships"] if m["role"] == "manager")
        data["users"].append(user)
        data["memberships"].append({**member, "id": 999_999, "user_id": 999_999})

    _rewrite_data(backup, plant, fix_checksum=True, recount=True)
    result = _invoke(restored, "import", str(backup))
    assert "manifest.json's signature does not verify" in result.output, result.output
    _nothing_imported(restored, result, clinic_id)


def _resign(backup: Path, entry: str) -> None:
    """Sign the manifest again as a forger holding ``entry`` (their own key) would."""
    manifest = json.loads((backup / "manifest.json").read_text())
    signed = sign_manifest(manifest, parse_keys(entry))
    (backup / "manifest.json").write_text(json.dumps(signed))


def test_a_backup_signed_again_with_a_forgers_key_is_refused(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    backup = _export_folder(app, clinic_id, tmp_path)
    _resign(backup, new_key_entry("test1"))  # the install's key id, but not its secret
    result = _invoke(restored, "import", str(backup))
    assert "manifest.json's signature does not verify" in result.output, result.output
    _resign(backup, new_key_entry("forged"))
    result = _invoke(restored, "import", str(backup))
    assert "signed with record key 'forged', which this install does not hold" in result.output
    _nothing_imported(restored, result, clinic_id)


def test_an_unsigned_backup_is_refused(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    backup = _export_folder(app, clinic_id, tmp_path)
    manifest = json.loads((backup / "manifest.json").read_text())
    del manifest["signature"]
    (backup / "manifest.json").write_text(json.dumps(manifest))
    result = _invoke(restored, "import", str(backup))
    assert "manifest.json carries no signature" in result.output, result.output
    manifest["format_version"] = 1
    (backup / "manifest.json").write_text(json.dumps(manifest))
    assert "backup format 1 is unsigned" in _invoke(restored, "import", str(backup)).output
    _nothing_imported(restored, result, clinic_id)


def test_an_install_that_rotated_its_key_still_imports_an_older_backup(
    app: Flask, _restore_target: str, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    backup = _export_folder(app, people["hire"].clinic_id, tmp_path)
    rotated = f"{new_key_entry('next')},{TEST_RECORD_KEYS}"  # the old key kept, the new first
    target = create_app(
        config_for_tests(_restore_target, RECORD_KEYS=rotated, UPLOAD_FOLDER=str(tmp_path / "r"))
    )
    with target.app_context():
        db.drop_all()
        db.create_all()
    result = _invoke(target, "import", str(backup))
    assert result.exit_code == 0, result.output
    assert "its signature and every record's chain verify" in result.output
    with target.app_context():
        db.engine.dispose()


def test_a_damaged_file_is_refused(app: Flask, restored: Flask, rich_clinic, tmp_path) -> None:
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    backup = _export_folder(app, clinic_id, tmp_path)
    [stored] = (backup / "files").rglob("*")
    stored.write_bytes(PDF.replace(b"%PDF-1.3", b"%PDF-1.7"))
    result = _invoke(restored, "import", str(backup))
    name = stored.relative_to(backup).as_posix()
    assert f"{name} does not match its checksum" in result.output
    _nothing_imported(restored, result, clinic_id)
    stored.unlink()
    assert "no regular file" in _invoke(restored, "import", str(backup)).output


def test_a_backup_from_when_files_were_kept_in_folders_restores_them(
    app: Flask, restored: Flask, rich_clinic, tmp_path
) -> None:
    """Such a backup carries files/<name> but no stored_files rows: each file gets a row,
    labelled with the name the record shows."""
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    files_before = _files(clinic_id)
    backup = _export_folder(app, clinic_id, tmp_path)
    _rewrite_data(backup, lambda data: data.pop("stored_files"), True, recount=True, sign=True)
    result = _invoke(restored, "import", str(backup))
    assert result.exit_code == 0 and "1 files" in result.output, result.output
    with restored.app_context():
        assert _files(clinic_id) == files_before
        [row] = db.session.scalars(select(StoredFileRow)).all()
        assert (row.original_name, row.content_type) == ("my card.pdf", "application/pdf")


def test_a_file_row_without_its_file_is_refused(
    app: Flask, restored: Flask, rich_clinic, tmp_path
) -> None:
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    backup = _export_folder(app, clinic_id, tmp_path)
    [stored] = (backup / "files").iterdir()
    stored.unlink()
    manifest = json.loads((backup / MANIFEST).read_text())
    del manifest["sha256"][f"files/{stored.name}"]
    (backup / MANIFEST).write_text(
        json.dumps(sign_manifest(manifest, parse_keys(TEST_RECORD_KEYS)))
    )
    result = _invoke(restored, "import", str(backup))
    assert f"files/{stored.name} is missing from the backup" in result.output
    _nothing_imported(restored, result, clinic_id)


def test_a_damaged_zip_is_refused_without_a_traceback(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    people = rich_clinic()
    backup = tmp_path / "backup.zip"
    _invoke(app, "export", "--clinic-id", str(people["hire"].clinic_id), "--output", str(backup))
    body = bytearray(backup.read_bytes())
    body[len(body) // 4 : len(body) // 4 + 16] = bytes(16)  # inside data.json's compressed bytes
    backup.write_bytes(bytes(body))
    result = _invoke(restored, "import", str(backup))
    assert isinstance(result.exception, SystemExit), result.output
    _nothing_imported(restored, result, people["hire"].clinic_id)


def test_import_refuses_a_database_that_is_not_empty(app: Flask, rich_clinic, tmp_path) -> None:
    people = rich_clinic()
    backup = _export_folder(app, people["hire"].clinic_id, tmp_path)
    before = _all_rows()
    result = _invoke(app, "import", str(backup))
    assert result.exit_code == 1 and "the database is not empty" in result.output
    assert people["hire"].user.email in result.output
    db.session.expire_all()
    assert _all_rows() == before


def test_export_refuses_an_unknown_clinic_and_an_existing_output(
    app: Flask, make_clinic, tmp_path: Path
) -> None:
    clinic = make_clinic()
    missing = _invoke(app, "export", "--clinic-id", "999999", "--output", str(tmp_path / "x.zip"))
    assert missing.exit_code == 1 and "no clinic has id 999999" in missing.output
    taken = tmp_path / "taken"
    taken.mkdir()
    result = _invoke(app, "export", "--clinic-id", str(clinic.id), "--output", str(taken))
    assert result.exit_code == 1 and "already exists" in result.output
    assert list(taken.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no temporary left behind


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return path


def _manifest(**changes: Any) -> bytes:
    """A manifest signed with the tests' key, so each check after the signature is reached."""
    manifest = {
        "format": "clinic-onboard-backup",
        "format_version": 2,
        "clinic": {"id": 1, "name": "X"},
        "tables": {},
        "sha256": {},
        **changes,
    }
    return json.dumps(sign_manifest(manifest, parse_keys(TEST_RECORD_KEYS))).encode()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"notes.txt": b"hello"}, "the backup has no file manifest.json"),
        ({"manifest.json": b"{not json"}, "manifest.json is not valid JSON"),
        ({"manifest.json": b"[]"}, "not a clinic-onboard backup manifest"),
        ({"manifest.json": _manifest(format_version=9)}, "backup format 9 is not 2"),
        ({"manifest.json": _manifest(clinic="x")}, "lacks its clinic, tables or sha256"),
        ({"manifest.json": _manifest()}, "has no checksum for data.json"),
        (
            {"manifest.json": _manifest(sha256={"data.json": "0", "../evil": "0"})},
            "unsafe file name: '../evil'",
        ),
        ({"manifest.json": _manifest(sha256={"data.json": "0"}), "x": b""}, "not listed"),
    ],
)
def test_what_is_not_a_good_backup_is_refused_plainly(
    restored: Flask, tmp_path: Path, entries: dict[str, bytes], message: str
) -> None:
    result = _invoke(restored, "import", str(_zip(tmp_path / "bad.zip", entries)))
    assert result.exit_code == 1 and message in result.output, result.output
    assert isinstance(result.exception, SystemExit)


def test_a_file_that_is_no_backup_at_all_is_refused(restored: Flask, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = _invoke(restored, "import", str(junk))
    assert result.exit_code == 1 and "neither a backup folder nor a zip file" in result.output
    assert _invoke(restored, "import", str(tmp_path / "absent")).exit_code == 2


@pytest.mark.parametrize(
    ("change", "recount", "message"),
    [
        (lambda d: d.update(nowhere=[]), True, "this database has no table nowhere"),
        (lambda d: d["users"][0].update(shoe_size=42), True, "users has no column shoe_size"),
        (lambda d: d["users"][0].update(created_at="soon"), True, "users.created_at: bad value"),
        (lambda d: d["users"].append({}), False, "does not hold the rows manifest.json counts"),
        (lambda d: d["clinics"].clear(), True, "does not hold exactly the clinic"),
        (lambda d: d.update(users="all"), True, "must map each table to a list of rows"),
        (lambda d: d["memberships"][0].update(user_id=None), True, "database refused the rows"),
    ],
)
def test_bad_data_is_refused_by_name(
    app: Flask, restored: Flask, make_member, tmp_path: Path, change, recount, message
) -> None:
    member = make_member(AppRole.MANAGER)
    backup = _export_folder(app, member.clinic_id, tmp_path)
    _rewrite_data(backup, change, fix_checksum=True, recount=recount, sign=True)
    result = _invoke(restored, "import", str(backup))
    assert result.exit_code == 1 and message in result.output, result.output
    _nothing_imported(restored, result, member.clinic_id)


# The pure parts: column encoding, reference checks, self-referencing order -----------------


class Colour(enum.StrEnum):
    RED = "red"


def test_every_kind_of_column_value_survives_json() -> None:
    table = Table(
        "kinds",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime()),
        Column("day", Date),
        Column(
            "colour",
            Enum(Colour, native_enum=False, values_callable=lambda e: [m.value for m in e]),
        ),
        Column("blob", LargeBinary),
        Column("amount", Numeric(10, 2)),
        Column("extra", JSON),
    )
    row = {
        "id": 1,
        "at": datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC),
        "day": date(2026, 2, 28),
        "colour": Colour.RED,
        "blob": b"\x00\xffsecret",
        "amount": Decimal("12.50"),
        "extra": {"when": "2026-01-01", "n": [1, 2]},
    }
    encoded = json.loads(json.dumps(encode_row(table, row)))
    assert decode_row(table, encoded) == row
    assert isinstance(decode_row(table, encoded)["colour"], Colour)


def test_dangling_references_are_named() -> None:
    metadata = MetaData()
    Table("parents", metadata, Column("id", Integer, primary_key=True))
    Table(
        "children",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", ForeignKey("parents.id")),
    )
    data = {
        "parents": [{"id": 1}],
        "children": [{"id": 1, "parent_id": 1}, {"id": 2, "parent_id": 7}],
    }
    assert dangling_references(metadata, data) == [
        "children.parent_id = 7 but parents 7 is not in the backup"
    ]


def test_rows_pointing_at_their_own_table_are_inserted_after_their_target() -> None:
    table = Table(
        "tasks",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("renewal_of_id", ForeignKey("tasks.id")),
    )
    rows = [
        {"id": 1, "renewal_of_id": 3},
        {"id": 2, "renewal_of_id": None},
        {"id": 3, "renewal_of_id": 2},
    ]
    assert [row["id"] for row in _parents_first(table, rows)] == [2, 3, 1]


def _bomb(path: Path, name: str, size: int, **entries: bytes) -> Path:
    """A zip with ``entries`` and a member ``name`` of ``size`` spaces, packed a thousand to one."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry, body in entries.items():
            archive.writestr(entry, body)
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(size // (1024 * 1024)):
                member.write(b" " * (1024 * 1024))
    return path


def _import_measured(app: Flask, backup: Path) -> tuple[Result, float, int]:
    """Run the import; return its result, seconds taken and peak Python memory in bytes."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = _invoke(app, "import", str(backup))
        return result, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_small_zip_declaring_a_huge_data_json_is_refused_unread(
    restored: Flask, tmp_path: Path
) -> None:
    """Issue 22, finding 8: a 306 KB zip holding a 300 MB data.json peaked at 716 MB."""
    manifest = _manifest(sha256={"data.json": "0"})
    backup = _bomb(tmp_path / "bomb.zip", "data.json", 300 * 1024 * 1024, **{MANIFEST: manifest})
    assert backup.stat().st_size < 400 * 1024
    result, seconds, peak = _import_measured(restored, backup)
    assert result.exit_code == 1
    assert "data.json is larger than 256 MB" in result.output
    assert seconds < 2 and peak < 8 * 1024 * 1024


def test_a_member_packed_like_a_zip_bomb_is_refused_unread(restored: Flask, tmp_path) -> None:
    manifest = _manifest(sha256={"data.json": "0", "files/1/x": "0"})
    backup = _bomb(tmp_path / "bomb.zip", "files/1/x", 64 * 1024 * 1024, **{MANIFEST: manifest})
    result, _, peak = _import_measured(restored, backup)
    assert result.exit_code == 1 and "files/1/x unpacks to" in result.output
    assert peak < 8 * 1024 * 1024


def test_a_data_json_past_the_limit_is_refused_however_it_is_stored(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    """A folder's data.json is read only up to the limit, and so is any stream: the bytes that
    come out count, not what a header or the file system declares."""
    backup = _export_folder(app, rich_clinic()["hire"].clinic_id, tmp_path)
    limit = (backup / "data.json").stat().st_size - 1
    restored.config["BACKUP_MAX_DOCUMENT_BYTES"] = limit
    result = _invoke(restored, "import", str(backup))
    assert result.exit_code == 1 and "data.json is larger than" in result.output
    stream = io.BytesIO(b"x" * (limit + 1))
    with pytest.raises(BackupError, match=r"data\.json is larger than"):
        read_bounded(stream, "data.json", limit)
    assert stream.tell() == limit + 1  # never more than one byte past the limit


KEPT_STATE = ("state_event_id", "state_kind", "done_event_id")


def test_a_backup_from_before_the_kept_task_state_is_folded_on_import(
    app: Flask, restored: Flask, rich_clinic, tmp_path: Path
) -> None:
    """Its tasks lack the state columns (and the signatures never covered them): the import
    folds each task's state from the restored events."""
    people = rich_clinic()
    clinic_id = people["hire"].clinic_id
    kept = {
        row["id"]: tuple(row[c] for c in KEPT_STATE)
        for row in _rows_of(Scope(db.metadata, clinic_id))["onboarding_tasks"]
    }
    assert any(state[1] for state in kept.values())
    backup = _export_folder(app, clinic_id, tmp_path)

    def as_before(data: dict) -> None:
        for row in data["onboarding_tasks"]:
            for column in KEPT_STATE:
                del row[column]

    _rewrite_data(backup, as_before, fix_checksum=True, sign=True)
    result = _invoke(restored, "import", str(backup))
    assert result.exit_code == 0, result.output
    with restored.app_context():
        rows = _all_rows()["onboarding_tasks"]
        assert {row["id"]: tuple(row[c] for c in KEPT_STATE) for row in rows} == kept
    assert _invoke(restored, "verify-task-states").exit_code == 0
