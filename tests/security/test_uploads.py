"""Credential uploads: the type comes from the content, the size is capped, nothing is stored
for a refused file, and a stored file is only ever served as a download, to the hire, their
supervisor and the clinic's managers.

Complements ``tests/web/test_my_onboarding.py`` (the happy path and the basic refusals).
"""

import io
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
from flask import Flask
from sqlalchemy import delete, select, update
from sqlalchemy.orm import undefer
from werkzeug.test import TestResponse

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, OnboardingEvent, StoredFileRow
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import STATEMENT_KINDS
from clinic_onboard.services import uploads
from tests.conftest import PASSWORD, config_for_tests
from tests.security.crawl import Visitor, header_problems
from tests.web.onboarding_factory import a_pdf, make_team, task_of

LIMIT = 1024
PDF = a_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24
SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    return config_for_tests(
        database_url,
        UPLOAD_MAX_BYTES=LIMIT,
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        MAX_CONTENT_LENGTH=16 * 1024,
    )


@pytest.fixture
def team(make_member, make_clinic) -> dict:
    people = make_team(make_member, make_clinic)()
    clinic = people["hire"].clinic
    people["other_supervisor"] = make_member(AppRole.SUPERVISOR, clinic=clinic)
    people["elsewhere"] = make_member(AppRole.MANAGER, clinic=make_clinic("Elsewhere Clinic"))
    return people


def _as(app: Flask, member) -> Visitor:
    return Visitor(app, member.user.email, PASSWORD)


def _upload(
    visitor: Visitor, task_id: int, content: bytes, name: str, mimetype: str = "application/pdf"
) -> TestResponse:
    """Post the credential form with a file; ``mimetype`` is what the browser claims."""
    data = {
        "issuer": "Heart and Stroke Foundation",
        "issued_on": "2026-01-31",
        "file": (io.BytesIO(content), name, mimetype),
    }
    return visitor.send("POST", f"/my/tasks/{task_id}/credential", data)


def _stored_files(app: Flask) -> list[StoredFileRow]:
    """Every stored file of every clinic, with its bytes, as the database has them now."""
    db.session.expire_all()
    query = select(StoredFileRow).options(undefer(StoredFileRow.data)).order_by(StoredFileRow.id)
    return list(db.session.scalars(query))


def _recorded(team: dict) -> list[OnboardingEvent]:
    """What people recorded; the record's own statement of the plan is left out."""
    return [e for e in record_reads.events_of(team["onboarding"]) if e.kind not in STATEMENT_KINDS]


def _credential_event(team: dict) -> OnboardingEvent:
    [event] = [
        e for e in record_reads.events_of(team["onboarding"]) if e.kind == "credential_recorded"
    ]
    return event


def _served(app: Flask, team: dict, content: bytes, name: str, mimetype: str) -> TestResponse:
    """Upload as the hire, then download the copy as the hire."""
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    assert _upload(hire, task.id, content, name, mimetype).status_code == 302
    return hire.send("GET", f"/my/files/{_credential_event(team).id}")


@pytest.mark.parametrize(
    ("content", "name", "mimetype"),
    [
        (SCRIPT, "card.pdf", "application/pdf"),
        (SCRIPT, "card.html", "text/html"),
        (b"  \n%PDF-1.4 " + SCRIPT, "card.pdf", "application/pdf"),  # the magic must lead
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "card.png", "image/png"),
        (b"GIF89a" + b"\x00" * 16, "card.png", "image/png"),
        (b"PK\x03\x04" + b"\x00" * 16, "card.pdf", "application/pdf"),
        (b"MZ\x90\x00" + b"\x00" * 16, "card.jpg", "image/jpeg"),
    ],
)
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_and_not_kept(
    app: Flask, team, content: bytes, name: str, mimetype: str
) -> None:
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    response = _upload(hire, task.id, content, name, mimetype)
    assert response.status_code == 200
    assert "Upload a PDF, JPEG or PNG file." in response.get_data(as_text=True)
    assert _recorded(team) == []
    assert _stored_files(app) == []


@pytest.mark.parametrize(
    ("content", "name", "mimetype", "sniffed", "download"),
    [
        (PNG, "card.pdf", "application/pdf", "image/png", "card.png"),
        (JPEG, "card.html", "text/html", "image/jpeg", "card.jpg"),
        (PDF, "card.svg", "image/svg+xml", "application/pdf", "card.pdf"),
    ],
)
def test_the_type_comes_from_the_content_never_the_name_or_the_browser(
    app: Flask, team, content, name, mimetype, sniffed, download
) -> None:
    response = _served(app, team, content, name, mimetype)
    assert response.status_code == 200 and response.data == content
    assert response.mimetype == sniffed
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename={download}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert header_problems(response) == []


