"""PDF downloads: each export renders from the database, and only for the people allowed."""

import hashlib
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.local_time import today_in
from clinic_onboard.models import (
    AppRole,
    ClinicRole,
    IssuedRecord,
    Membership,
    OnboardingEvent,
    SwitchedOffItem,
)
from clinic_onboard.operations import leaving, progress
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.queries import pdf_inputs
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.record import chain_head
from clinic_onboard.services.library import catalog
from clinic_onboard.web import exports
from tests.conftest import counting_queries
from tests.web.onboarding_factory import TITLES, build_onboarding, make_team, task_of


@pytest.fixture
def team(make_member: Callable, make_clinic: Callable) -> dict:
    """The clinic of ``make_team`` with a completed, signed-off and credentialled record."""
    people = make_team(make_member, make_clinic)()
    onboarding, hire = people["onboarding"], people["hire"]
    progress.complete_task(onboarding, task_of(onboarding, "privacy.read_policy"), hire)
    progress.acknowledge_task(
        onboarding,
        task_of(onboarding, "privacy.confidentiality"),
        hire,
        hire.user.display_name,
    )
    progress.record_credential(
        onboarding,
        task_of(onboarding, "bls.certificate"),
        hire,
        progress.CredentialDetails(
            "Heart and Stroke", "BLS-4471", date.today(), date.today() + timedelta(days=30)
        ),
        None,
    )
    hygiene = task_of(onboarding, "ipac.hand_hygiene")
    progress.complete_task(onboarding, hygiene, hire)
    progress.sign_off(onboarding, hygiene, people["supervisor"], "observed", True)
    db.session.commit()
    return people


