"""Joining a clinic is the person's choice (issue 22, findings 1 and 2).

Clinic A adds a hire who has not set a password yet; a stranger signs up clinic B and adds
the same email, by the form or by a CSV file. B must get no set-password link, no membership
and nothing of what A or the account holds; A's own link keeps working; the person sees B's
invitation once signed in, and only accepting it lets them into B. B adding A's manager gets
no way to sign them out or touch their two-factor sign-in, and learns neither their name nor
whether they use two-factor.
"""

import io
import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import select, update

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    Clinic,
    ClinicInvitation,
    ClinicRole,
    InvitationStatus,
    Membership,
    Onboarding,
    User,
)
from clinic_onboard.operations import clinic_invitations, invitations
from clinic_onboard.operations.onboarding import OnboardingError
from tests.conftest import PASSWORD, Auth, finished_job, job_id_of
from tests.security.session_helpers import give_two_factor

START = (date.today() + timedelta(days=14)).isoformat()
HIRE_EMAIL = "noor@example.com"
A_NAME = "Noor Haddad"  # what clinic A typed
B_NAME = "Somebody B typed"
NEW_PASSWORD = "a sunny morning in Gaspé"
B_SIGNUP = {
    "display_name": "Mallory Intruder",
    "email": "mallory@example.net",
    "password": "a long enough password",
    "confirm": "a long enough password",
    "clinic_name": "Brambleton Walk-in",
    "province": "ON",
    "setting": "family_medicine",
    "emr": "other",
}


def make_role(clinic_id: int) -> ClinicRole:
    role = ClinicRole(clinic_id=clinic_id, template="medical_assistant", name="MA")
    db.session.add(role)
    db.session.commit()
    return role


def hire_form(role: ClinicRole, name: str, email: str = HIRE_EMAIL) -> dict[str, str]:
    return {"name": name, "email": email, "role": str(role.id), "start_date": START}


def token_in(page: str) -> str:
    found = re.search(r"/welcome/([\w.-]+)", page)
    assert found, "no set-password link on the page"
    return found.group(1)


def actions(clinic_id: int) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.clinic_id == clinic_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def the_user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


@pytest.fixture
def clinic_a(client: FlaskClient, auth: Auth, make_member) -> tuple[Membership, str]:
    """Clinic A's manager adds Noor, who has not set a password: A's link is returned."""
    manager = make_member(AppRole.MANAGER)
    role = make_role(manager.clinic_id)
    auth.login_as(manager)
    page = client.post("/staff/new", data=hire_form(role, A_NAME), follow_redirects=True)
    auth.logout()
    return manager, token_in(page.get_data(as_text=True))


def sign_up_clinic_b(client: FlaskClient) -> Clinic:
    """Anyone signs up a clinic (the attacker's), through the real sign-up page, and confirms
    it (an attacker owns the email they sign up with)."""
    assert client.post("/auth/signup", data=B_SIGNUP).status_code == 302
    clinic = db.session.scalars(select(Clinic).where(Clinic.name == B_SIGNUP["clinic_name"])).one()
    confirmed = current_app.test_cli_runner().invoke(
        cli, ["confirm-clinic", "--clinic-id", str(clinic.id)]
    )
    assert confirmed.exit_code == 0, confirmed.output
    db.session.refresh(clinic)
    return clinic


