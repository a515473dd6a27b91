"""The new hire's page: ticking items off, signing a policy, recording a credential."""

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, OnboardingEvent
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import STATEMENT_KINDS, TaskStatus
from clinic_onboard.services import uploads
from tests.conftest import Auth, config_for_tests
from tests.web.onboarding_factory import a_pdf, make_team, task_of

PDF = a_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict:
    return config_for_tests(database_url, UPLOAD_MAX_BYTES=1024, UPLOAD_FOLDER=str(tmp_path))


@pytest.fixture
def team(make_member, make_clinic):
    return make_team(make_member, make_clinic)


def _fetch(client: FlaskClient, url: str):
    """GET and close at once, so a streamed file is not left open."""
    response = client.get(url)
    response.close()
    return response


def _status(onboarding, item_id: str) -> TaskStatus:
    return record_reads.task_records(onboarding)[task_of(onboarding, item_id).id].status


def _recorded(onboarding) -> list:
    """What people recorded; the record's own statements of the plan are left out."""
    return [e for e in record_reads.events_of(onboarding) if e.kind not in STATEMENT_KINDS]


def _kinds(onboarding) -> list[str]:
    return [e.kind for e in _recorded(onboarding)]


def test_the_page_shows_the_plan_by_phase_with_figures(client: FlaskClient, auth: Auth, team):
    people = team()
    auth.login_as(people["hire"])
    page = client.get("/my/").get_data(as_text=True)
    for heading in ("Before your first day", "Day 1", "Week 1", "By date"):
        assert f">{heading}</h2>" in page
    assert "0 of 5 done" in page
    assert '<progress class="plan-progress" max="5" value="0"' in page
    assert "Overdue" in page  # the reading was due two days ago
    assert "Wipe down the exam room surfaces" in page and "Start of day" in page


def test_someone_without_an_onboarding_gets_a_friendly_message(client, auth, team):
    people = team()
    auth.login_as(people["manager"])
    assert "no onboarding plan in Harbour Clinic yet" in client.get("/my/").get_data(as_text=True)


def test_done_undo_done_appends_events(client: FlaskClient, auth: Auth, team) -> None:
    people = team()
    plan, hire = people["onboarding"], people["hire"]
    task = task_of(plan, "ipac.hand_hygiene")
    auth.login_as(hire)
    response = client.post(f"/my/tasks/{task.id}/done", data={"note": "Practised with Sam"})
    assert response.status_code == 302
    assert _status(plan, "ipac.hand_hygiene") is TaskStatus.AWAITING_SIGNOFF
    assert "Waiting for sign-off" in client.get("/my/").get_data(as_text=True)
    client.post(f"/my/tasks/{task.id}/undo")
    assert _status(plan, "ipac.hand_hygiene") is TaskStatus.NOT_STARTED
    client.post(f"/my/tasks/{task.id}/done")
    assert _kinds(plan) == ["completed", "undone", "completed"]
    assert _recorded(plan)[0].payload == {"note": "Practised with Sam"}
    # Done twice is refused and records nothing.
    page = client.post(f"/my/tasks/{task.id}/done", follow_redirects=True).get_data(as_text=True)
    assert "already done or waiting for sign-off" in page
    assert len(_kinds(plan)) == 3


def test_a_reading_without_sign_off_is_done_and_counts(client: FlaskClient, auth: Auth, team):
    people = team()
    auth.login_as(people["hire"])
    task = task_of(people["onboarding"], "privacy.read_policy")
    client.post(f"/my/tasks/{task.id}/done")
    assert _status(people["onboarding"], "privacy.read_policy") is TaskStatus.DONE
    assert "1 of 5 done" in client.get("/my/").get_data(as_text=True)


def test_a_note_over_1000_characters_is_refused(client: FlaskClient, auth: Auth, team) -> None:
    people = team()
    auth.login_as(people["hire"])
    task = task_of(people["onboarding"], "ipac.hand_hygiene")
    assert client.post(f"/my/tasks/{task.id}/done", data={"note": "x" * 1001}).status_code == 400
    assert _kinds(people["onboarding"]) == []


def test_another_hires_task_is_404_even_in_the_same_clinic(client, auth, team) -> None:
    people = team()
    theirs = task_of(people["other_onboarding"], "ipac.hand_hygiene")
    auth.login_as(people["hire"])
    assert client.post(f"/my/tasks/{theirs.id}/done").status_code == 404
    assert client.post(f"/my/tasks/{theirs.id}/undo").status_code == 404
    ack = task_of(people["other_onboarding"], "privacy.confidentiality")
    assert client.get(f"/my/tasks/{ack.id}/acknowledge").status_code == 404
    assert _kinds(people["other_onboarding"]) == []


