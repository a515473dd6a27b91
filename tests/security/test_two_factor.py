"""Two-factor sign-in: the codes themselves, enrolling, the second sign-in step, turning it off,
a manager's reset, and the clinic setting that requires it for managers and supervisors."""

import re

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent
from clinic_onboard.services import totp
from tests.conftest import PASSWORD, Auth
from tests.security.session_helpers import (
    Clock,
    code,
    give_two_factor,
    install_clock,
    sign_in_with_code,
)

# RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at T = 59 s gives 94287082;
# authenticator apps show its last six digits.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# The codes (pure) ---------------------------------------------------------------------------


def test_the_rfc_6238_test_vector() -> None:
    assert totp.matching_step(RFC_SECRET, "287082", at=59, last_step=None) == 1
    assert totp.matching_step(RFC_SECRET, "287 082", at=59, last_step=None) == 1
    assert totp.matching_step(RFC_SECRET, "287082", at=59 + 30, last_step=None) == 1  # drift
    assert totp.matching_step(RFC_SECRET, "287082", at=59 + 60, last_step=None) is None
    assert totp.matching_step(RFC_SECRET, "287083", at=59, last_step=None) is None


def test_a_used_step_is_never_accepted_again() -> None:
    assert totp.matching_step(RFC_SECRET, "287082", at=59, last_step=1) is None
    later = pyotp.TOTP(RFC_SECRET).at(90)
    assert totp.matching_step(RFC_SECRET, later, at=90, last_step=1) == 3


@pytest.mark.parametrize(
    "junk",
    ["", "12345", "1234567", "abcdef", "\uff12\uff18\uff17\uff10\uff18\uff12", "28708\u00b2"],
)
def test_malformed_codes_are_refused(junk: str) -> None:
    assert totp.matching_step(RFC_SECRET, junk, at=59, last_step=None) is None


def test_the_qr_code_is_an_svg_image_without_script() -> None:
    uri = totp.provisioning_uri(RFC_SECRET, "ana@clinic.example.com")
    assert uri.startswith("otpauth://totp/clinic_onboard:ana%40clinic.example.com?")
    assert f"secret={RFC_SECRET}" in uri
    image = totp.qr_data_uri(uri)
    assert image.startswith("data:image/svg+xml")
    assert "script" not in image.lower()


# Enrolling -----------------------------------------------------------------------------------