def test_a_file_that_only_starts_like_a_pdf_is_refused_and_not_kept(app: Flask, team) -> None:
    """It used to be kept (and served as a PDF); now every PDF is read to be sanitised."""
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    response = _upload(hire, task.id, b"%PDF-1.4\n" + SCRIPT, "page.html", "text/html")
    assert response.status_code == 200
    assert "This PDF could not be read." in response.get_data(as_text=True)
    assert _recorded(team) == [] and _stored_files(app) == []


def test_a_file_at_the_limit_is_kept_and_one_byte_more_is_refused(app: Flask, team) -> None:
    # A PNG, stored as sent: a PDF is rewritten when sanitised, so its stored size differs.
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    over = _upload(hire, task.id, PNG + b"0" * (LIMIT + 1 - len(PNG)), "big.png", "image/png")
    assert over.status_code == 200
    assert "The file is larger than 1 KB." in over.get_data(as_text=True)
    assert _recorded(team) == [] and _stored_files(app) == []
    at_limit = _upload(hire, task.id, PNG + b"0" * (LIMIT - len(PNG)), "fits.png", "image/png")
    assert at_limit.status_code == 302
    [stored] = _stored_files(app)
    assert stored.size == len(stored.data) == LIMIT


def test_a_request_over_the_body_limit_gets_a_clear_413_and_stores_nothing(
    app: Flask, team
) -> None:
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    response = _upload(hire, task.id, PDF + b"0" * (20 * 1024), "huge.pdf")
    assert response.status_code == 413
    assert "That upload is too large." in response.get_data(as_text=True)
    assert _recorded(team) == [] and _stored_files(app) == []


def test_a_copy_whose_record_is_refused_is_not_kept(app: Flask, team, monkeypatch) -> None:
    """The copy and the credential commit together: a record refused once the copy is stored
    (as when a supervisor signed the item off meanwhile) takes the copy away with it."""

    def refuse(*args: object) -> None:
        raise progress.ProgressRefused("Signed off meanwhile.")

    monkeypatch.setattr(progress, "record_credential", refuse)
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    assert _upload(hire, task.id, PNG, "card.png", "image/png").status_code == 200
    assert _recorded(team) == [] and _stored_files(app) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd.pdf",
        "..\\..\\windows\\card.pdf",
        '<script>alert(1)</script>".pdf',
        'card"; filename="evil.html',
        "\u202ecod.pdf",
        "..",
    ],
)
def test_the_uploaded_name_never_becomes_a_path_or_a_header(app: Flask, team, name: str) -> None:
    response = _served(app, team, PDF, name, "application/pdf")
    [stored] = _stored_files(app)
    assert stored.clinic_id == team["onboarding"].clinic_id
    assert uploads.STORED_NAME.fullmatch(stored.stored_name)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(".pdf")
    assert disposition.count("filename=") == 1 and ".html" not in disposition
    # The record page shows the original name as text, escaped.
    manager = _as(app, team["manager"])
    page = manager.send("GET", f"/signoffs/onboardings/{team['onboarding'].id}/record")
    assert "<script>alert(1)" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("hire", 200),
        ("supervisor", 200),
        ("manager", 200),
        ("other_hire", 404),
        ("other_supervisor", 404),
        ("elsewhere", 404),
    ],
)
def test_a_copy_is_served_only_to_the_hire_their_supervisor_and_managers(
    app: Flask, team, who: str, status: int
) -> None:
    _served(app, team, PDF, "card.pdf", "application/pdf")
    response = _as(app, team[who]).send("GET", f"/my/files/{_credential_event(team).id}")
    assert response.status_code == status
    assert (response.data == PDF) is (status == 200)


def test_nobody_signed_in_is_sent_to_sign_in(app: Flask, team) -> None:
    _served(app, team, PDF, "card.pdf", "application/pdf")
    response = Visitor(app, None, PASSWORD).send("GET", f"/my/files/{_credential_event(team).id}")
    assert response.status_code == 302 and response.location.startswith("/auth/login")


def test_a_missing_file_another_clinics_or_a_name_we_did_not_make_is_not_found(
    app: Flask, team
) -> None:
    _served(app, team, PDF, "card.pdf", "application/pdf")
    [stored] = _stored_files(app)
    assert uploads.find(stored.clinic_id, stored.stored_name) is not None
    assert uploads.find(team["elsewhere"].clinic_id, stored.stored_name) is None
    for name in ("../secret_key", "A" * 32, "", "0" * 31, stored.stored_name + "%"):
        assert uploads.find(stored.clinic_id, name) is None
    db.session.execute(delete(StoredFileRow))
    db.session.commit()
    hire = _as(app, team["hire"])
    assert hire.send("GET", f"/my/files/{_credential_event(team).id}").status_code == 404


