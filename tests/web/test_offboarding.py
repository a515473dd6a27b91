"""The offboarding checklist made when a hire leaves: ticked by a manager, signed off, printed."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, Onboarding, OnboardingStatus
from clinic_onboard.models.onboarding import OFFBOARDING
from clinic_onboard.operations import offboarding, progress
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations import roles as role_ops
from clinic_onboard.pdf import completed_record
from clinic_onboard.queries import pdf_inputs
from clinic_onboard.queries.record import events_of, task_records, verify_onboarding
from clinic_onboard.record.states import EventKind, TaskStatus
from tests.conftest import Auth
from tests.web.onboarding_factory import TODAY

ITEMS = 4


@pytest.fixture
def leaver(client: FlaskClient, auth: Auth, make_member, make_clinic) -> Callable[[], dict]:
    """A hire onboarded in a real role, marked as left yesterday by the signed-in manager."""

    def make(language: str = "en") -> dict:
        clinic = make_clinic()
        clinic.language = language
        manager = make_member(AppRole.MANAGER, clinic=clinic)
        supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
        role = role_ops.add_role(clinic, manager.user, "medical_assistant", "")
        first = plans.start_onboarding(
            clinic,
            manager.user,
            name="Lee Leaver",
            email="lee@clinic.example.com",
            role=role,
            start_date=TODAY - timedelta(days=60),
            supervisor=supervisor.user,
        )
        db.session.commit()
        auth.login_as(manager)
        last_day = TODAY - timedelta(days=1)
        data = {"last_day": last_day.isoformat(), "reason": "resigned"}
        response = client.post(f"/leaving/members/{first.membership_id}", data=data)
        assert response.status_code == 302
        checklist = db.session.scalar(select(Onboarding).where(Onboarding.kind == OFFBOARDING))
        return {
            "manager": manager,
            "supervisor": supervisor,
            "first": first,
            "last_day": last_day,
            "checklist": checklist,
        }

    return make


def test_leaving_makes_the_checklist_from_the_library_for_the_last_day(
    client: FlaskClient, leaver: Callable
) -> None:
    people = leaver()
    checklist, first = people["checklist"], people["first"]
    assert checklist.membership_id == first.membership_id and checklist.role_id == first.role_id
    assert (
        checklist.status == OnboardingStatus.ACTIVE and checklist.start_date == people["last_day"]
    )
    assert len(checklist.tasks) == ITEMS and not checklist.duties
    assert {t.item_id.split(".")[0] for t in checklist.tasks} == {"offboarding"}
    assert events_of(checklist)[0].kind == EventKind.OPENED
    assert "offboarding.start" in db.session.scalars(select(AuditEvent.action)).all()

    page = client.get(f"/leaving/members/{first.membership_id}/left").get_data(as_text=True)
    assert f"/leaving/offboardings/{checklist.id}" in page
    listing = client.get(f"/leaving/offboardings/{checklist.id}").get_data(as_text=True)
    assert "Get back keys, the ID badge and the building fob" in listing
    assert "Personal Health Information Protection Act" in listing  # Ontario's law, rendered
    # Not a hire on the staff list or the dashboard.
    assert f'/staff/{checklist.id}"' not in client.get("/staff/").get_data(as_text=True)


def test_a_manager_ticks_every_item_then_signs_the_record_off(
    client: FlaskClient, leaver: Callable
) -> None:
    people = leaver()
    checklist, manager = people["checklist"], people["manager"]
    for task in checklist.tasks:
        response = client.post(f"/leaving/offboardings/{checklist.id}/tasks/{task.id}/done")
        assert response.status_code == 302
    records = task_records(checklist)
    assert {records[t.id].status for t in checklist.tasks} == {TaskStatus.DONE}
    ticks = [e for e in events_of(checklist) if e.kind == EventKind.COMPLETED]
    assert len(ticks) == ITEMS and {e.actor_id for e in ticks} == {manager.user_id}

    again = client.post(
        f"/leaving/offboardings/{checklist.id}/tasks/{checklist.tasks[0].id}/done",
        follow_redirects=True,
    )
    assert "already done" in again.get_data(as_text=True)

    progress.complete_onboarding(checklist, manager)
    db.session.commit()
    assert checklist.status == OnboardingStatus.COMPLETED
    assert not verify_onboarding(checklist).findings

    document = completed_record(
        pdf_inputs.record_input(checklist, "https://x.example", datetime.now(UTC))
    )
    assert document.title.startswith("Offboarding record: Lee Leaver")
    labels = [fact.label for fact in document.header]
    assert "Offboarding status" in labels and "Onboarding status" not in labels
    assert client.post(f"/exports/onboardings/{checklist.id}/record.pdf").status_code == 200
    record_page = client.get(f"/signoffs/onboardings/{checklist.id}/record")
    assert "Offboarding record:" in record_page.get_data(as_text=True)


def test_nobody_else_ticks_it_and_the_hire_cannot_reach_it(
    client: FlaskClient, auth: Auth, leaver: Callable, make_member
) -> None:
    people = leaver()
    checklist = people["checklist"]
    task = checklist.tasks[0]
    with pytest.raises(progress.ProgressRefused):
        offboarding.tick(checklist, task, people["supervisor"])
    db.session.rollback()
    with pytest.raises(progress.ProgressRefused):
        offboarding.tick(people["first"], people["first"].tasks[0], people["manager"])
    db.session.rollback()
    # An onboarding is not a checklist, nor is another clinic's.
    assert client.get(f"/leaving/offboardings/{people['first'].id}").status_code == 404
    client.post("/auth/logout")
    auth.login_as(people["supervisor"])
    assert (
        client.post(f"/leaving/offboardings/{checklist.id}/tasks/{task.id}/done").status_code == 403
    )
    client.post("/auth/logout")
    auth.login_as(make_member(AppRole.MANAGER))
    assert client.get(f"/leaving/offboardings/{checklist.id}").status_code == 404


def test_the_checklist_is_in_the_clinics_language(client: FlaskClient, leaver: Callable) -> None:
    checklist = leaver("fr")["checklist"]
    titles = {t.title for t in checklist.tasks}
    assert "Récupérer les clés, le badge d\u2019identité et la clé électronique" in titles


def test_someone_who_was_never_onboarded_leaves_without_a_checklist(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    clinic = make_clinic()
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    auth.login_as(manager)
    data = {"last_day": TODAY.isoformat(), "reason": "retired"}
    assert client.post(f"/leaving/members/{supervisor.id}", data=data).status_code == 302
    assert db.session.scalar(select(Onboarding.id)) is None
