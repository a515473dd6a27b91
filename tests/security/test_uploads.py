"""Credential uploads: the type comes from the content, the size is capped, nothing is stored
for a refused file, and a stored file is only ever served as a download, to the hire, their
supervisor and the clinic's managers.

Complements ``tests/web/test_my_onboarding.py`` (the happy path and the basic refusals).
"""

import io
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from clinic_onboard import uploads
from clinic_onboard.models import AppRole, OnboardingEvent
from clinic_onboard.operations import progress
from clinic_onboard.record.states import STATEMENT_KINDS
from tests.conftest import PASSWORD, config_for_tests
from tests.security.crawl import Visitor, header_problems
from tests.web.onboarding_factory import make_team, task_of

LIMIT = 1024
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
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


def _stored_files(app: Flask) -> list[Path]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _recorded(team: dict) -> list[OnboardingEvent]:
    """What people recorded; the record's own statement of the plan is left out."""
    return [e for e in progress.events_of(team["onboarding"]) if e.kind not in STATEMENT_KINDS]


def _credential_event(team: dict) -> OnboardingEvent:
    [event] = [e for e in progress.events_of(team["onboarding"]) if e.kind == "credential_recorded"]
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
        # Starts like a PDF, so it is kept as one; a browser is never told it is HTML.
        (b"%PDF-1.4\n" + SCRIPT, "page.html", "text/html", "application/pdf", "page.pdf"),
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


def test_a_file_at_the_limit_is_kept_and_one_byte_more_is_refused(app: Flask, team) -> None:
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    over = _upload(hire, task.id, PDF + b"0" * (LIMIT + 1 - len(PDF)), "big.pdf")
    assert over.status_code == 200
    assert "The file is larger than 1 KB." in over.get_data(as_text=True)
    assert _recorded(team) == [] and _stored_files(app) == []
    at_limit = _upload(hire, task.id, PDF + b"0" * (LIMIT - len(PDF)), "fits.pdf")
    assert at_limit.status_code == 302
    assert [p.stat().st_size for p in _stored_files(app)] == [LIMIT]


def test_a_request_over_the_body_limit_gets_a_clear_413_and_stores_nothing(
    app: Flask, team
) -> None:
    hire = _as(app, team["hire"])
    task = task_of(team["onboarding"], "bls.certificate")
    response = _upload(hire, task.id, PDF + b"0" * (20 * 1024), "huge.pdf")
    assert response.status_code == 413
    assert "That upload is too large." in response.get_data(as_text=True)
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
    clinic_folder = Path(app.config["UPLOAD_FOLDER"], str(team["onboarding"].clinic_id))
    assert stored.parent == clinic_folder and uploads.STORED_NAME.fullmatch(stored.name)
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


def test_a_missing_file_or_a_stored_name_we_did_not_make_is_not_found(app: Flask, team) -> None:
    _served(app, team, PDF, "card.pdf", "application/pdf")
    [stored] = _stored_files(app)
    stored.unlink()
    hire = _as(app, team["hire"])
    assert hire.send("GET", f"/my/files/{_credential_event(team).id}").status_code == 404
    for name in ("../secret_key", "A" * 32, "", "0" * 31):
        with pytest.raises(FileNotFoundError):
            uploads.stored_path(stored.parent, name)
