"""The clinic's own policy documents: a manager attaches a PDF to an acknowledgement item of a
role, the hire reads it and signs that version, and a new version asks those who signed an
older one to sign again; the record page and PDF name the version each signature signed."""

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from clinic_onboard.app import create_app
from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingStatus,
    PolicyDocument,
)
from clinic_onboard.operations import policy_documents as policy_ops
from clinic_onboard.operations import progress
from clinic_onboard.operations import roles as role_ops
from clinic_onboard.operations.policy_documents import acknowledgement_items
from clinic_onboard.queries import record as record_reads
from clinic_onboard.queries import signoff_queue
from clinic_onboard.queries.task_states import status_of, task_states
from clinic_onboard.record.states import EventKind, TaskStatus
from clinic_onboard.services import uploads
from tests.conftest import config_for_tests
from tests.live_server import separate_database
from tests.web.onboarding_factory import build_onboarding, task_of


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    return config_for_tests(database_url, UPLOAD_MAX_BYTES=4096)


@pytest.fixture
def team(make_member: Callable, make_clinic: Callable) -> dict:
    """A manager, two hires of one role with the same acknowledgement item, and its id."""
    clinic = make_clinic("Harbour Clinic")
    people = {
        "manager": make_member(AppRole.MANAGER, clinic=clinic),
        "hire": make_member(AppRole.STAFF, clinic=clinic),
        "other_hire": make_member(AppRole.STAFF, clinic=clinic),
    }
    role = ClinicRole(clinic_id=clinic.id, template="medical_assistant", name="Medical assistant")
    db.session.add(role)
    db.session.commit()
    item = next(iter(acknowledgement_items(clinic, role)))
    plan = {
        item: ("acknowledgement", "none", "day_1", 1, None),
        "privacy.read_policy": ("reading", "none", "before_start", -2, None),
    }
    people["onboarding"] = build_onboarding(people["hire"], None, plan)
    people["other_onboarding"] = build_onboarding(people["other_hire"], None, plan)
    return {**people, "role": role, "item": item}


def a_policy(words: str) -> bytes:
    """A one-page PDF whose bytes differ by ``words`` (a version of the clinic's document)."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(72, 72))
    document.docinfo["/Title"] = words
    written = io.BytesIO()
    document.save(written)
    return written.getvalue()


def upload(client: FlaskClient, team: dict, content: bytes, name: str = "Confidentiality.pdf"):
    field = "doc-" + team["item"].replace(".", "-") + "-file"
    return client.post(
        f"/roles/{team['role'].id}/items/{team['item']}/document",
        data={field: (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def sign(client: FlaskClient, team: dict, hire: str = "hire", sha256: str | None = None):
    member: Membership = team[hire]
    task = task_of(team["onboarding" if hire == "hire" else "other_onboarding"], team["item"])
    if sha256 is None:
        sha256 = latest(team).sha256
    data = {"typed_name": member.user.display_name, "document_sha256": sha256}
    return client.post(f"/my/tasks/{task.id}/acknowledge", data=data)


def switch_to(auth, member: Membership) -> None:
    auth.logout()
    auth.login_as(member)


def hire_signs_version_1(client: FlaskClient, auth, team: dict) -> None:
    """The manager attaches version 1 and the hire signs it; the hire stays signed in."""
    auth.login_as(team["manager"])
    upload(client, team, a_policy("v1"))
    switch_to(auth, team["hire"])
    assert sign(client, team).status_code == 302


def fetch(client: FlaskClient, url: str) -> tuple[int, str, bytes]:
    """A download's status, type and bytes, the file closed after."""
    response = client.get(url)
    with response:
        return response.status_code, response.mimetype, response.get_data()


def all_versions() -> list[PolicyDocument]:
    return list(db.session.scalars(select(PolicyDocument).order_by(PolicyDocument.version)))


def latest(team: dict) -> PolicyDocument:
    query = select(PolicyDocument).order_by(PolicyDocument.version.desc()).limit(1)
    return db.session.scalar(query.where(PolicyDocument.role_id == team["role"].id))


def acknowledgements(onboarding: Onboarding) -> list:
    return [e for e in record_reads.events_of(onboarding) if e.kind == EventKind.ACKNOWLEDGED]


