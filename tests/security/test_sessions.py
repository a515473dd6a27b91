"""Sessions: cookie flags, idle and absolute time limits, and every way a session is ended
(signing out, a new password, a manager) also kills any copy of the cookie."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.config import build_config
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent
from tests.conftest import PASSWORD, Auth, config_for_tests
from tests.security.session_helpers import Clock, install_clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _session_cookie_header(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_the_cookie_is_httponly_and_samesite_lax(auth: Auth, make_member) -> None:
    header = _session_cookie_header(auth.login_as(make_member()))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # development serves plain http on 127.0.0.1


class TestInProduction:
    @pytest.fixture
    def app_config(self, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict:
        monkeypatch.setenv("CLINIC_ONBOARD_ENV", "production")
        # RECORD_KEYS and RECORD_ANCHOR_LOG (which production needs) come with the tests' config.
        return config_for_tests(database_url, RATELIMIT_SINGLE_PROCESS=True)

    def test_the_cookie_is_also_secure(self, auth: Auth, make_member) -> None:
        header = _session_cookie_header(auth.login_as(make_member()))
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_time_limits_come_from_the_environment(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build_config(tmp_path)["SESSION_IDLE_MINUTES"] == 30
    assert build_config(tmp_path)["SESSION_MAX_HOURS"] == 12
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("SESSION_MAX_HOURS", "8")
    config = build_config(tmp_path)
    assert (config["SESSION_IDLE_MINUTES"], config["SESSION_MAX_HOURS"]) == (5, 8)


def test_activity_keeps_the_session_alive(
    client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    auth.login_as(make_member())
    for _ in range(5):  # two and a half hours, never idle for 30 minutes
        clock.advance(minutes=29)
        assert client.get("/clinic/").status_code == 200


def test_thirty_idle_minutes_sign_out_this_browser_and_every_copy(
    app: Flask, client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    auth.login_as(make_member())
    thief = _copy_of(app, client)
    clock.advance(minutes=31)
    response = client.get("/clinic/members?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/clinic/members?x%3D1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after 30 minutes without activity." in page
    assert thief.get("/clinic/").status_code == 302
    clock.advance(minutes=-31)  # the clock going back does not bring the session back
    assert client.get("/clinic/").status_code == 302


def test_a_session_ends_after_twelve_hours_however_active(
    client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    auth.login_as(make_member())
    for _ in range(36):  # every 20 minutes for 12 hours
        clock.advance(minutes=20)
        assert client.get("/clinic/").status_code == 200
    clock.advance(minutes=1)
    response = client.get("/clinic/", follow_redirects=True)
    assert "a session lasts at most 12 hours" in response.get_data(as_text=True)
    assert response.request.path == "/auth/login"


class TestShorterLimits:
    @pytest.fixture
    def app_config(self, database_url: str) -> dict:
        return config_for_tests(database_url, SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)

    def test_the_configured_limits_apply(
        self, client: FlaskClient, auth: Auth, make_member, clock: Clock
    ) -> None:
        member = make_member()
        auth.login_as(member)
        clock.advance(minutes=4)
        assert client.get("/clinic/").status_code == 200
        clock.advance(minutes=6)
        assert client.get("/clinic/").status_code == 302
        auth.login_as(member)
        for _ in range(15):
            clock.advance(minutes=4)
            assert client.get("/clinic/").status_code == 200
        clock.advance(minutes=1)
        assert client.get("/clinic/").status_code == 302


def test_a_timed_out_post_goes_to_sign_in_and_changes_nothing(
    client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    member = make_member(AppRole.MANAGER)
    auth.login_as(member)
    clock.advance(hours=1)
    response = client.post("/clinic/security", data={"require_two_factor": "y"})
    assert response.headers["Location"] == "/auth/login"
    db.session.refresh(member.clinic)
    assert member.clinic.require_two_factor is False


def test_the_sign_in_page_still_works_after_a_time_out(
    client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    member = make_member()
    auth.login_as(member)
    clock.advance(hours=1)
    page = client.get("/auth/login")
    assert page.status_code == 200
    assert "without activity" in page.get_data(as_text=True)
    assert auth.login(member.user.email).status_code == 302
    assert client.get("/clinic/").status_code == 200


def test_a_session_from_before_time_limits_existed_must_sign_in_again(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    auth.login_as(make_member())
    with client.session_transaction() as session:
        del session["login_at"]
    response = client.get("/clinic/", follow_redirects=True)
    assert "Please sign in again." in response.get_data(as_text=True)


def test_a_new_password_kills_a_copied_cookie(
    app: Flask, client: FlaskClient, auth: Auth, make_member
) -> None:
    auth.login_as(make_member())
    thief = _copy_of(app, client)
    assert thief.get("/clinic/").status_code == 200
    new = "a brand new passphrase"
    form = {"current": PASSWORD, "password": new, "confirm": new}
    assert client.post("/auth/password", data=form).status_code == 302
    assert thief.get("/clinic/").status_code == 302
    assert client.get("/clinic/").status_code == 200


def test_a_manager_signs_a_member_out_everywhere(
    app: Flask, client: FlaskClient, auth: Auth, make_member
) -> None:
    manager = make_member(AppRole.MANAGER)
    hire = make_member(AppRole.STAFF, clinic=manager.clinic)
    phone = app.test_client()
    Auth(phone).login_as(hire)
    auth.login_as(manager)
    page = client.get(f"/clinic/members/{hire.id}").get_data(as_text=True)
    assert "Sign out on every device" in page
    response = client.post(f"/clinic/members/{hire.id}/sessions/end", follow_redirects=True)
    assert f"{hire.user.display_name} is signed out on every device." in response.get_data(
        as_text=True
    )
    assert phone.get("/clinic/").status_code == 302
    assert client.get("/clinic/").status_code == 200  # the manager's own session is untouched
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.end_sessions"))
    assert event.actor_id == manager.user_id and event.subject == hire.user.display_name
    assert Auth(phone).login(hire.user.email).status_code == 302  # the password still works


def test_only_managers_end_sessions_and_only_in_their_clinic(
    app: Flask, client: FlaskClient, auth: Auth, make_member
) -> None:
    manager = make_member(AppRole.MANAGER)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=manager.clinic)
    hire = make_member(AppRole.STAFF, clinic=manager.clinic)
    stranger = make_member(AppRole.MANAGER)  # manages another clinic
    phone = app.test_client()
    Auth(phone).login_as(hire)

    auth.login_as(supervisor)
    assert "Sign out on every device" not in client.get(f"/clinic/members/{hire.id}").get_data(
        as_text=True
    )
    assert client.post(f"/clinic/members/{hire.id}/sessions/end").status_code == 403
    auth.logout()
    auth.login_as(stranger)
    assert client.post(f"/clinic/members/{hire.id}/sessions/end").status_code == 404
    assert phone.get("/clinic/").status_code == 200
    assert db.session.scalar(select(AuditEvent)) is None
