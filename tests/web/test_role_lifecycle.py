"""The end of a role (archived with hires, deleted when never used) and a blank role name."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, ClinicRole, Onboarding
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations import roles as ops
from clinic_onboard.queries.roles import hiring_roles
from tests.conftest import Auth, finished_job, job_id_of
from tests.web.onboarding_factory import TODAY, make_team

team = pytest.fixture(make_team)


def the_role(people: dict) -> ClinicRole:
    return people["onboarding"].role


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_role_with_hires_is_archived_not_deleted_and_offered_again_on_request(
    client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    role = the_role(people)
    auth.login_as(people["manager"])
    page = client.get(f"/roles/{role.id}").get_data(as_text=True)
    assert "Archive the role" in page and "Delete the role" not in page

    refused = client.post(f"/roles/{role.id}/delete", follow_redirects=True)
    assert "archive it instead" in refused.get_data(as_text=True)
    assert db.session.get(ClinicRole, role.id) is not None

    archived = client.post(f"/roles/{role.id}/archive", follow_redirects=True)
    assert "is no longer offered for new hires" in archived.get_data(as_text=True)
    assert role.id not in {r.id for r in hiring_roles(role.clinic_id)}
    assert f">{role.name}</option>" not in client.get("/staff/new").get_data(as_text=True)
    assert "Archived" in client.get("/roles/").get_data(as_text=True)
    # The plans it gave are unchanged and still open.
    assert client.get(f"/staff/{people['onboarding'].id}").status_code == 200
    assert db.session.get(Onboarding, people["onboarding"].id).role_id == role.id

    client.post(f"/roles/{role.id}/restore")
    assert role.id in {r.id for r in hiring_roles(role.clinic_id)}
    assert audit_actions()[-2:] == ["role.archive", "role.restore"]


def test_an_archived_role_takes_no_hire_whatever_the_way_in(
    client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    role = the_role(people)
    auth.login_as(people["manager"])
    client.post(f"/roles/{role.id}/archive")
    form = {
        "name": "Ana Newhire",
        "email": "ana@clinic.example.com",
        "role": str(role.id),
        "start_date": TODAY.isoformat(),
        "supervisor": "",
    }
    response = client.post("/staff/new", data=form)
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    with pytest.raises(plans.OnboardingError, match="archived"):
        plans.check_new_hire(people["manager"].clinic, role, TODAY, None)
    upload = f"name,email,role,start_date\nAna,ana@clinic.example.com,{role.name},{TODAY}\n"
    job = finished_job(job_id_of(client.post("/staff/import", data={"text": upload})))
    assert "is not a role of this clinic" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_a_role_never_used_is_deleted_with_an_audit_entry(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    manager = make_member(AppRole.MANAGER)
    role = ops.add_role(manager.clinic, manager.user, "clinic_assistant", "Floor helper")
    db.session.commit()
    auth.login_as(manager)
    assert "Delete the role" in client.get(f"/roles/{role.id}").get_data(as_text=True)
    response = client.post(f"/roles/{role.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/roles/")
    assert db.session.scalar(select(ClinicRole).where(ClinicRole.name == "Floor helper")) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.delete"))
    assert event.before["name"] == "Floor helper" and event.actor_id == manager.user_id


def test_another_clinics_role_cannot_be_archived_or_deleted(
    client: FlaskClient, auth: Auth, team: Callable, make_member
) -> None:
    people = team()
    auth.login_as(make_member(AppRole.MANAGER))
    for change in ("archive", "restore", "delete"):
        assert client.post(f"/roles/{the_role(people).id}/{change}").status_code == 404


def test_archiving_twice_is_said_not_a_server_error(
    client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    role = the_role(people)
    auth.login_as(people["manager"])
    client.post(f"/roles/{role.id}/archive")
    again = client.post(f"/roles/{role.id}/archive", follow_redirects=True)
    assert "already archived" in again.get_data(as_text=True)
    client.post(f"/roles/{role.id}/restore")
    again = client.post(f"/roles/{role.id}/restore", follow_redirects=True)
    assert "not archived" in again.get_data(as_text=True)


def test_a_blank_role_name_takes_the_templates_name_in_the_clinics_language(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    manager = make_member(AppRole.MANAGER)
    manager.clinic.language = "fr"
    db.session.commit()
    auth.login_as(manager)
    response = client.post("/roles/", data={"template": "medical_assistant", "name": "  "})
    assert response.status_code == 302
    role = db.session.scalar(select(ClinicRole).where(ClinicRole.clinic_id == manager.clinic_id))
    assert role.name == "Assistante ou assistant médical"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Assistante ou assistant médical" in page