def pdf_text(response) -> str:
    """The PDF's text with runs of whitespace made single spaces (cells wrap lines)."""
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Content-Disposition"].endswith('.pdf"')
    reader = PdfReader(io.BytesIO(response.data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_record_pdf_prints_the_record_and_its_fingerprint(client: FlaskClient, auth, team):
    onboarding = team["onboarding"]
    auth.login_as(team["manager"])
    text = pdf_text(client.post(f"/exports/onboardings/{onboarding.id}/record.pdf"))
    assert "Harbour Clinic" in text
    assert team["hire"].user.display_name in text
    assert TITLES["ipac.hand_hygiene"] in text
    assert "Signed off" in text and "Waiting for sign-off" in text and "Not started" in text
    assert team["supervisor"].user.display_name in text  # who signed
    assert "Heart and Stroke" in text and "BLS-4471" in text
    assert chain_head(onboarding)[:12] in text
    assert "Page 1 of" in text
    assert "not legal advice" not in text


def test_the_record_pdf_is_a_post_and_a_get_writes_nothing(client: FlaskClient, auth, team):
    auth.login_as(team["manager"])
    url = f"/exports/onboardings/{team['onboarding'].id}/record.pdf"
    assert client.get(url).status_code == 405
    assert db.session.scalar(select(func.count()).select_from(IssuedRecord)) == 0
    response = client.post(url)
    issued = db.session.scalars(select(IssuedRecord)).all()
    assert [row.sha256 for row in issued] == [hashlib.sha256(response.data).hexdigest()]
    assert issued[0].issued_by == team["manager"].user_id


def test_the_record_pdf_prints_the_whole_history_in_the_clinic_zone(
    client: FlaskClient, auth, team
):
    """Issue 24: needs-practice comments, corrections with their reason, the final sign-off
    and pending renewals, every time on the clinic's clock with its zone."""
    onboarding, manager = team["onboarding"], team["manager"]
    manager.clinic.time_zone = "America/Halifax"
    wash = task_of(onboarding, "ipac.hand_hygiene")
    signed = db.session.scalars(
        select(OnboardingEvent).where(
            OnboardingEvent.task_id == wash.id, OnboardingEvent.kind == "signed_off"
        )
    ).one()
    progress.void_event(onboarding, signed, manager, "Signed before the observation")
    progress.sign_off(onboarding, wash, team["supervisor"], "observed", False, "Twenty seconds")
    db.session.commit()
    auth.login_as(manager)
    text = pdf_text(client.post(f"/exports/onboardings/{onboarding.id}/record.pdf"))
    assert "“Signed before the observation”" in text and "[cancelled by a correction]" in text
    assert "“Twenty seconds”" in text
    assert "Final sign-off" in text and "Not given yet" in text
    assert "Pending renewals" in text and "No renewal is pending." in text
    assert "Atlantic (Nova Scotia, Prince Edward Island), AST" in text
    assert " AST · Signed off: competent" in text and " UTC" not in text
    assert "privacy.read_policy" not in text and "ipac.hand_hygiene" not in text


def test_a_credential_signed_off_lists_its_renewal_as_pending(
    client: FlaskClient, auth, make_member: Callable, make_clinic: Callable
):
    clinic = make_clinic("Harbour Clinic")
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    hire = make_member(AppRole.STAFF, clinic=clinic)
    onboarding = build_onboarding(hire, manager.user_id, renewing=("bls.certificate",))
    bls = task_of(onboarding, "bls.certificate")
    issued = date.today()
    details = progress.CredentialDetails("Heart and Stroke", "BLS-9", issued, None)
    progress.record_credential(onboarding, bls, hire, details, None)
    progress.sign_off(onboarding, bls, manager, "document reviewed", True)
    db.session.commit()
    renewal = next(t for t in onboarding.tasks if t.renewal_of_id == bls.id)

    auth.login_as(manager)
    text = pdf_text(client.post(f"/exports/onboardings/{onboarding.id}/record.pdf"))

    pending = text.split("Pending renewals", 1)[1]
    assert f"{TITLES['bls.certificate']} {renewal.due_date.isoformat()}" in pending
    assert "No. BLS-9" in text and "Document reviewed" in text


@pytest.mark.parametrize("who", ["hire", "supervisor"])
def test_the_hire_and_their_supervisor_download_the_record(client, auth, team, who):
    auth.login_as(team[who])
    response = client.post(f"/exports/onboardings/{team['onboarding'].id}/record.pdf")
    assert team["hire"].user.display_name in pdf_text(response)


def test_another_hire_gets_404_for_a_record(client, auth, team):
    auth.login_as(team["other_hire"])
    assert (
        client.post(f"/exports/onboardings/{team['onboarding'].id}/record.pdf").status_code == 404
    )


def test_summary_pdf_for_managers(client: FlaskClient, auth, team):
    auth.login_as(team["manager"])
    text = pdf_text(client.get("/exports/summary.pdf"))
    assert "Harbour Clinic" in text
    assert team["hire"].user.display_name in text
    assert team["other_hire"].user.display_name in text
    assert "Infection prevention and control" in text  # a module column, the library's name
    assert TITLES["bls.certificate"] in text  # expiring credentials lists it
    assert "Page 1 of" in text


def test_a_french_summary_names_modules_in_french_whatever_the_plans_language(team):
    """Issue 24: the module names came from the hires' stored (English) plans."""
    summary = pdf_inputs.summary_input(team["manager"].clinic, datetime.now(UTC), "fr")

    assert "Prévention et contrôle des infections" in summary.modules
    assert "IPAC" not in summary.modules


def test_the_summary_runs_as_many_queries_for_a_larger_clinic(
    client: FlaskClient, auth, team, make_member: Callable
):
    """Issue 26: each hire's module cells are counted by the database and the cards about
    to lapse found by narrow queries, so more staff (one of them gone, each with a card
    lapsing) add rows to the summary, not statements to its request."""
    auth.login_as(team["manager"])
    manager_id, supervisor_id = team["manager"].id, team["supervisor"].user_id
    small = _summary_queries(client)
    manager = db.session.get(Membership, manager_id)  # the count emptied the session
    names = []
    for number in range(4):
        hire = make_member(AppRole.STAFF, clinic=manager.clinic)
        onboarding = build_onboarding(hire, supervisor_id)
        progress.record_credential(
            onboarding,
            task_of(onboarding, "bls.certificate"),
            hire,
            progress.CredentialDetails(
                "Heart and Stroke", f"BLS-{number}", date.today(), date.today() + timedelta(10)
            ),
            None,
        )
        if number == 0:
            leaving.mark_left(hire, manager, date.today(), "resigned")
        names.append(hire.user.display_name)
    db.session.commit()

    assert _summary_queries(client) == small
    text = pdf_text(client.get("/exports/summary.pdf"))
    assert all(name in text for name in names)
    assert text.count(TITLES["bls.certificate"]) == 5  # the team's card, the four new ones
    closed = text.split("Completed or left")[-1]  # the last section: who completed or left
    assert names[0] in closed and "Left before finishing" in closed
    assert not any(name in closed for name in names[1:])


def _summary_queries(client: FlaskClient) -> int:
    """Statements of one summary download, from an empty session as a real request has."""
    assert client.get("/exports/summary.pdf").status_code == 200  # warm: first-visit work
    db.session.expunge_all()
    with counting_queries() as statements:
        assert client.get("/exports/summary.pdf").status_code == 200
    return len(statements)


def test_staff_get_403_for_the_summary(client, auth, team):
    auth.login_as(team["hire"])
    assert client.get("/exports/summary.pdf").status_code == 403


@pytest.mark.parametrize("kind", ["checklist", "plan"])
def test_role_pdfs_for_managers(client: FlaskClient, auth, team, kind):
    role = db.session.scalar(
        select(ClinicRole).where(ClinicRole.clinic_id == team["hire"].clinic_id)
    )
    plan = plan_for(catalog(), team["manager"].clinic, role, date(2026, 12, 1))
    auth.login_as(team["manager"])
    text = pdf_text(client.get(f"/exports/roles/{role.id}/{kind}.pdf?start=2026-12-01"))
    assert "Harbour Clinic" in text and role.name in text
    first = plan.duties[0] if kind == "checklist" else plan.tasks[0]
    assert re.sub(r"\s+", " ", first.title) in text
    assert "Page 1 of" in text


@pytest.mark.parametrize("kind", ["checklist", "plan"])
def test_role_pdfs_are_for_managers_of_the_clinic(
    client, auth, team, make_member, make_clinic, kind
):
    role = db.session.scalar(
        select(ClinicRole).where(ClinicRole.clinic_id == team["hire"].clinic_id)
    )
    auth.login_as(team["supervisor"])
    assert client.get(f"/exports/roles/{role.id}/{kind}.pdf").status_code == 403
    auth.logout()
    outsider = make_member(AppRole.MANAGER, clinic=make_clinic("Elsewhere Clinic"))
    auth.login_as(outsider)
    assert client.get(f"/exports/roles/{role.id}/{kind}.pdf").status_code == 404
    assert (
        client.post(f"/exports/onboardings/{team['onboarding'].id}/record.pdf").status_code == 404
    )


def test_pages_link_to_their_pdfs(client, auth, team):
    role = db.session.scalar(
        select(ClinicRole).where(ClinicRole.clinic_id == team["hire"].clinic_id)
    )
    auth.login_as(team["manager"])
    record_page = client.get(f"/signoffs/onboardings/{team['onboarding'].id}/record").text
    action = f'method="post" action="/exports/onboardings/{team["onboarding"].id}/record.pdf"'
    assert action in record_page
    assert "/exports/summary.pdf" in client.get("/dashboard/").text
    role_page = client.get(f"/roles/{role.id}").text
    assert f"/exports/roles/{role.id}/checklist.pdf" in role_page
    assert f"/exports/roles/{role.id}/plan.pdf" in role_page


def test_signing_out_is_required(client, team):
    response = client.get("/exports/summary.pdf")
    assert response.status_code in (302, 401)


def test_an_item_switched_off_after_a_needs_practice_stays_in_the_record_pdf(
    client: FlaskClient, auth, make_member: Callable
):
    """Issue 22, finding 7: applying a role change must not hide an item's history."""
    manager = make_member(AppRole.MANAGER)
    role = ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA")
    db.session.add(role)
    db.session.commit()
    onboarding = plans.start_onboarding(
        manager.clinic,
        manager.user,
        name="Jo Lee",
        email="jo@example.com",
        role=role,
        start_date=date.today(),
        supervisor=None,
        catalog=catalog(),
    )
    task = next(t for t in onboarding.tasks if t.kind == "competency" and t.signoff != "none")
    progress.complete_task(onboarding, task, onboarding.membership)
    progress.sign_off(onboarding, task, manager, "observed", False, "Glove removal order")
    db.session.add(
        SwitchedOffItem(clinic_id=role.clinic_id, role_id=role.id, item_id=task.item_id, reason="-")
    )
    db.session.commit()
    plans.apply_differences(onboarding, manager.user, catalog())
    db.session.commit()
    assert task.withdrawn_at is not None

    auth.login_as(manager)
    text = pdf_text(client.post(f"/exports/onboardings/{onboarding.id}/record.pdf"))
    assert re.sub(r"\s+", " ", task.title) in text
    assert "Needs practice" in text and "“Glove removal order”" in text
    withdrawn = today_in(onboarding.membership.clinic.time_zone, task.withdrawn_at)
    assert f"Withdrawn from the plan on {withdrawn.isoformat()}" in text
    assert "1 withdrawn" in text


@pytest.mark.parametrize("kind", ["checklist", "plan"])
@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "2026-13-45", "yesterday"])
def test_a_start_date_off_the_calendar_is_a_400_saying_why(
    client: FlaskClient, auth, team, kind: str, start: str
):
    """Issue 22, finding 8: ``?start=9999-12-31`` answered 500."""
    role = db.session.scalar(
        select(ClinicRole).where(ClinicRole.clinic_id == team["hire"].clinic_id)
    )
    auth.login_as(team["manager"])
    response = client.get(f"/exports/roles/{role.id}/{kind}.pdf?start={start}")
    assert response.status_code == 400
    assert "That start date cannot be printed." in response.text
    if start[0].isdigit() and start[5:7] != "13":
        assert "Choose a date between 1900 and 2099." in response.text
    assert client.get(f"/exports/roles/{role.id}/{kind}.pdf").status_code == 200
    for edge in ("1900-01-01", "2099-12-31"):  # the bounds themselves print
        assert client.get(f"/exports/roles/{role.id}/{kind}.pdf?start={edge}").status_code == 200


def test_a_render_past_the_process_limit_is_a_503_with_retry_after(
    app, client: FlaskClient, auth, team
):
    """Issue 22, finding 8: concurrent renders were unbounded. Every slot held by renders in
    progress (here, by the test), the next PDF is refused at once rather than queued."""
    slots = app.extensions[exports.RENDERS]
    held = 0
    while slots.acquire(blocking=False):
        held += 1
    assert held == app.config["PDF_RENDER_CONCURRENCY"]
    auth.login_as(team["manager"])
    try:
        busy = client.get("/exports/summary.pdf")
        record = client.post(f"/exports/onboardings/{team['onboarding'].id}/record.pdf")
    finally:
        for _ in range(held):
            slots.release()
    assert busy.status_code == 503 and record.status_code == 503
    assert busy.headers["Retry-After"] == str(exports.BUSY_RETRY_SECONDS)
    assert "Many documents are being prepared right now." in busy.text
    assert "Harbour Clinic" in pdf_text(client.get("/exports/summary.pdf"))
