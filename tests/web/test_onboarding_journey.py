"""One hire from the set-password link to a completed, manager-signed onboarding, through the
real pages and a real generated plan, including a remediation loop and a voided completion."""

import html
import io
import re
from datetime import date

from flask import Flask
from sqlalchemy import select

from clinic_onboard import policy
from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicRole,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.record.states import SignoffForm
from tests.conftest import PASSWORD, Auth
from tests.web.onboarding_factory import a_pdf

HIRE_PASSWORD = "a hire's own passphrase"
PDF = a_pdf()


def _add_hire(client, role: ClinicRole, supervisor_member_id: int) -> str:
    """Add the hire through the staff form; return the set-password link the manager copies."""
    form = {
        "name": "Noor Rahman",
        "email": "noor@clinic.example.com",
        "role": str(role.id),
        "start_date": _clinic_today(role.clinic_id).isoformat(),
        "supervisor": str(supervisor_member_id),
    }
    page = client.post("/staff/new", data=form, follow_redirects=True).get_data(as_text=True)
    return html.unescape(re.search(r"readonly[^>]*>([^<]+)</textarea>", page).group(1)).strip()


def _clinic_today(clinic_id: int) -> date:
    """The clinic's day, as the app dates everything: past midnight UTC it is still
    yesterday in Ontario."""
    return db.session.get_one(Clinic, clinic_id).today()


def _as(client, auth: Auth, email: str, password: str = PASSWORD) -> None:
    auth.logout()
    assert auth.login(email, password).status_code == 302


def _hire_does(client, task: OnboardingTask) -> None:
    if task.kind == "acknowledgement":
        client.post(f"/my/tasks/{task.id}/acknowledge", data={"typed_name": "noor  RAHMAN"})
    elif task.kind in ("credential", "document_check"):
        data = {
            "issuer": "Heart and Stroke Foundation",
            "number": "BLS-42",
            "issued_on": _clinic_today(task.clinic_id).isoformat(),
            "file": (io.BytesIO(PDF), "bls.pdf"),
        }
        client.post(
            f"/my/tasks/{task.id}/credential", data=data, content_type="multipart/form-data"
        )
    else:
        client.post(f"/my/tasks/{task.id}/done", data={"note": "done"})


# How each kind of item is signed: its method (or what was seen) and its positive outcome.
SIGNATURES = {
    SignoffForm.COMPETENCY: ("observed", "competent"),
    SignoffForm.DOCUMENT: ("original", "verified"),
    SignoffForm.CONFIRMATION: ("", "confirmed"),
}


def _sign(client, task: OnboardingTask, outcome: str = "", comment: str = "") -> None:
    method, positive = SIGNATURES[policy.signoff_form(task.kind)]
    data = {"password": PASSWORD, "method": method, "outcome": outcome or positive}
    data["comment"] = comment
    assert client.post(f"/signoffs/tasks/{task.id}", data=data).status_code == 302


def test_a_hire_from_first_login_to_completed_onboarding(
    app: Flask, client, auth: Auth, make_member, make_clinic
) -> None:
    clinic = make_clinic("Riverbend Clinic", province="ON", emr="accuro")
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    role = ClinicRole(clinic_id=clinic.id, template="clinic_assistant", name="Clinic assistant")
    db.session.add(role)
    db.session.commit()

    auth.login_as(manager)
    link = _add_hire(client, role, supervisor.id)
    auth.logout()
    path = link.split("localhost", 1)[-1]
    reply = client.post(path, data={"password": HIRE_PASSWORD, "confirm": HIRE_PASSWORD})
    assert reply.status_code == 302
    assert "Noor Rahman" in client.get("/my/").get_data(as_text=True)
    assert client.get(path).status_code == 410  # the link works once

    onboarding = db.session.scalars(select(Onboarding)).one()
    tasks = list(onboarding.tasks)
    assert len(tasks) > 20
    for task in tasks:
        _hire_does(client, task)

    needs_supervisor = [t for t in tasks if t.signoff == "supervisor"]
    needs_manager = [t for t in tasks if t.signoff == "manager"]
    _as(client, auth, supervisor.user.email)
    first = next(t for t in needs_supervisor if t.kind == "competency")
    _sign(client, first, "needs_practice", "Once more, slower.")
    _as(client, auth, "noor@clinic.example.com", HIRE_PASSWORD)
    assert "Once more, slower." in client.get("/my/").get_data(as_text=True)
    _hire_does(client, first)
    _as(client, auth, supervisor.user.email)
    for task in needs_supervisor:
        _sign(client, task)

    _as(client, auth, manager.user.email)
    for task in needs_manager:
        _sign(client, task)
    plain = next(t for t in tasks if t.signoff == "none" and t.kind in ("task", "reading"))
    completion = db.session.scalars(
        select(OnboardingEvent).where(OnboardingEvent.task_id == plain.id)
    ).first()
    client.post(f"/signoffs/events/{completion.id}/void", data={"reason": "Ticked by mistake"})
    complete = f"/signoffs/onboardings/{onboarding.id}/complete"
    client.post(complete, data={"password": PASSWORD})
    db.session.expire_all()
    assert db.session.get(Onboarding, onboarding.id).status is OnboardingStatus.ACTIVE

    _as(client, auth, "noor@clinic.example.com", HIRE_PASSWORD)
    _hire_does(client, plain)
    _as(client, auth, manager.user.email)
    client.post(complete, data={"password": PASSWORD})
    db.session.expire_all()
    assert db.session.get(Onboarding, onboarding.id).status is OnboardingStatus.COMPLETED
    record = client.get(f"/signoffs/onboardings/{onboarding.id}/record").get_data(as_text=True)
    assert "Ticked by mistake" in record
    result = app.test_cli_runner().invoke(cli, ["verify-signoffs"])
    assert result.output == "All 1 onboarding records verify.\n"
