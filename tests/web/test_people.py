"""Inviting people in any app role, changing a member's app role, and importing app roles."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicInvitation,
    ClinicRole,
    Membership,
    Onboarding,
)
from clinic_onboard.operations import accounts
from tests.conftest import PASSWORD, Auth, finished_job, job_id_of

START = date.today() + timedelta(days=14)


@pytest.fixture
def manager(make_member: Callable[..., Membership]) -> Membership:
    return make_member(AppRole.MANAGER)


@pytest.fixture
def signed_in(auth: Auth, manager: Membership) -> Membership:
    auth.login_as(manager)
    return manager


@pytest.fixture
def role(manager: Membership) -> ClinicRole:
    found = ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA")
    db.session.add(found)
    db.session.commit()
    return found


def invite(client: FlaskClient, **changes: str):
    data = {"name": "Priya Shah", "email": "priya@example.com", "app_role": "supervisor"}
    return client.post("/people/invite", data={**data, **changes})


def membership_of(email: str, clinic_id: int) -> Membership | None:
    user = accounts.find_user(email)
    if user is None:
        return None
    query = select(Membership).where(Membership.user_id == user.id)
    return db.session.scalar(query.where(Membership.clinic_id == clinic_id))


def audit_of(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_new_supervisor_gets_an_account_and_a_link_to_copy(
    client: FlaskClient, signed_in: Membership
) -> None:
    response = invite(client)
    member = membership_of("priya@example.com", signed_in.clinic_id)
    assert member is not None and member.role == AppRole.SUPERVISOR
    assert member.user.created_by_clinic_id == signed_in.clinic_id
    assert member.user.password_hash is None
    assert response.headers["Location"] == f"/people/{member.id}/link"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/welcome/" in page and "Copy the link" in page
    # The supervisor can now be chosen for a hire.
    assert "Priya Shah (supervisor)" in client.get("/staff/new").get_data(as_text=True)
    [added] = audit_of("member.add")
    assert added.after == {"email": "priya@example.com", "role": "supervisor"}


def test_the_link_sets_a_password_and_the_supervisor_signs_in(
    client: FlaskClient, signed_in: Membership, auth: Auth
) -> None:
    location = invite(client).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    url = page.split('spellcheck="false">', 1)[1].split("<", 1)[0]
    auth.logout()
    path = url.split("localhost", 1)[1]
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert client.get("/signoffs/").status_code == 200


def test_an_existing_account_is_invited_in_the_app_role(
    client: FlaskClient, signed_in: Membership, make_member: Callable[..., Membership], auth: Auth
) -> None:
    elsewhere = make_member(AppRole.STAFF, email="priya@example.com")
    response = invite(client, app_role="manager")
    assert response.status_code == 302
    invitation = db.session.scalars(select(ClinicInvitation)).one()
    assert (invitation.app_role, invitation.role_id, invitation.start_date) == (
        AppRole.MANAGER,
        None,
        None,
    )
    assert membership_of("priya@example.com", signed_in.clinic_id) is None
    auth.logout()
    auth.login_as(elsewhere)
    page = client.get("/clinic-invitations/").get_data(as_text=True)
    assert "Manager" in page
    accepted = client.post(f"/clinic-invitations/{invitation.id}/accept")
    assert accepted.headers["Location"] == "/clinic/"
    joined = membership_of("priya@example.com", signed_in.clinic_id)
    assert joined is not None and joined.role == AppRole.MANAGER
    assert db.session.scalars(select(Onboarding)).all() == []


def test_a_role_and_start_date_also_make_a_plan(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    data = {"app_role": "staff", "role": str(role.id), "start_date": START.isoformat()}
    response = invite(client, **data)
    onboarding = db.session.scalars(select(Onboarding)).one()
    assert response.headers["Location"] == f"/staff/{onboarding.id}/link"
    assert onboarding.membership.role == AppRole.STAFF


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"app_role": "owner"}, "Not a valid choice"),
        ({"role": "999999", "start_date": START.isoformat()}, "Not a valid choice"),
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"role": "ROLE"}, "Enter the first day of work for their plan."),
        (
            {"role": "ROLE", "start_date": "2001-01-01", "app_role": "staff"},
            "more than a year ago",
        ),
    ],
)
def test_bad_input_is_shown_with_the_values_kept(
    client: FlaskClient,
    signed_in: Membership,
    role: ClinicRole,
    changes: dict[str, str],
    message: str,
) -> None:
    if changes.get("role") == "ROLE":
        changes = {**changes, "role": str(role.id)}
    response = invite(client, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Priya Shah"' in page
    assert membership_of("priya@example.com", signed_in.clinic_id) is None


def test_someone_already_in_the_clinic_is_not_invited_again(
    client: FlaskClient, signed_in: Membership
) -> None:
    response = invite(client, email=signed_in.user.email)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already belongs to this clinic" in page
    assert 'value="Priya Shah"' in page  # what was typed stays
    assert db.session.scalars(select(ClinicInvitation)).all() == []


def test_an_unconfirmed_clinic_invites_nobody(
    client: FlaskClient, make_clinic: Callable, make_member: Callable, auth: Auth
) -> None:
    manager = make_member(AppRole.MANAGER, clinic=make_clinic(confirmed=False))
    auth.login_as(manager)
    assert invite(client).status_code == 403
    assert accounts.find_user("priya@example.com") is None


def test_staff_and_supervisors_cannot_invite(
    client: FlaskClient, make_member: Callable, manager: Membership, auth: Auth
) -> None:
    auth.login_as(make_member(AppRole.SUPERVISOR, clinic=manager.clinic))
    assert invite(client).status_code == 403


def test_a_manager_changes_a_members_app_role_with_an_audit_entry(
    client: FlaskClient, signed_in: Membership, make_member: Callable
) -> None:
    sam = make_member(AppRole.STAFF, clinic=signed_in.clinic)
    response = client.post(f"/people/{sam.id}/role", data={"app_role": "supervisor"})
    assert response.status_code == 302
    db.session.refresh(sam)
    assert sam.role == AppRole.SUPERVISOR
    [entry] = audit_of("member.role")
    assert (entry.before, entry.after) == ({"role": "staff"}, {"role": "supervisor"})
    page = client.get(f"/clinic/members/{sam.id}").get_data(as_text=True)
    assert "Change the role" in page


def test_the_last_manager_cannot_demote_themself(
    client: FlaskClient, signed_in: Membership, make_member: Callable
) -> None:
    client.post(f"/people/{signed_in.id}/role", data={"app_role": "staff"})
    db.session.refresh(signed_in)
    assert signed_in.role == AppRole.MANAGER
    page = client.get(f"/clinic/members/{signed_in.id}").get_data(as_text=True)
    assert "only manager" in page
    assert audit_of("member.role") == []
    # With a second manager, stepping down is fine.
    make_member(AppRole.MANAGER, clinic=signed_in.clinic)
    client.post(f"/people/{signed_in.id}/role", data={"app_role": "supervisor"})
    db.session.refresh(signed_in)
    assert signed_in.role == AppRole.SUPERVISOR


def test_an_unknown_app_role_changes_nothing(
    client: FlaskClient, signed_in: Membership, make_member: Callable
) -> None:
    sam = make_member(AppRole.STAFF, clinic=signed_in.clinic)
    client.post(f"/people/{sam.id}/role", data={"app_role": "owner"})
    db.session.refresh(sam)
    assert sam.role == AppRole.STAFF


def test_csv_import_reads_an_optional_app_role(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    rows = "\n".join(
        [
            "name,email,role,start_date,supervisor_email,app_role",
            f"Priya Shah,priya@example.com,MA,{START},,supervisor",
            f"Jo Lee,jo@example.com,MA,{START},,",
        ]
    )
    finished_job(job_id_of(client.post("/staff/import", data={"text": rows})))
    assert membership_of("priya@example.com", signed_in.clinic_id).role == AppRole.SUPERVISOR
    assert membership_of("jo@example.com", signed_in.clinic_id).role == AppRole.STAFF


def test_csv_import_names_an_unknown_app_role(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    rows = f"name,email,role,start_date,app_role\nPriya,priya@example.com,MA,{START},owner"
    job = finished_job(job_id_of(client.post("/staff/import", data={"text": rows})))
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "app_role &#39;owner&#39; is not manager, supervisor or staff" in page
    assert accounts.find_user("priya@example.com") is None


def test_hires_of_someone_made_staff_can_still_be_moved(
    client: FlaskClient, signed_in: Membership, make_member: Callable, role: ClinicRole
) -> None:
    sam = make_member(AppRole.SUPERVISOR, clinic=signed_in.clinic)
    priya = make_member(AppRole.SUPERVISOR, clinic=signed_in.clinic)
    data = {"app_role": "staff", "role": str(role.id), "start_date": START.isoformat()}
    invite(client, **data, supervisor=str(sam.id))
    response = client.post(f"/people/{sam.id}/role", data={"app_role": "staff"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "still supervises 1 hire" in page
    assert f'<option value="{sam.id}">' in client.get("/hires/reassign").get_data(as_text=True)
    client.post("/hires/reassign", data={"old": str(sam.id), "new": str(priya.id)})
    onboarding = db.session.scalars(select(Onboarding)).one()
    db.session.refresh(onboarding)
    assert onboarding.supervisor_id == priya.user_id


def test_the_invitation_quota_applies(
    client: FlaskClient, signed_in: Membership, app: Flask
) -> None:
    app.config["INVITATIONS_PER_HOUR"] = 1
    assert invite(client).status_code == 302
    page = invite(client, name="Jo Lee", email="jo@example.com").get_data(as_text=True)
    assert "the clinic may send 0 more" in page
    assert 'value="Jo Lee"' in page
    assert accounts.find_user("jo@example.com") is None


def test_the_people_list_is_searched_filtered_and_paged(
    client: FlaskClient, signed_in: Membership, make_member: Callable[..., Membership]
) -> None:
    clinic = signed_in.clinic
    for _ in range(55):
        make_member(AppRole.STAFF, clinic=clinic)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    supervisor.user.display_name = "Sam Zed_Ortiz"
    gone = make_member(AppRole.STAFF, clinic=clinic)
    gone.left_on, gone.left_reason = date.today(), "resigned"
    db.session.commit()

    first = client.get("/clinic/members").get_data(as_text=True)
    assert "Page 1 of 2 (58 people)" in first
    assert 'rel="next" href="/clinic/members?page=2"' in first

    found = client.get("/clinic/members?q=zed_").get_data(as_text=True)  # "_" is no wildcard
    assert listed("Sam Zed_Ortiz", found) and not listed(signed_in.user.display_name, found)

    supervisors = client.get("/clinic/members?app_role=supervisor").get_data(as_text=True)
    assert listed("Sam Zed_Ortiz", supervisors) and not listed(gone.user.display_name, supervisors)
    left = client.get("/clinic/members?state=left").get_data(as_text=True)
    assert listed(gone.user.display_name, left) and not listed("Sam Zed_Ortiz", left)

    # A stale or made-up address shows the whole list, never an error.
    odd = client.get("/clinic/members?app_role=owner&state=gone&page=99")
    assert odd.status_code == 200 and "Page 2 of 2" in odd.get_data(as_text=True)
    nobody = client.get("/clinic/members?q=nobody-by-that-name").get_data(as_text=True)
    assert "Nobody matches." in nobody


def listed(name: str, page: str) -> bool:
    """Whether the People list has a row for ``name`` (the header names the viewer too)."""
    return f">{name}</a>" in page