def _setup_secret(client: FlaskClient) -> str:
    page = client.get("/auth/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    return re.search(r'id="two-factor-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def test_enrolling_needs_the_password_and_a_code_and_ends_other_sessions(
    app: Flask, client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    member = make_member(AppRole.SUPERVISOR)
    laptop = app.test_client()
    Auth(laptop).login_as(member)
    auth.login_as(member)
    secret = _setup_secret(client)
    assert _setup_secret(client) == secret  # a reload shows the same key, already scanned
    wrong_password = {"password": "not my password", "code": code(secret, clock)}
    assert "That is not your password." in client.post(
        "/auth/two-factor", data=wrong_password
    ).get_data(as_text=True)
    wrong_code = {"password": PASSWORD, "code": code(secret, clock, steps=5)}
    assert "That code is not right" in client.post("/auth/two-factor", data=wrong_code).get_data(
        as_text=True
    )
    db.session.refresh(member.user)
    assert not member.user.has_two_factor
    right = {"password": PASSWORD, "code": code(secret, clock)}
    assert client.post("/auth/two-factor", data=right).status_code == 302
    db.session.refresh(member.user)
    assert member.user.totp_secret == secret
    assert client.get("/clinic/").status_code == 200
    assert laptop.get("/clinic/").status_code == 302
    assert _actions() == ["account.two_factor_on"]
    assert "Two-factor sign-in is on" in client.get("/auth/two-factor").get_data(as_text=True)


def test_a_shown_key_is_not_handed_to_the_next_person_on_a_shared_computer(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    first, second = make_member(), make_member()
    auth.login_as(first)
    seen_by_first = _setup_secret(client)
    auth.logout()
    auth.login_as(second)
    assert _setup_secret(client) != seen_by_first


def test_the_setup_page_needs_a_signed_in_person(client: FlaskClient) -> None:
    assert client.get("/auth/two-factor").headers["Location"].startswith("/auth/login")


# Signing in ----------------------------------------------------------------------------------


def test_with_two_factor_the_password_alone_grants_nothing(
    client: FlaskClient, make_member, clock: Clock
) -> None:
    member = make_member(AppRole.MANAGER)
    secret = give_two_factor(member)
    response = client.post(
        "/auth/login?next=/clinic/members", data={"email": member.user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/auth/two-factor/code"
    for path in ("/clinic/", "/clinic/members", "/auth/two-factor", "/signoffs/"):
        assert client.get(path).status_code == 302, path
    assert client.post("/auth/logout").status_code == 302  # login_required: to the sign-in page
    assert "Enter your code" in client.get("/auth/two-factor/code").get_data(as_text=True)
    wrong = client.post("/auth/two-factor/code", data={"code": code(secret, clock, steps=3)})
    assert "That code is not right" in wrong.get_data(as_text=True)
    right = client.post("/auth/two-factor/code", data={"code": code(secret, clock)})
    assert right.headers["Location"] == "/clinic/members"
    assert client.get("/clinic/members").status_code == 200


def test_a_code_works_once(
    app: Flask, client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    member = make_member()
    secret = give_two_factor(member)
    assert sign_in_with_code(client, member, secret, clock).status_code == 302
    onlooker = app.test_client()  # saw the code over the person's shoulder, knows the password
    replay = sign_in_with_code(onlooker, member, secret, clock)
    assert replay.status_code == 200
    assert onlooker.get("/clinic/").status_code == 302
    clock.advance(seconds=30)
    assert sign_in_with_code(onlooker, member, secret, clock).status_code == 302


def test_the_code_step_expires_and_needs_the_password_first(
    client: FlaskClient, make_member, clock: Clock
) -> None:
    member = make_member()
    secret = give_two_factor(member)
    assert (
        client.post("/auth/two-factor/code", data={"code": code(secret, clock)}).headers["Location"]
        == "/auth/login"
    )
    client.post("/auth/login", data={"email": member.user.email, "password": PASSWORD})
    clock.advance(minutes=6)
    late = client.post("/auth/two-factor/code", data={"code": code(secret, clock)})
    assert late.headers["Location"] == "/auth/login"
    assert client.get("/clinic/").status_code == 302


def test_a_new_password_cancels_a_half_finished_sign_in(
    app: Flask, client: FlaskClient, make_member, clock: Clock
) -> None:
    member = make_member()
    secret = give_two_factor(member)
    client.post("/auth/login", data={"email": member.user.email, "password": PASSWORD})
    member.user.end_all_sessions()  # what changing the password elsewhere does
    db.session.commit()
    response = client.post("/auth/two-factor/code", data={"code": code(secret, clock)})
    assert response.headers["Location"] == "/auth/login"


def test_a_switched_off_account_cannot_finish_signing_in(
    client: FlaskClient, make_member, clock: Clock
) -> None:
    member = make_member()
    secret = give_two_factor(member)
    client.post("/auth/login", data={"email": member.user.email, "password": PASSWORD})
    member.user.active = False
    db.session.commit()
    client.post("/auth/two-factor/code", data={"code": code(secret, clock)})
    assert client.get("/clinic/").status_code == 302


@pytest.mark.parametrize("junk", ["", "x" * 5000, "'; DROP TABLE users; --", "\x00"])
def test_junk_codes_get_a_form_error_not_a_crash(
    client: FlaskClient, make_member, clock: Clock, junk: str
) -> None:
    member = make_member()
    give_two_factor(member)
    client.post("/auth/login", data={"email": member.user.email, "password": PASSWORD})
    assert client.post("/auth/two-factor/code", data={"code": junk}).status_code == 200
    assert client.get("/clinic/").status_code == 302


# Turning it off, and a manager's reset -----------------------------------------------------


def test_turning_it_off_needs_a_current_code(
    client: FlaskClient, make_member, clock: Clock
) -> None:
    member = make_member()
    secret = give_two_factor(member)
    sign_in_with_code(client, member, secret, clock)
    stale = client.post("/auth/two-factor/off", data={"code": code(secret, clock)})
    assert "That code is not right" in stale.get_data(as_text=True)  # already used to sign in
    clock.advance(seconds=30)
    assert (
        client.post("/auth/two-factor/off", data={"code": code(secret, clock)}).status_code == 302
    )
    db.session.refresh(member.user)
    assert not member.user.has_two_factor
    assert _actions() == ["account.two_factor_off"]


def test_a_manager_resets_a_lost_phone_with_their_password(
    app: Flask, client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    manager = make_member(AppRole.MANAGER)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=manager.clinic)
    secret = give_two_factor(supervisor)
    phone = app.test_client()
    sign_in_with_code(phone, supervisor, secret, clock)
    auth.login_as(manager)
    url = f"/clinic/members/{supervisor.id}/two-factor/reset"
    wrong = client.post(url, data={"password": "a guess"}, follow_redirects=True)
    assert "That password is not right. Nothing was changed." in wrong.get_data(as_text=True)
    assert client.post(url, data={"password": PASSWORD}).status_code == 302
    db.session.refresh(supervisor.user)
    assert not supervisor.user.has_two_factor
    assert phone.get("/clinic/").status_code == 302  # their sessions end too
    assert _actions() == ["account.two_factor_reset"]
    assert (
        Auth(phone).login(supervisor.user.email).headers["Location"] == "/"
    )  # then to their own page


def test_only_a_manager_of_all_their_clinics_may_reset(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager = make_member(AppRole.MANAGER)
    colleague = make_member(AppRole.SUPERVISOR, clinic=manager.clinic)
    other_clinic = make_clinic("Harbour Clinic")
    # Added as a "hire" here, they manage another clinic: resetting would weaken that clinic.
    make_member(AppRole.MANAGER, clinic=other_clinic, email=colleague.user.email)
    give_two_factor(colleague)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=manager.clinic)
    auth.login_as(manager)
    url = f"/clinic/members/{colleague.id}/two-factor/reset"
    refused = client.post(url, data={"password": PASSWORD}, follow_redirects=True)
    assert "also belongs to a clinic you do not manage" in refused.get_data(as_text=True)
    db.session.refresh(colleague.user)
    assert colleague.user.has_two_factor
    auth.logout()
    auth.login_as(supervisor)
    assert client.post(url, data={"password": PASSWORD}).status_code == 403
    assert _actions() == []


def test_another_clinics_manager_gets_404(client: FlaskClient, auth: Auth, make_member) -> None:
    member = make_member(AppRole.STAFF)
    give_two_factor(member)
    auth.login_as(make_member(AppRole.MANAGER))
    for path in ("two-factor/reset", "sessions/end"):
        assert client.post(f"/clinic/members/{member.id}/{path}").status_code == 404


# The clinic setting --------------------------------------------------------------------------


def test_the_clinic_can_require_it_for_managers_and_supervisors(
    app: Flask, client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    manager = make_member(AppRole.MANAGER)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=manager.clinic)
    staff = make_member(AppRole.STAFF, clinic=manager.clinic)
    give_two_factor(manager)
    sign_in_with_code(client, manager, manager.user.totp_secret, clock)
    assert client.post("/clinic/security", data={"require_two_factor": "y"}).status_code == 302
    db.session.refresh(manager.clinic)
    assert manager.clinic.require_two_factor is True
    assert _actions() == ["clinic.require_two_factor"]
    assert "Not set up" in client.get("/clinic/security").get_data(as_text=True)

    browser = app.test_client()
    Auth(browser).login_as(supervisor)
    for path in ("/clinic/", "/clinic/members", "/signoffs/", "/auth/password"):
        assert browser.get(path).headers["Location"] == "/auth/two-factor", path
    switch = browser.post("/clinic/switch", data={"clinic_id": manager.clinic_id})
    assert switch.headers["Location"] == "/auth/two-factor"
    assert "requires two-factor sign-in" in browser.get("/auth/two-factor").get_data(as_text=True)

    staff_browser = app.test_client()
    Auth(staff_browser).login_as(staff)
    assert staff_browser.get("/clinic/").status_code == 200


def test_enrolling_lets_the_required_person_in(
    client: FlaskClient, auth: Auth, make_member, clock: Clock
) -> None:
    supervisor = make_member(AppRole.SUPERVISOR)
    supervisor.clinic.require_two_factor = True
    db.session.commit()
    auth.login_as(supervisor)
    assert client.get("/clinic/").status_code == 302
    secret = _setup_secret(client)
    client.post("/auth/two-factor", data={"password": PASSWORD, "code": code(secret, clock)})
    assert client.get("/clinic/").status_code == 200


def test_being_staff_elsewhere_does_not_lift_the_requirement(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    supervisor = make_member(AppRole.SUPERVISOR)
    supervisor.clinic.require_two_factor = True
    db.session.commit()
    make_member(AppRole.STAFF, clinic=make_clinic("Aardvark Clinic"), email=supervisor.user.email)
    auth.login_as(supervisor)
    assert client.get("/clinic/").headers["Location"] == "/auth/two-factor"


def test_the_setting_is_for_managers_only(client: FlaskClient, auth: Auth, make_member) -> None:
    supervisor = make_member(AppRole.SUPERVISOR)
    auth.login_as(supervisor)
    assert client.get("/clinic/security").status_code == 403
    assert client.post("/clinic/security", data={"require_two_factor": "y"}).status_code == 403
    db.session.refresh(supervisor.clinic)
    assert supervisor.clinic.require_two_factor is False
