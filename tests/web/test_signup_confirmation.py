"""A new sign-up confirms its email before it invites anyone (issue 22, finding 3): the emailed
link (valid, expired, reused, another account's), the operator's command, and what an
unconfirmed clinic may and may not do."""

import re
import socketserver
import time
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, Clinic, ClinicRole, Onboarding, User
from clinic_onboard.operations import invitation_quota
from tests.conftest import Auth
from tests.web.test_auth import SIGNUP

EMAIL = "emilie@example.com"
SPAM_NAME = "URGENT: your payroll is suspended, sign in at payroll-fix.example"
THREE_DAYS = 3 * 24 * 60 * 60


def sign_up(client: FlaskClient, **changes: Any) -> Clinic:
    """Sign up an Ontario clinic (its pages in English), signed in as its manager."""
    response = client.post("/auth/signup", data={**SIGNUP, "province": "ON", **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Clinic)).one()


def link_in(text: str) -> str:
    found = re.search(r"http://localhost(/confirm/[\w.-]+)", text)
    assert found, "no confirmation link in the email"
    return found.group(1)


def emailed_link(smtp_server: socketserver.ThreadingTCPServer) -> str:
    [message] = smtp_server.messages  # type: ignore[attr-defined]
    return link_in(message.get_body(("plain",)).get_content())


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def many_rows(number: int) -> str:
    start = (date.today() + timedelta(days=20)).isoformat()
    rows = [f"Person {n},person{n}@victims.example.com,MA,{start}," for n in range(number)]
    return "\n".join(["name,email,role,start_date,supervisor_email", *rows])


def test_an_unconfirmed_sign_up_cannot_import_200_people_and_mail_them(
    client: FlaskClient, smtp_server: socketserver.ThreadingTCPServer
) -> None:
    """Finding 3 as reported: a spam clinic name, then a CSV of 200 addresses."""
    clinic = sign_up(client, clinic_name=SPAM_NAME)
    db.session.add(ClinicRole(clinic_id=clinic.id, template="medical_assistant", name="MA"))
    db.session.commit()
    users_before = count(User)

    imported = client.post("/staff/import", data={"text": many_rows(200)})
    added = client.post("/staff/new", data={"name": "One", "email": "one@victims.example.com"})

    assert imported.status_code == added.status_code == 403
    assert "Confirm your email address first" in imported.get_data(as_text=True)
    assert count(Onboarding) == 0 and count(User) == users_before
    # The only email is the confirmation to the sign-up's own address, without its name.
    [message] = smtp_server.messages  # type: ignore[attr-defined]
    assert message["To"] == EMAIL
    assert "URGENT" not in message.as_string() and "payroll" not in message.as_string()


def test_the_quota_refuses_an_unconfirmed_clinic_wherever_it_is_asked(
    app: Flask, client: FlaskClient
) -> None:
    clinic = sign_up(client)
    with pytest.raises(invitation_quota.NotConfirmed):
        invitation_quota.check(clinic)


def test_until_confirmed_the_manager_sets_up_the_profile_and_roles(
    client: FlaskClient,
) -> None:
    sign_up(client)
    home = client.get("/clinic/").get_data(as_text=True)
    assert "Confirm your email address to invite your staff." in home
    assert "cannot add hires, import them from a file or make set-password links" in home
    added = client.post("/roles/", data={"template": "medical_assistant", "name": "MA"})
    assert added.status_code == 302
    assert count(ClinicRole) == 1
    assert client.get("/clinic/profile").status_code == 200
    assert client.get("/staff/").status_code == 200


def test_without_email_the_notice_gives_the_operator_command(client: FlaskClient) -> None:
    clinic = sign_up(client)
    home = client.get("/clinic/").get_data(as_text=True)
    assert f"clinic-onboard confirm-clinic --clinic-id {clinic.id}" in home
    assert "Email the link again" not in home


def test_the_emailed_link_confirms_the_clinic(
    client: FlaskClient, smtp_server: socketserver.ThreadingTCPServer
) -> None:
    clinic = sign_up(client)
    home = client.get("/clinic/").get_data(as_text=True)
    assert "We sent a link to emilie@example.com: open it to confirm your email." in home
    assert "Email the link again" in home
    assert client.get("/staff/new").status_code == 403
    link = emailed_link(smtp_server)
    page = client.get(link).get_data(as_text=True)
    assert "Confirm my email address" in page and clinic.name in page
    assert db.session.get(Clinic, clinic.id).confirmed_at is None  # opening it is not enough

    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"] == "/clinic/"
    assert db.session.get(Clinic, clinic.id).confirmed_at is not None
    assert client.get("/staff/new").status_code == 200
    home = client.get("/clinic/").get_data(as_text=True)
    assert "Confirm your email address to invite" not in home
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "clinic.confirm"))
    assert event.one().after == {"by_operator": False}


def test_a_used_link_does_not_work_again(
    client: FlaskClient, smtp_server: socketserver.ThreadingTCPServer
) -> None:
    sign_up(client)
    link = emailed_link(smtp_server)
    assert client.post(link).status_code == 302
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "already been used" in response.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "clinic.confirm"))
    assert len(events.all()) == 1