def status(onboarding: Onboarding, item: str) -> TaskStatus:
    db.session.expire_all()
    return record_reads.task_records(onboarding)[task_of(onboarding, item).id].status


def test_a_manager_attaches_a_pdf_and_the_upload_is_audited(
    client: FlaskClient, auth, team: dict, app
) -> None:
    auth.login_as(team["manager"])
    response = upload(client, team, a_policy("v1"))
    assert response.status_code == 302
    document = latest(team)
    stored = uploads.find(document.clinic_id, document.stored_name).data
    assert document.version == 1 and document.original_name == "Confidentiality.pdf"
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored) and document.uploaded_by == team["manager"].user_id
    audit = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "policy_document.upload")
    )
    assert audit.after["version"] == 1 and audit.after["sha256"] == document.sha256
    page = client.get(f"/roles/{team['role'].id}").get_data(as_text=True)
    assert "Confidentiality.pdf" in page and "version 1" in page
    assert fetch(client, f"/roles/{team['role'].id}/documents/{document.id}")[2] == stored


def test_the_hire_reads_the_document_and_the_signature_carries_its_hash(
    client: FlaskClient, auth, team: dict
) -> None:
    auth.login_as(team["manager"])
    upload(client, team, a_policy("v1"))
    document = latest(team)
    auth.logout()
    auth.login_as(team["hire"])
    task = task_of(team["onboarding"], team["item"])
    page = client.get(f"/my/tasks/{task.id}/acknowledge").get_data(as_text=True)
    link = f"/my/tasks/{task.id}/documents/{document.id}"
    assert link in page and document.sha256 in page  # the hidden field names the version shown
    code, mimetype, shown = fetch(client, link)
    assert code == 200 and mimetype == "application/pdf"
    assert hashlib.sha256(shown).hexdigest() == document.sha256
    assert sign(client, team).status_code == 302
    (signed,) = acknowledgements(team["onboarding"])
    assert signed.payload["document_version"] == 1
    assert signed.payload["document_sha256"] == document.sha256
    assert record_reads.verify_onboarding(team["onboarding"]).findings == ()


def test_signing_a_version_other_than_the_current_one_is_refused(
    client: FlaskClient, auth, team: dict
) -> None:
    auth.login_as(team["manager"])
    upload(client, team, a_policy("v1"))
    first = latest(team).sha256
    upload(client, team, a_policy("v2"))
    auth.logout()
    auth.login_as(team["hire"])
    page = sign(client, team, sha256=first).get_data(as_text=True)
    assert "uploaded a new version of this document while you were reading" in page
    assert acknowledgements(team["onboarding"]) == []


def test_a_new_version_asks_those_who_signed_the_old_one_to_sign_again(
    client: FlaskClient, auth, team: dict
) -> None:
    hire_signs_version_1(client, auth, team)
    # The hire finished onboarding since: a completed record still takes the new signature.
    reading = task_of(team["onboarding"], "privacy.read_policy")
    progress.complete_task(team["onboarding"], reading, team["hire"])
    progress.complete_onboarding(team["onboarding"], team["manager"])
    db.session.commit()
    assert team["onboarding"].status == OnboardingStatus.COMPLETED
    switch_to(auth, team["manager"])
    response = upload(client, team, a_policy("v2"))
    assert "1 person who signed an earlier version" in client.get(response.location).get_data(
        as_text=True
    )
    item = team["item"]
    assert status(team["onboarding"], item) == TaskStatus.NOT_STARTED
    revised = record_reads.events_of(team["onboarding"])[-1]
    assert revised.kind == EventKind.POLICY_REVISED and revised.payload["document_version"] == 2
    # Who had not signed yet just signs the current version: nothing is added to their record.
    assert all(
        e.kind != EventKind.POLICY_REVISED for e in record_reads.events_of(team["other_onboarding"])
    )
    switch_to(auth, team["hire"])
    task = task_of(team["onboarding"], item)
    page = client.get(f"/my/tasks/{task.id}/acknowledge").get_data(as_text=True)
    assert "You signed an earlier version: read this one and sign again." in page
    assert sign(client, team).status_code == 302
    old, new = acknowledgements(team["onboarding"])
    assert (old.payload["document_version"], new.payload["document_version"]) == (1, 2)
    assert status(team["onboarding"], item) == TaskStatus.DONE
    assert record_reads.verify_onboarding(team["onboarding"]).findings == ()


