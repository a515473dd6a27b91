"""The menu and account block of signed-in pages is never stale: whatever it shows changes on
the next page after the change."""

import re

from flask import Flask
from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership
from tests.conftest import Auth


def _header(page: str) -> str:
    return re.search(r'<nav aria-label="[^"]+" class="main-nav">.*?</div>', page, re.S).group(0)


def _get(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return _header(response.get_data(as_text=True))


def _current(header: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', header)


def test_the_header_follows_the_page_and_what_it_shows(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    member = make_member(AppRole.SUPERVISOR)
    auth.login_as(member)
    header = _get(client, "/clinic/")
    assert _current(header) == ["/clinic/"] and "Sign-offs" in header and "Dashboard" not in header
    assert _current(_get(client, "/my/")) == ["/my/"]
    assert _current(_get(client, "/clinic/")) == ["/clinic/"]

    member.user.display_name = "Ama Renamed"
    db.session.commit()
    assert "Ama Renamed" in _get(client, "/clinic/")
    member.clinic.name = "Renamed Clinic"
    db.session.commit()
    assert "Renamed Clinic" in _get(client, "/clinic/")

    member.role = AppRole.MANAGER
    db.session.commit()
    header = _get(client, "/clinic/")
    assert "Dashboard" in header and "Manager" in header

    db.session.add(Membership(user=member.user, clinic=make_clinic("Second"), role=AppRole.STAFF))
    db.session.commit()
    assert "clinic-switcher" in (header := _get(client, "/clinic/")) and "Second" in header

    member.user.language = "fr"
    db.session.commit()
    assert "Se déconnecter" in _get(client, "/clinic/")


def test_each_session_gets_its_own_token_in_the_header(
    app: Flask, client: FlaskClient, auth: Auth, make_member
) -> None:
    member = make_member(AppRole.STAFF)
    auth.login_as(member)
    first = re.search(r'name="csrf_token" value="([^"]+)"', _get(client, "/clinic/")).group(1)
    other = app.test_client()
    Auth(other).login_as(member)
    app.config["WTF_CSRF_ENABLED"] = True
    header = _get(other, "/clinic/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', header).group(1)
    assert token != first and "csrf-" not in token
    assert other.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert other.get("/clinic/").status_code == 302  # signed out: sent to the sign-in page