def _active_pdf() -> bytes:
    """A PDF with each kind of active content: an /OpenAction script, document and page
    actions, a JavaScript name tree, a /Launch link, an embedded file and an XFA form."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(72, 72))
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))
    root = document.Root
    root.OpenAction = document.make_indirect(script)
    root.AA = pikepdf.Dictionary(WC=script)
    root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), script]))
    )
    root.AcroForm = pikepdf.Dictionary(
        Fields=pikepdf.Array(), XFA=document.make_stream(b"<xdp:xdp/>")
    )
    document.attachments["payload.exe"] = pikepdf.AttachedFileSpec(document, b"MZ-payload")
    page = document.pages[0].obj
    page.AA = pikepdf.Dictionary(O=launch)
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 9, 9], A=launch
    )
    page.Annots = pikepdf.Array([document.make_indirect(link)])
    written = io.BytesIO()
    document.save(written)
    return written.getvalue()


def test_active_content_is_stripped_from_a_stored_pdf(app: Flask, team) -> None:
    """Issue 22, finding 8: an uploaded PDF kept its /OpenAction JavaScript."""
    app.config["UPLOAD_MAX_BYTES"] = 8 * 1024
    sent = _active_pdf()
    with pikepdf.open(io.BytesIO(sent)) as original:
        assert "/OpenAction" in original.Root and "payload.exe" in original.attachments
    response = _served(app, team, sent, "card.pdf", "application/pdf")
    [stored] = _stored_files(app)
    assert response.data == stored.data and stored.sha256 == response.headers["ETag"].strip('"')
    for word in (b"JavaScript", b"app.alert", b"/Launch", b"calc.exe", b"XFA", b"EmbeddedFile"):
        assert word not in response.data, word
    with pikepdf.open(io.BytesIO(response.data)) as kept:
        assert len(kept.pages) == 1
        assert "/OpenAction" not in kept.Root and "/AA" not in kept.Root
        assert "/JavaScript" not in kept.Root.Names and "/EmbeddedFiles" not in kept.Root.Names
        assert "/XFA" not in kept.Root.AcroForm and not kept.attachments
        page = kept.pages[0].obj
        assert "/AA" not in page and "/A" not in page.Annots[0]


def _put(team: dict, name: str, size: int) -> str:
    """A file stored just now that no event names (yet), as an upload in flight is."""
    stored = uploads.StoredFile(name, "card.png", "image/png", size)
    uploads.add_copy(team["onboarding"].clinic_id, stored, b"\x00" * size, utcnow())
    db.session.commit()
    return name


def _names(app: Flask) -> list[str]:
    return sorted(stored.stored_name for stored in _stored_files(app))


def test_an_upload_past_the_clinic_quota_is_refused_with_a_message(app: Flask, team) -> None:
    """Issue 22, finding 8: uploads had no quota."""
    app.config["UPLOAD_QUOTA_BYTES_PER_CLINIC"] = 2 * 1024
    kept = _put(team, "a" * 32, 1900)  # a copy whose record is being saved just now
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    response = _upload(hire, task.id, PNG + b"0" * 200, "card.png", "image/png")
    assert response.status_code == 200
    assert "The clinic&#39;s file storage is full (2 KB)." in response.get_data(as_text=True)
    assert _recorded(team) == [] and _names(app) == [kept]
    assert _upload(hire, task.id, PNG, "card.png", "image/png").status_code == 302


def test_only_files_the_record_names_are_kept(app: Flask, team) -> None:
    """A replaced copy that an event names stays (the record shows it, voided or not); a file
    no event names is deleted once its upload can no longer be in flight."""
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    assert _upload(hire, task.id, PNG, "first.png", "image/png").status_code == 302
    [first] = _names(app)
    assert hire.send("POST", f"/my/tasks/{task.id}/undo", {}).status_code == 302
    orphan, in_flight = _put(team, "b" * 32, 1), _put(team, "c" * 32, 1)
    past_grace = utcnow() - timedelta(seconds=uploads.ORPHAN_GRACE_SECONDS + 1)
    old = StoredFileRow.stored_name.in_([first, orphan])
    db.session.execute(update(StoredFileRow).where(old).values(created_at=past_grace))
    db.session.commit()
    assert _upload(hire, task.id, JPEG, "second.jpg", "image/jpeg").status_code == 302
    names = set(_names(app))
    assert first in names and in_flight in names and orphan not in names
    assert len(names) == 3