def test_the_record_page_and_pdf_name_the_version_signed(
    client: FlaskClient, auth, team: dict
) -> None:
    hire_signs_version_1(client, auth, team)
    switch_to(auth, team["manager"])
    upload(client, team, a_policy("v2"))
    sha256 = latest(team).sha256
    onboarding = team["onboarding"]
    page = client.get(f"/signoffs/onboardings/{onboarding.id}/record").get_data(as_text=True)
    assert "clinic document, version 1" in page and "clinic document, version 2" in page
    assert "New version of the clinic&#39;s document: to sign again" in page
    pdf = client.post(f"/exports/onboardings/{onboarding.id}/record.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    assert "Clinic document version 1 (SHA-256" in text
    assert f"Clinic document version 2 (SHA-256 {sha256[:12]}" in text


def test_another_clinic_or_another_hire_cannot_fetch_the_document(
    client: FlaskClient, auth, team: dict, make_member: Callable, make_clinic: Callable
) -> None:
    auth.login_as(team["manager"])
    upload(client, team, a_policy("v1"))
    document = latest(team)
    task = task_of(team["onboarding"], team["item"])
    # A version is read through the item it stands behind, not through any item of the plan.
    reading = task_of(team["onboarding"], "privacy.read_policy")
    assert client.get(f"/my/tasks/{reading.id}/documents/{document.id}").status_code == 404
    auth.logout()
    outsider = make_member(AppRole.MANAGER, clinic=make_clinic("Elsewhere Clinic"))
    auth.login_as(outsider)
    assert client.get(f"/roles/{team['role'].id}/documents/{document.id}").status_code == 404
    assert client.get(f"/my/tasks/{task.id}/documents/{document.id}").status_code == 404
    auth.logout()
    # In the same clinic, another hire does not see this hire's plan.
    auth.login_as(team["other_hire"])
    assert client.get(f"/my/tasks/{task.id}/documents/{document.id}").status_code == 404
    assert client.get(f"/roles/{team['role'].id}/documents/{document.id}").status_code == 403


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "Upload the clinic&#39;s document as a PDF."),
        (b"just some words", "Upload the clinic&#39;s document as a PDF."),
        (b"%PDF-1.7 but nothing a reader can open", "This PDF could not be read."),
        (b"%PDF-" + b"0" * 5000, "The file is larger than 4 KB."),
        (b"", "Choose the PDF to upload."),
    ],
)
def test_a_file_that_is_not_a_small_pdf_is_refused_on_the_role_page(
    client: FlaskClient, auth, team: dict, app, content: bytes, message: str
) -> None:
    auth.login_as(team["manager"])
    response = upload(client, team, content, name="" if not content else "policy.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert latest(team) is None
    assert uploads.stored_names(team["role"].clinic_id) == set()


def test_only_acknowledgement_items_take_a_document(client: FlaskClient, auth, team: dict) -> None:
    auth.login_as(team["manager"])
    team = {**team, "item": "no_such.item"}
    page = upload(client, team, a_policy("v1")).get_data(as_text=True)
    assert "Documents can be attached to this role&#39;s acknowledgements only." in page
    assert latest(team) is None


def test_a_version_number_taken_at_the_same_moment_keeps_nothing(
    client: FlaskClient, auth, team: dict, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.login_as(team["manager"])
    upload(client, team, a_policy("v1"))
    # Another manager's upload took the number between our read and our insert.
    monkeypatch.setattr(policy_ops, "_next_version", lambda role_id, item_id: 1)
    page = upload(client, team, a_policy("v2")).get_data(as_text=True)
    assert "Someone else just updated this record" in page
    assert db.session.scalars(select(PolicyDocument)).all() == [latest(team)]
    assert uploads.stored_names(team["role"].clinic_id) == {latest(team).stored_name}


def test_a_clinic_backup_carries_every_version_and_its_file(
    client: FlaskClient, auth, team: dict, app, tmp_path: Path
) -> None:
    hire_signs_version_1(client, auth, team)
    switch_to(auth, team["manager"])
    upload(client, team, a_policy("v2"))
    clinic_id, backup = team["role"].clinic_id, tmp_path / "backup.zip"
    export = ["export", "--clinic-id", str(clinic_id), "--output", str(backup)]
    exported = app.test_cli_runner().invoke(cli, export)
    assert exported.exit_code == 0, exported.output
    versions = [(d.version, d.sha256, d.stored_name) for d in all_versions()]
    with separate_database(tmp_path, "policy_restore") as url:
        config = config_for_tests(url)
        restored = create_app({**config, "RECORD_ANCHOR_LOG": str(tmp_path / "anchors.log")})
        with restored.app_context():
            db.create_all()
            imported = restored.test_cli_runner().invoke(cli, ["import", str(backup)])
            assert imported.exit_code == 0, imported.output
            assert [(d.version, d.sha256, d.stored_name) for d in all_versions()] == versions
            for _version, sha256, stored_name in versions:
                data = uploads.find(clinic_id, stored_name).data
                assert hashlib.sha256(data).hexdigest() == sha256
            db.session.remove()  # its connection goes back before the database is dropped
            db.engine.dispose()


def sql_status(onboarding: Onboarding, item: str) -> TaskStatus:
    """The item's status as the database computes it for the dashboard and the queue."""
    scope = select(Onboarding.id).where(Onboarding.id == onboarding.id)
    states = task_states(onboarding.clinic_id, scope)
    task = task_of(onboarding, item)
    query = select(states.c.last_kind, states.c.signoff).where(states.c.task_id == task.id)
    row = db.session.execute(query).one()
    return status_of(row.last_kind, row.signoff)


def test_the_database_counts_a_reopened_item_as_the_fold_does(
    client: FlaskClient, auth, team: dict
) -> None:
    hire_signs_version_1(client, auth, team)
    switch_to(auth, team["manager"])
    upload(client, team, a_policy("v2"))
    onboarding, item = team["onboarding"], team["item"]
    assert sql_status(onboarding, item) == status(onboarding, item) == TaskStatus.NOT_STARTED


def test_a_completed_record_signed_again_waits_in_the_supervisors_queue(
    client: FlaskClient, auth, team: dict, make_member: Callable
) -> None:
    supervisor = make_member(AppRole.SUPERVISOR, clinic=team["manager"].clinic)
    onboarding, item = team["onboarding"], team["item"]
    onboarding.supervisor_id = supervisor.user_id
    task_of(onboarding, item).signoff = "supervisor"
    db.session.commit()
    hire_signs_version_1(client, auth, team)
    confirmed = progress.SignoffChoice("", "confirmed")
    progress.sign_item(onboarding, task_of(onboarding, item), supervisor, confirmed)
    progress.complete_task(onboarding, task_of(onboarding, "privacy.read_policy"), team["hire"])
    progress.complete_onboarding(onboarding, team["manager"])
    db.session.commit()
    switch_to(auth, team["manager"])
    upload(client, team, a_policy("v2"))
    switch_to(auth, team["hire"])
    assert sign(client, team).status_code == 302
    queue = signoff_queue.awaiting_signoff(supervisor)
    assert [row.task.item_id for row in queue] == [item]
    switch_to(auth, supervisor)
    task = task_of(onboarding, item)
    page = client.get(f"/signoffs/tasks/{task.id}").get_data(as_text=True)
    assert f"/my/tasks/{task.id}/documents/{latest(team).id}" in page and "Version 2" in page
    progress.sign_item(onboarding, task_of(onboarding, item), supervisor, confirmed)
    db.session.commit()
    assert status(onboarding, item) == TaskStatus.SIGNED_OFF


def test_the_clinics_own_acknowledgement_item_takes_a_document(
    client: FlaskClient, auth, team: dict
) -> None:
    details = role_ops.CustomItemDetails(
        "Sign our photo consent policy", "Read it and sign.", "acknowledgement", "day_1", "none"
    )
    custom = role_ops.add_custom_item(team["role"], team["manager"].user, details)
    db.session.commit()
    auth.login_as(team["manager"])
    team = {**team, "item": custom.item_id}
    assert upload(client, team, a_policy("photos")).status_code == 302
    assert latest(team).item_id == custom.item_id
    page = client.get(f"/roles/{team['role'].id}").get_data(as_text=True)
    assert f"/roles/{team['role'].id}/documents/{latest(team).id}" in page