def test_an_expired_link_confirms_nothing(
    client: FlaskClient,
    smtp_server: socketserver.ThreadingTCPServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clinic = sign_up(client)
    link = emailed_link(smtp_server)
    later = int(time.time()) + THREE_DAYS
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "This confirmation link has expired" in response.get_data(as_text=True)
    assert db.session.get(Clinic, clinic.id).confirmed_at is None


def test_another_account_cannot_use_the_link(
    client: FlaskClient,
    auth: Auth,
    make_member,
    smtp_server: socketserver.ThreadingTCPServer,
) -> None:
    clinic = sign_up(client)
    link = emailed_link(smtp_server)
    auth.logout()
    auth.login_as(make_member(AppRole.MANAGER))
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "This link is for another account" in response.get_data(as_text=True)
    assert db.session.get(Clinic, clinic.id).confirmed_at is None


def test_signed_out_the_link_confirms_and_leads_to_sign_in(
    client: FlaskClient, auth: Auth, smtp_server: socketserver.ThreadingTCPServer
) -> None:
    clinic = sign_up(client)
    link = emailed_link(smtp_server)
    auth.logout()
    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert db.session.get(Clinic, clinic.id).confirmed_at is not None


@pytest.mark.parametrize("token", ["nonsense", "x" * 300])
def test_a_broken_link_is_a_friendly_400(client: FlaskClient, token: str) -> None:
    response = client.get(f"/confirm/{token}")
    assert response.status_code == 400
    assert "This confirmation link does not work" in response.get_data(as_text=True)


def test_a_set_password_token_is_not_a_confirmation(client: FlaskClient, make_member) -> None:
    """Each kind of link has its own salt: a set-password token confirms no clinic."""
    from clinic_onboard.operations import invitations

    manager = make_member(AppRole.MANAGER)
    token = invitations.make_token(manager.user, manager.clinic)
    assert client.get(f"/confirm/{token}").status_code == 400


@pytest.fixture
def resend_limit() -> str:
    return "2/hour"


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """A test asking for ``resend_limit`` gets the limiter on, with that allowance."""
    if "resend_limit" in request.fixturenames:
        limit = request.getfixturevalue("resend_limit")
        return {**app_config, "RATELIMIT_ENABLED": True, "CONFIRMATION_EMAIL_RATE_LIMIT": limit}
    return app_config


def test_the_link_can_be_sent_again_a_few_times_an_hour(
    client: FlaskClient, smtp_server: socketserver.ThreadingTCPServer, resend_limit: str
) -> None:
    sign_up(client)
    answers = [client.post("/confirm/send").status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    messages = smtp_server.messages  # type: ignore[attr-defined]
    assert len(messages) == 3  # the sign-up's, then two more


def test_a_confirmed_clinic_is_sent_nothing_again(
    client: FlaskClient, auth: Auth, make_member, smtp_server: socketserver.ThreadingTCPServer
) -> None:
    auth.login_as(make_member(AppRole.MANAGER))
    assert client.post("/confirm/send").status_code == 302
    assert smtp_server.messages == []  # type: ignore[attr-defined]


def test_a_supervisor_cannot_send_the_link(client: FlaskClient, auth: Auth, make_member) -> None:
    auth.login_as(make_member(AppRole.SUPERVISOR))
    assert client.post("/confirm/send").status_code == 403


# --- the operator's command ---------------------------------------------------------------


def test_the_operator_confirms_a_clinic_by_id(app: Flask, client: FlaskClient) -> None:
    clinic = sign_up(client)
    result = app.test_cli_runner().invoke(cli, ["confirm-clinic", "--clinic-id", str(clinic.id)])
    assert result.exit_code == 0, result.output
    assert f"Confirmed clinic {clinic.id} (Clinique des Érables)" in result.output
    assert db.session.get(Clinic, clinic.id).confirmed_at is not None
    assert client.get("/staff/new").status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "clinic.confirm"))
    assert event.one().after == {"by_operator": True}
    again = app.test_cli_runner().invoke(cli, ["confirm-clinic", "--clinic-id", str(clinic.id)])
    assert again.exit_code == 0 and "was already confirmed" in again.output


def test_the_operator_confirms_by_the_owner_email(app: Flask, client: FlaskClient) -> None:
    clinic = sign_up(client)
    result = app.test_cli_runner().invoke(cli, ["confirm-clinic", "--email", "Emilie@Example.com"])
    assert result.exit_code == 0, result.output
    assert db.session.get(Clinic, clinic.id).confirmed_at is not None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--clinic-id", "999"], "no clinic has id 999"),
        (["--email", "nobody@example.com"], "nobody with email nobody@example.com"),
        ([], "Give either --clinic-id or --email."),
    ],
)
def test_the_command_names_what_is_wrong(app: Flask, arguments: list[str], message: str) -> None:
    result = app.test_cli_runner().invoke(cli, ["confirm-clinic", *arguments])
    assert result.exit_code != 0 and message in result.output


def test_the_demo_clinic_is_confirmed(app: Flask) -> None:
    app.test_cli_runner().invoke(cli, ["seed-demo"])
    assert db.session.scalars(select(Clinic)).one().confirmed_at is not None