def b_adds_by_form(client: FlaskClient, clinic_b: Clinic, email: str) -> str:
    role = make_role(clinic_b.id)
    response = client.post("/staff/new", data=hire_form(role, B_NAME, email), follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def b_adds_by_csv(client: FlaskClient, clinic_b: Clinic, email: str) -> str:
    make_role(clinic_b.id)
    text = f"name,email,role,start_date\n{B_NAME},{email},MA,{START}\n"
    response = client.post(
        "/staff/import",
        data={"upload": (io.BytesIO(text.encode()), "hires.csv")},
        content_type="multipart/form-data",
    )
    job = finished_job(job_id_of(response))
    # The import's results, then the staff list, which names the invitation as B typed it.
    return client.get(f"/jobs/{job.id}").get_data(as_text=True) + client.get("/staff/").get_data(
        as_text=True
    )


@pytest.mark.parametrize("b_adds", [b_adds_by_form, b_adds_by_csv], ids=["form", "csv"])
def test_a_second_clinic_adding_a_pending_hire_gets_an_invitation_not_the_account(
    app: Flask, client: FlaskClient, clinic_a: tuple[Membership, str], b_adds: Callable
) -> None:
    manager_a, a_link = clinic_a
    clinic_b = sign_up_clinic_b(client)
    page = b_adds(client, clinic_b, HIRE_EMAIL)

    # B gets no link, no membership, no plan: only an invitation under the name B typed.
    assert "/welcome/" not in page and "invited" in page and B_NAME in page
    assert A_NAME not in page and manager_a.clinic.name not in page
    noor = the_user(HIRE_EMAIL)
    assert {m.clinic_id for m in noor.memberships} == {manager_a.clinic_id}
    assert (
        db.session.scalars(select(Onboarding).where(Onboarding.clinic_id == clinic_b.id)).all()
        == []
    )
    invitation = db.session.scalars(select(ClinicInvitation)).one()
    assert (invitation.clinic_id, invitation.status) == (clinic_b.id, InvitationStatus.PENDING)
    assert "invitation.issue" not in actions(clinic_b.id)
    assert "clinic_invitation.send" in actions(clinic_b.id)
    # A link made for B by any means is refused: B did not create the account.
    with app.test_request_context():
        forged = invitations.make_token(noor, clinic_b)
    anyone = app.test_client()
    assert anyone.get(f"/welcome/{forged}").status_code == 400
    assert (
        anyone.post(
            f"/welcome/{forged}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        ).status_code
        == 400
    )
    client.post("/auth/logout")

    # A's link still works: Noor sets a password and is signed in, in clinic A.
    noor_browser = app.test_client()
    assert noor_browser.get(f"/welcome/{a_link}").status_code == 200
    welcome = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert noor_browser.post(f"/welcome/{a_link}", data=welcome).status_code == 302
    home = noor_browser.get("/clinic/").get_data(as_text=True)
    assert manager_a.clinic.name in home and "Invitations (1)" in home

    # B is not Noor's clinic until Noor accepts.
    switch = {"clinic_id": str(clinic_b.id)}
    assert noor_browser.post("/clinic/switch", data=switch).status_code == 404
    listed = noor_browser.get("/clinic-invitations/").get_data(as_text=True)
    assert B_SIGNUP["clinic_name"] in listed
    accepted = noor_browser.post(f"/clinic-invitations/{invitation.id}/accept")
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/my/"
    assert B_SIGNUP["clinic_name"] in noor_browser.get("/my/").get_data(as_text=True)
    assert noor_browser.post("/clinic/switch", data=switch).status_code == 302
    onboarding = db.session.scalars(
        select(Onboarding).where(Onboarding.clinic_id == clinic_b.id)
    ).one()
    assert onboarding.membership.user_id == noor.id and onboarding.tasks
    assert db.session.scalar(select(ClinicInvitation)) is None
    assert actions(clinic_b.id)[-2:] == ["clinic_invitation.accept", "onboarding.start"]


def test_a_second_clinic_cannot_reach_another_clinics_manager(
    app: Flask, client: FlaskClient, auth: Auth, make_member
) -> None:
    """Finding 2: B adds A's manager by email; B gets an invitation, no member to act on, and
    none of A's name for them or their two-factor state."""
    manager_a = make_member(AppRole.MANAGER)
    manager_a.user.display_name = "Ada Quillfeather"
    give_two_factor(manager_a)
    db.session.commit()
    phone = app.test_client()
    phone.post("/auth/login", data={"email": manager_a.user.email, "password": PASSWORD})
    clinic_b = sign_up_clinic_b(client)
    page = b_adds_by_form(client, clinic_b, manager_a.user.email)
    assert "invited" in page
    seen_by_b = "".join(
        client.get(url).get_data(as_text=True)
        for url in ("/staff/", "/clinic/members", "/clinic/audit", "/dashboard/")
    )
    assert "Ada Quillfeather" not in seen_by_b and manager_a.clinic.name not in seen_by_b
    assert B_NAME in seen_by_b and "Invitation pending" in seen_by_b
    # No membership in B to act on: every member route answers 404 for A's manager.
    members_b = select(Membership).where(Membership.clinic_id == clinic_b.id)
    assert {m.user_id for m in db.session.scalars(members_b)} == {the_user(B_SIGNUP["email"]).id}
    for path in ("", "/sessions/end", "/two-factor/reset"):
        method = client.get if not path else client.post
        assert method(f"/clinic/members/{manager_a.id}{path}").status_code == 404
    db.session.refresh(manager_a.user)
    assert manager_a.user.has_two_factor
    assert actions(manager_a.clinic_id) == []


def test_a_member_of_another_clinic_keeps_their_sign_in_out_of_reach(
    app: Flask, client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    """Once the person has joined B too, B's manager still cannot sign them out everywhere or
    reset their two-factor, and B's pages do not say whether they use it."""
    manager_a = make_member(AppRole.MANAGER)
    secret = give_two_factor(manager_a)
    manager_b = make_member(AppRole.MANAGER, clinic=make_clinic("Brambleton"))
    in_b = make_member(AppRole.STAFF, clinic=manager_b.clinic, email=manager_a.user.email)
    token = manager_a.user.session_token
    auth.login_as(manager_b)
    page = client.get(f"/clinic/members/{in_b.id}").get_data(as_text=True)
    assert "also belongs to a clinic you do not manage" in page
    assert "Two-factor sign-in" not in page.split("</dl>")[0]
    assert "Sign out on every device</button>" not in page
    ended = client.post(f"/clinic/members/{in_b.id}/sessions/end", follow_redirects=True)
    assert "also belongs to a clinic you do not manage" in ended.get_data(as_text=True)
    reset = client.post(
        f"/clinic/members/{in_b.id}/two-factor/reset",
        data={"password": "a wrong guess"},
        follow_redirects=True,
    )
    assert "also belongs to a clinic you do not manage" in reset.get_data(as_text=True)
    db.session.refresh(manager_a.user)
    assert manager_a.user.session_token == token and manager_a.user.totp_secret == secret
    assert actions(manager_b.clinic_id) == []


@pytest.fixture
def invited(client: FlaskClient, auth: Auth, make_member, make_clinic) -> tuple:
    """Clinic B's manager invites a person who belongs to clinic A; B's manager signs out."""
    person = make_member(AppRole.STAFF)
    manager_b = make_member(AppRole.MANAGER, clinic=make_clinic("Brambleton"))
    role = make_role(manager_b.clinic_id)
    auth.login_as(manager_b)
    client.post("/staff/new", data=hire_form(role, B_NAME, person.user.email))
    auth.logout()
    return person, manager_b, db.session.scalars(select(ClinicInvitation)).one()


def test_declining_shows_the_clinic_a_declined_invitation_it_can_withdraw(
    client: FlaskClient, auth: Auth, invited: tuple
) -> None:
    person, manager_b, invitation = invited
    auth.login_as(person)
    assert "Invitations (1)" in client.get("/clinic/").get_data(as_text=True)
    assert client.post(f"/clinic-invitations/{invitation.id}/decline").status_code == 302
    assert "Invitations (" not in client.get("/clinic/").get_data(as_text=True)
    assert client.post(f"/clinic-invitations/{invitation.id}/accept").status_code == 404
    assert [m.clinic_id for m in person.user.memberships] == [person.clinic_id]
    auth.logout()

    auth.login_as(manager_b)
    staff = client.get("/staff/").get_data(as_text=True)
    assert B_NAME in staff and "Declined" in staff and person.user.display_name not in staff
    log = client.get("/clinic/audit").get_data(as_text=True)
    assert "Invitation declined" in log and person.user.display_name not in log
    withdrawn = client.post(f"/staff/invitations/{invitation.id}/withdraw", follow_redirects=True)
    assert "is withdrawn" in withdrawn.get_data(as_text=True)
    assert db.session.scalar(select(ClinicInvitation)) is None
    assert actions(manager_b.clinic_id) == [
        "clinic_invitation.send",
        "clinic_invitation.decline",
        "clinic_invitation.withdraw",
    ]
    decline = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "clinic_invitation.decline")
    ).one()
    assert decline.actor_id is None and decline.subject == B_NAME


def test_a_withdrawn_invitation_can_no_longer_be_accepted(
    app: Flask, client: FlaskClient, auth: Auth, invited: tuple
) -> None:
    person, manager_b, invitation = invited
    auth.login_as(manager_b)
    assert client.post(f"/staff/invitations/{invitation.id}/withdraw").status_code == 302
    auth.logout()
    auth.login_as(person)
    assert client.post(f"/clinic-invitations/{invitation.id}/accept").status_code == 404
    assert db.session.scalars(
        select(Membership).where(Membership.user_id == person.user_id)
    ).all() == [person]


def test_only_the_invited_person_may_answer(
    client: FlaskClient, auth: Auth, invited: tuple, make_member
) -> None:
    person, manager_b, invitation = invited
    for someone in (manager_b, make_member(AppRole.MANAGER, clinic=person.clinic)):
        auth.login_as(someone)
        for answer in ("accept", "decline"):
            assert client.post(f"/clinic-invitations/{invitation.id}/{answer}").status_code == 404
        auth.logout()
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.PENDING


def test_inviting_twice_says_so_and_the_plan_waits_for_the_answer(
    client: FlaskClient, auth: Auth, invited: tuple
) -> None:
    person, manager_b, invitation = invited
    auth.login_as(manager_b)
    again = client.post("/staff/new", data=hire_form(invitation.role, B_NAME, person.user.email))
    assert "has already been invited" in again.get_data(as_text=True)
    assert db.session.scalars(select(Onboarding)).all() == []
    auth.logout()
    auth.login_as(person)
    assert B_NAME not in client.get("/my/").get_data(as_text=True)
    assert "Brambleton" not in client.get("/my/").get_data(as_text=True)


def test_two_answers_at_once_make_one(app: Flask, invited: tuple) -> None:
    """Accept in one tab while the other tab's decline (or the clinic's withdrawal) already
    landed: the late answer is refused with a message, and no membership appears."""
    person, manager_b, invitation = invited
    db.session.execute(
        update(ClinicInvitation)
        .where(ClinicInvitation.id == invitation.id)
        .values(status=InvitationStatus.DECLINED)
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context(), pytest.raises(OnboardingError, match="already been answered"):
        clinic_invitations.accept(invitation)
    db.session.rollback()
    assert [m.clinic_id for m in person.user.memberships] == [person.clinic_id]
    clinic_invitations.withdraw(invitation, manager_b.user)
    db.session.commit()
    stale = db.session.get(ClinicInvitation, invitation.id)
    assert stale is None
    with app.test_request_context(), pytest.raises(OnboardingError, match="already been answered"):
        clinic_invitations.decline(invitation)