def test_acknowledgement_needs_the_typed_full_name(client: FlaskClient, auth: Auth, team) -> None:
    people = team()
    plan, hire = people["onboarding"], people["hire"]
    task = task_of(plan, "privacy.confidentiality")
    auth.login_as(hire)
    page = client.get(f"/my/tasks/{task.id}/acknowledge").get_data(as_text=True)
    assert "What to do for privacy.confidentiality." in page and "PHIPA, s. 12" in page
    wrong = client.post(f"/my/tasks/{task.id}/acknowledge", data={"typed_name": "Someone Else"})
    assert wrong.status_code == 200 and "Type your full name exactly" in wrong.get_data(True)
    assert _kinds(plan) == []
    typed = "  " + hire.user.display_name.upper().replace(" ", "   ") + " "
    right = client.post(f"/my/tasks/{task.id}/acknowledge", data={"typed_name": typed})
    assert right.status_code == 302
    [event] = _recorded(plan)
    assert event.kind == "acknowledged"
    assert event.payload == {
        "typed_name": hire.user.display_name.upper(),
        "content_version": plan.catalog_version,
    }
    assert _status(plan, "privacy.confidentiality") is TaskStatus.DONE


def _credential(client: FlaskClient, task_id: int, content: bytes | None, name: str, **extra):
    data = {"issuer": "Heart and Stroke Foundation", "number": "BLS-123", "issued_on": "2026-01-31"}
    data.update(extra)
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(
        f"/my/tasks/{task_id}/credential", data=data, content_type="multipart/form-data"
    )


def test_credential_with_computed_expiry_and_a_served_file(
    app: Flask, client: FlaskClient, auth: Auth, team
) -> None:
    people = team()
    plan = people["onboarding"]
    task = task_of(plan, "bls.certificate")
    auth.login_as(people["hire"])
    assert _credential(client, task.id, PDF, "my card.pdf").status_code == 302
    [event] = _recorded(plan)
    payload = event.payload
    # 24 months after 31 January 2026 is 31 January 2028.
    assert (payload["issued_on"], payload["expires_on"]) == ("2026-01-31", "2028-01-31")
    assert payload["file"]["content_type"] == "application/pdf"
    assert payload["file"]["original_name"] == "my card.pdf"
    assert payload["file"]["size"] == len(PDF)
    stored = uploads.find(plan.clinic_id, payload["file"]["stored_name"])
    assert stored is not None and stored.data == PDF and stored.size == len(PDF)
    assert _status(plan, "bls.certificate") is TaskStatus.AWAITING_SIGNOFF

    response = client.get(f"/my/files/{event.id}")
    assert response.status_code == 200 and response.data == PDF
    response.close()
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for who, code in [("supervisor", 200), ("manager", 200), ("other_hire", 404)]:
        auth.logout()
        auth.login_as(people[who])
        assert _fetch(client, f"/my/files/{event.id}").status_code == code, who


def test_an_explicit_expiry_and_a_png(client: FlaskClient, auth: Auth, team) -> None:
    people = team()
    task = task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    _credential(client, task.id, PNG, "card.pdf", expires_on="2027-06-30")
    [event] = _recorded(people["onboarding"])
    assert event.payload["expires_on"] == "2027-06-30"
    # The sniffed type wins over the name: the download says PNG and ends in .png.
    response = _fetch(client, f"/my/files/{event.id}")
    assert response.headers["Content-Type"] == "image/png"
    assert "filename=card.png" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "card.pdf", "Upload a PDF, JPEG or PNG"),
        (b"%PDF-" + b"0" * 2000, "big.pdf", "larger than"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_disguised_or_oversize_uploads_are_refused(
    app: Flask, client: FlaskClient, auth: Auth, team, content: bytes, name: str, message: str
) -> None:
    people = team()
    task = task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    response = _credential(client, task.id, content, name)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _kinds(people["onboarding"]) == []


def test_credential_without_a_file_and_a_bad_expiry(client: FlaskClient, auth: Auth, team):
    people = team()
    task = task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    bad = _credential(client, task.id, None, "", expires_on="2025-01-01")
    assert "must be after the issue date" in bad.get_data(as_text=True)
    assert "up to 1 KB." in bad.get_data(as_text=True)  # the limit as set, not "0 MB"
    assert _credential(client, task.id, None, "").status_code == 302
    [event] = _recorded(people["onboarding"])
    assert event.payload["file"] is None


@pytest.mark.parametrize(
    "dates",
    [
        {"expires_on": "9999-12-31"},
        {"issued_on": "0001-01-01", "expires_on": "0001-02-01"},
        {"issued_on": "9999-01-01"},
    ],
)
def test_credential_dates_off_the_calendar_are_a_form_error(
    client: FlaskClient, auth: Auth, team, dates: dict[str, str]
) -> None:
    """Issue 22, finding 8: every date a person types is bounded, with a message."""
    people = team()
    task = task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    response = _credential(client, task.id, None, "", **dates)
    assert response.status_code == 200
    assert "Choose a date between 1900 and 2099." in response.get_data(as_text=True)
    assert _kinds(people["onboarding"]) == []


def test_a_file_of_another_clinic_is_404(client, auth, team, make_member) -> None:
    people = team()
    task = task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    _credential(client, task.id, PDF, "card.pdf")
    event_id = db.session.scalar(select(OnboardingEvent.id))
    outsider = make_member(AppRole.MANAGER)
    auth.logout()
    auth.login_as(outsider)
    assert _fetch(client, f"/my/files/{event_id}").status_code == 404
