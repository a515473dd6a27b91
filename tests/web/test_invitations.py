"""One-time set-password links: the welcome page, single use, expiry, and the invitation email."""

import re
import socketserver
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, ClinicRole, Membership, Onboarding
from clinic_onboard.operations import invitations
from clinic_onboard.services.mail import build_message
from tests.conftest import Auth

NEW_PASSWORD = "a sunny morning in Gaspé"
EIGHT_DAYS = 8 * 24 * 60 * 60


@pytest.fixture
def manager(make_member: Callable[..., Membership]) -> Membership:
    return make_member(AppRole.MANAGER)


@pytest.fixture
def add_hire(client: FlaskClient, auth: Auth, manager: Membership) -> Callable[[], str]:
    """Add a hire through the staff pages as the manager, sign out, and return the page text."""
    role = ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA")
    db.session.add(role)
    db.session.commit()

    def add() -> str:
        auth.login_as(manager)
        form = {
            "name": "Noor Haddad",
            "email": "noor@example.com",
            "role": str(role.id),
            "start_date": (date.today() + timedelta(days=10)).isoformat(),
        }
        page = client.post("/staff/new", data=form, follow_redirects=True).get_data(as_text=True)
        auth.logout()
        return page

    return add


def token_in(page: str) -> str:
    found = re.search(r"/welcome/([\w.-]+)", page)
    assert found, "no set-password link on the page"
    return found.group(1)


def choose(client: FlaskClient, token: str, password: str = NEW_PASSWORD) -> Any:
    return client.post(f"/welcome/{token}", data={"password": password, "confirm": password})


def test_a_link_sets_the_password_once_and_signs_the_hire_in(
    client: FlaskClient, auth: Auth, add_hire: Callable[[], str], manager: Membership
) -> None:
    token = token_in(add_hire())
    page = client.get(f"/welcome/{token}").get_data(as_text=True)
    assert "Welcome, Noor Haddad" in page and manager.clinic.name in page
    assert 'value="noor@example.com" readonly autocomplete="username"' in page

    response = choose(client, token)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/my/"  # a hire lands on their onboarding
    home = client.get("/clinic/", follow_redirects=True).get_data(as_text=True)
    assert "Noor Haddad" in home and manager.clinic.name in home

    again = client.get(f"/welcome/{token}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert choose(client, token, "another long password").status_code == 410
    auth.logout()
    assert auth.login("noor@example.com", NEW_PASSWORD).status_code == 302
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.set_password")
    ).one()
    assert event.clinic_id == manager.clinic_id
    assert (event.before, event.after) == ({"password_set": False}, {"password_set": True})


def test_an_expired_link_says_to_ask_for_a_new_one(
    client: FlaskClient, add_hire: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = token_in(add_hire())
    later = int(time.time()) + EIGHT_DAYS
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    for response in (client.get(f"/welcome/{token}"), choose(client, token)):
        page = response.get_data(as_text=True)
        assert response.status_code == 410
        assert "This link has expired" in page and "ask your clinic manager" in page
    onboarding = db.session.scalars(select(Onboarding)).one()
    assert onboarding.membership.user.password_hash is None


def test_the_max_age_comes_from_config(
    app: Flask, client: FlaskClient, add_hire: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = token_in(add_hire())
    app.config["SET_PASSWORD_MAX_AGE"] = 60
    later = int(time.time()) + 120
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    assert client.get(f"/welcome/{token}").status_code == 410


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ.aaaa.bbbb", "x" * 300])
def test_a_broken_link_is_a_friendly_400(client: FlaskClient, token: str) -> None:
    response = client.get(f"/welcome/{token}")
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)
    assert choose(client, token).status_code == 400


def test_a_tampered_link_does_not_work(client: FlaskClient, add_hire: Callable[[], str]) -> None:
    token = token_in(add_hire())
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(f"/welcome/{tampered}").status_code == 400


def test_password_mistakes_keep_the_link_usable(
    client: FlaskClient, add_hire: Callable[[], str]
) -> None:
    token = token_in(add_hire())
    form = {"password": NEW_PASSWORD, "confirm": "something else"}
    page = client.post(f"/welcome/{token}", data=form).get_data(as_text=True)
    assert "The two passwords differ." in page
    short = choose(client, token, "short").get_data(as_text=True)
    assert "Use between 10 and 128 characters" in short
    assert choose(client, token).status_code == 302


def test_a_link_cannot_be_used_twice_even_at_once(app: Flask, add_hire: Callable[[], str]) -> None:
    token = token_in(add_hire())
    invitations.read_token(token)  # both requests read the link before either writes
    invitations.set_password(token, NEW_PASSWORD)
    db.session.commit()
    with pytest.raises(invitations.InvitationError) as raised:
        invitations.set_password(token, "the second writer loses")
    assert raised.value.problem is invitations.LinkProblem.USED


def test_without_smtp_the_manager_copies_the_link(add_hire: Callable[[], str]) -> None:
    page = add_hire()
    assert "Email is not set up on this site, so nothing was sent" in page
    assert token_in(page)
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "invitation.email")
    ).all()


