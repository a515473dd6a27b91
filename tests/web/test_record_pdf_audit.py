"""Issue 24's "done when", read back out of the PDFs the app issues (pypdf): a completed record
carries the final sign-off, each needs-practice comment, a correction's reason and a pending
renewal, in English and in French; the French summary names modules in French; the blank forms
name the EMR and options they were made for."""

import io
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.local_time import today_in
from clinic_onboard.models import AppRole, ClinicRole, Onboarding, OnboardingEvent
from clinic_onboard.operations import progress
from tests.web.onboarding_factory import TITLES, build_onboarding, make_team, task_of

COMMENTS = ("Label the tubes before the draw", "Check the requisition against the chart")
REASON = "Signed before the observation"


def text_of(data: bytes) -> str:
    """Every page's text, runs of whitespace made single spaces (cells wrap their lines)."""
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _signed_event(task_id: int) -> OnboardingEvent:
    return db.session.scalars(
        select(OnboardingEvent).where(
            OnboardingEvent.task_id == task_id, OnboardingEvent.kind == "signed_off"
        )
    ).one()


@pytest.fixture
def completed(make_member: Callable, make_clinic: Callable) -> dict:
    """A record a manager closed: two needs-practice rounds, a voided sign-off signed again,
    a credential whose renewal is pending, and the final sign-off."""
    clinic = make_clinic("Harbour Clinic")
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    hire = make_member(AppRole.STAFF, clinic=clinic)
    onboarding = build_onboarding(hire, supervisor.user_id, renewing=("bls.certificate",))
    wash = task_of(onboarding, "ipac.hand_hygiene")
    for comment in COMMENTS:
        progress.complete_task(onboarding, wash, hire)
        progress.sign_off(onboarding, wash, supervisor, "observed", False, comment)
    progress.complete_task(onboarding, wash, hire)
    progress.sign_off(onboarding, wash, supervisor, "observed", True)
    progress.void_event(onboarding, _signed_event(wash.id), manager, REASON)
    progress.sign_off(onboarding, wash, supervisor, "demonstrated", True)
    progress.complete_task(onboarding, task_of(onboarding, "privacy.read_policy"), hire)
    progress.acknowledge_task(
        onboarding, task_of(onboarding, "privacy.confidentiality"), hire, hire.user.display_name
    )
    bls = task_of(onboarding, "bls.certificate")
    card = progress.CredentialDetails("Heart and Stroke", "BLS-7731", date.today(), None)
    progress.record_credential(onboarding, bls, hire, card, None)
    progress.sign_off(onboarding, bls, supervisor, "document reviewed", True)
    billing = task_of(onboarding, "emr.billing")
    progress.complete_task(onboarding, billing, hire)
    progress.sign_off(onboarding, billing, manager, "observed", True)
    progress.complete_onboarding(onboarding, manager)
    db.session.commit()
    return {"manager": manager, "supervisor": supervisor, "hire": hire, "onboarding": onboarding}


def _record_pdf(client: FlaskClient, auth, people: dict, lang: str = "en") -> str:
    onboarding: Onboarding = people["onboarding"]
    if lang != "en":  # the record prints in the language its plan was made in
        onboarding.profile = {**onboarding.profile, "language": lang}
        db.session.commit()
    auth.login_as(people["manager"])
    response = client.post(f"/exports/onboardings/{onboarding.id}/record.pdf")
    assert response.status_code == 200
    return text_of(response.data)


def test_the_record_carries_the_final_sign_off_comments_correction_and_renewal(
    client: FlaskClient, auth, completed: dict
):
    text = _record_pdf(client, auth, completed)
    manager = completed["manager"].user.display_name
    onboarding = completed["onboarding"]
    renewal = next(t for t in onboarding.tasks if t.renewal_of_id is not None)

    final = text.split("Final sign-off", 2)[-1]
    assert f"Signed by {manager}" in final and "Role Manager" in final
    completed_on = today_in(onboarding.membership.clinic.time_zone, onboarding.completed_at)
    assert f"Completed on {_long(completed_on)}" in text
    assert "Onboarding status Completed" in text
    for comment in COMMENTS:
        assert f"Needs practice · {completed['supervisor'].user.display_name}" in text
        assert f"“{comment}”" in text
    assert f"Correction · {manager}, Manager" in text and f"“{REASON}”" in text
    assert "[cancelled by a correction]" in text
    pending = text.split("Pending renewals", 1)[1]
    assert f"{TITLES['bls.certificate']} {renewal.due_date.isoformat()}" in pending
    assert "No. BLS-7731" in text
    assert not any(task.item_id in text for task in onboarding.tasks)  # no internal id
    assert "…" not in text


def test_the_french_record_carries_them_in_french(client: FlaskClient, auth, completed: dict):
    text = _record_pdf(client, auth, completed, "fr")
    manager = completed["manager"].user.display_name

    final = text.split("Validation finale", 2)[-1]
    assert f"Signé par {manager}" in final and "Gestionnaire" in final
    assert "Superviseur ou superviseure" in text  # both forms, above a name of either gender
    for comment in COMMENTS:
        assert f"« {comment} »" in text
    assert f"« {REASON} »" in text
    assert "Renouvellements à venir" in text and TITLES["bls.certificate"] in text
    assert not any(task.item_id in text for task in completed["onboarding"].tasks)
    assert "…" not in text


def _long(day: date) -> str:
    """The English long date the record's header prints."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def test_the_french_summary_pdf_names_modules_in_french(
    client: FlaskClient, auth, make_member: Callable, make_clinic: Callable
):
    people = make_team(make_member, make_clinic)()
    people["manager"].clinic.language = "fr"
    db.session.commit()
    auth.login_as(people["manager"])

    response = client.get("/exports/summary.pdf")

    text = text_of(response.data)
    assert "Sommaire de conformité" in text
    assert "Prévention et contrôle des infections" in text
    assert "Infection prevention and control" not in text


@pytest.mark.parametrize("kind", ["checklist", "plan"])
def test_a_role_form_names_the_clinic_emr_and_options(
    client: FlaskClient, auth, make_member: Callable, make_clinic: Callable, kind: str
):
    """Issue 24: blank forms omitted the EMR and options they were made for."""
    people = make_team(make_member, make_clinic)()
    clinic = people["manager"].clinic
    clinic.emr, clinic.options = "accuro", ["vaccine_storage", "specimen_collection"]
    db.session.commit()
    role = db.session.scalar(select(ClinicRole).where(ClinicRole.clinic_id == clinic.id))
    auth.login_as(people["manager"])
    start = (date.today() + timedelta(days=7)).isoformat()

    first_page = PdfReader(
        io.BytesIO(client.get(f"/exports/roles/{role.id}/{kind}.pdf?start={start}").data)
    ).pages[0]

    header = re.sub(r"\s+", " ", first_page.extract_text())
    assert "EMR Accuro (QHR Technologies)" in header
    assert "Clinic options Specimen collection on site, Vaccine storage on site" in header
