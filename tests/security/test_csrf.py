"""With CSRF protection on, a POST without a valid token is refused and changes nothing."""

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import User
from tests.conftest import PASSWORD, config_for_tests


@pytest.fixture
def app_config(database_url: str) -> dict:
    return config_for_tests(database_url, WTF_CSRF_ENABLED=True)


def _token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_without_a_token_is_refused(client: FlaskClient, make_member) -> None:
    member = make_member()
    response = client.post("/auth/login", data={"email": member.user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
    assert client.get("/clinic/").status_code == 302


def test_login_with_the_token_works(client: FlaskClient, make_member) -> None:
    member = make_member()
    data = {
        "email": member.user.email,
        "password": PASSWORD,
        "csrf_token": _token(client, "/auth/login"),
    }
    assert client.post("/auth/login", data=data).status_code == 302


def test_signup_with_a_forged_token_creates_nothing(client: FlaskClient) -> None:
    data = {"display_name": "X", "email": "x@clinic.example.com", "csrf_token": "forged"}
    assert client.post("/auth/signup", data=data).status_code == 400
    assert db.session.scalar(select(User)) is None


def test_logout_without_a_token_keeps_the_session(client: FlaskClient, make_member) -> None:
    member = make_member()
    data = {
        "email": member.user.email,
        "password": PASSWORD,
        "csrf_token": _token(client, "/auth/login"),
    }
    client.post("/auth/login", data=data)
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/clinic/").status_code == 200