def test_the_message_has_text_and_html() -> None:
    message = build_message(
        "noor@example.com", "Set your password", "Plain link", "<p>HTML link</p>", "c@ex.com"
    )
    assert message["To"] == "noor@example.com" and message["From"] == "c@ex.com"
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert parts["text/plain"].strip() == "Plain link"
    assert parts["text/html"].strip() == "<p>HTML link</p>"


def test_with_smtp_the_invitation_is_emailed(
    smtp_server: socketserver.ThreadingTCPServer, add_hire: Callable[[], str]
) -> None:
    page = add_hire()
    assert "We emailed this link to noor@example.com" in page
    [message] = smtp_server.messages  # type: ignore[attr-defined]
    assert message["To"] == "noor@example.com"
    assert message["Subject"].startswith("Set your password for ")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert token_in(text) == token_in(html) == token_in(page)
    assert "Hello Noor Haddad" in text and "<strong>" in html
    assert db.session.scalars(
        select(AuditEvent.after).where(AuditEvent.action == "invitation.email")
    ).one() == {"email": "noor@example.com", "delivery": "sent"}


def test_a_mail_failure_still_adds_the_hire(closed_port: int, add_hire: Callable[[], str]) -> None:
    page = add_hire()
    assert "could not be sent" in page
    assert token_in(page)
    assert db.session.scalars(select(Onboarding)).one()


def test_no_link_once_another_clinic_holds_the_account(
    client: FlaskClient,
    auth: Auth,
    add_hire: Callable[[], str],
    manager: Membership,
    make_clinic: Callable[..., Any],
) -> None:
    """An account in two clinics (as stored before invitations existed): neither its own
    clinic's earlier link nor a new one works, since a link would now sign in someone the
    other clinic also holds."""
    token = token_in(add_hire())
    onboarding = db.session.scalars(select(Onboarding)).one()
    noor = onboarding.membership.user
    assert noor.created_by_clinic_id == manager.clinic_id
    db.session.add(Membership(user=noor, clinic=make_clinic("Elsewhere"), role=AppRole.STAFF))
    db.session.commit()
    assert client.get(f"/welcome/{token}").status_code == 400
    assert choose(client, token).status_code == 400
    auth.login_as(manager)
    assert "New set-password link" not in client.get(f"/staff/{onboarding.id}").get_data(
        as_text=True
    )
    page = client.post(f"/staff/{onboarding.id}/link", follow_redirects=True)
    assert "No set-password link can be made here" in page.get_data(as_text=True)
    assert "/welcome/" not in page.get_data(as_text=True)
    db.session.refresh(noor)
    assert noor.password_hash is None
    with pytest.raises(invitations.NotThisClinics):
        invitations.issue_link(onboarding.membership, manager.user)
