"""Password and code checks are rate-limited per address and per account, with the same
friendly page for everyone, and a limit never tells a known email from an unknown one."""

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from clinic_onboard.app import create_app
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, ClinicRole
from tests.conftest import PASSWORD, Auth, config_for_tests
from tests.security.session_helpers import (
    Clock,
    code,
    give_two_factor,
    install_clock,
)
from tests.web.onboarding_factory import build_onboarding

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "LOGIN_RATE_LIMIT": "3 per minute",
    "SIGNOFF_RATE_LIMIT": "3 per minute",
    "TWO_FACTOR_RATE_LIMIT": "3 per minute",
    "PDF_RATE_LIMIT": "3 per minute",
}
REFUSED = [200, 200, 200, 429]


@pytest.fixture
def app_config(database_url: str) -> dict:
    return config_for_tests(database_url, **LIMITS)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


def _from(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _login(client: FlaskClient, email: str, address: str, password: str = "wrong password"):
    return client.post("/auth/login", data={"email": email, "password": password}, **_from(address))


def test_the_fourth_attempt_in_a_minute_is_refused(client: FlaskClient, make_member) -> None:
    member = make_member()
    attempt = {"email": member.user.email, "password": "wrong password"}
    codes = [client.post("/auth/login", data=attempt).status_code for _ in range(4)]
    assert codes == REFUSED
    assert "Too many attempts" in client.post("/auth/login", data=attempt).get_data(as_text=True)
    assert client.get("/auth/login").status_code == 200


def test_one_account_is_limited_whatever_address_the_guesses_come_from(
    client: FlaskClient, make_member
) -> None:
    target, bystander = make_member(), make_member()
    codes = [_login(client, target.user.email, f"203.0.113.{n}").status_code for n in range(4)]
    assert codes == REFUSED
    # Spelled differently, still the same account; even the right password waits now.
    variant = f"  {target.user.email.upper()} "
    assert _login(client, variant, "203.0.113.50", PASSWORD).status_code == 429
    assert _login(client, bystander.user.email, "203.0.113.51", PASSWORD).status_code == 302


def _pages_for(client: FlaskClient, email: str, first_address: int) -> list[tuple[int, str]]:
    """Five wrong guesses on one email from five addresses: each status and page, with the
    typed email taken out (the form shows it back)."""
    pages = []
    for n in range(5):
        response = _login(client, email, f"198.51.100.{first_address + n}")
        pages.append((response.status_code, response.get_data(as_text=True).replace(email, "@")))
    return pages


def test_an_unknown_email_is_limited_exactly_like_a_known_one(app: Flask, make_member) -> None:
    known = make_member().user.email
    unknown = "nobody-here@clinic.example.com"
    assert _pages_for(app.test_client(), known, 10) == _pages_for(app.test_client(), unknown, 20)
    assert [code for code, _ in _pages_for(app.test_client(), "x" + unknown, 30)] == [
        *REFUSED,
        429,
    ]


def test_signing_up_is_limited_per_address(client: FlaskClient) -> None:
    """Sign-up says when an email is taken (see README); the limit stops harvesting."""
    form = {"email": "someone@clinic.example.com", "display_name": "A"}
    codes = [client.post("/auth/signup", data=form).status_code for _ in range(4)]
    assert codes == REFUSED


def test_two_factor_codes_are_limited_per_account_and_address(
    app: Flask, make_member, clock: Clock
) -> None:
    member = make_member()
    secret = give_two_factor(member)
    guesser = app.test_client()
    _login(guesser, member.user.email, "192.0.2.1", PASSWORD)
    guess = {"code": code(secret, clock, steps=10)}
    codes = [
        guesser.post("/auth/two-factor/code", data=guess, **_from(f"192.0.2.{n}")) for n in range(4)
    ]
    assert [r.status_code for r in codes] == REFUSED
    owner = app.test_client()
    _login(owner, member.user.email, "192.0.2.99", PASSWORD)
    right = {"code": code(secret, clock)}
    assert owner.post("/auth/two-factor/code", data=right, **_from("192.0.2.99")).status_code == 429


def test_final_signoff_passwords_are_limited_per_account(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    manager = make_member(AppRole.MANAGER)
    hire = make_member(AppRole.STAFF, clinic=manager.clinic)
    onboarding = build_onboarding(hire, None)
    auth.login_as(manager)
    url = f"/signoffs/onboardings/{onboarding.id}/complete"
    codes = [
        client.post(url, data={"password": "guess"}, **_from(f"10.1.1.{n}")).status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]


def test_a_managers_reset_password_is_limited_per_account(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    manager = make_member(AppRole.MANAGER)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=manager.clinic)
    give_two_factor(supervisor)
    auth.login_as(manager)
    url = f"/clinic/members/{supervisor.id}/two-factor/reset"
    codes = [
        client.post(url, data={"password": "guess"}, **_from(f"10.2.2.{n}")).status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    db.session.refresh(supervisor.user)
    assert supervisor.user.has_two_factor


# Shared storage: several workers must count together ----------------------------------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis() -> Any:
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL)")
    return connection


class TestRedisStorage:
    @pytest.fixture
    def prefix(self) -> Iterator[str]:
        connection = _redis()
        prefix = f"clinic-onboard-test-{uuid.uuid4().hex}"
        yield prefix
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)

    @pytest.fixture
    def app_config(self, database_url: str, prefix: str) -> dict:
        return config_for_tests(
            database_url, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix, **LIMITS
        )

    def test_the_count_lives_in_redis_not_in_the_worker(
        self, app: Flask, app_config: dict, prefix: str, make_member
    ) -> None:
        """Half the guesses here, half in a worker started afterwards: with per-process memory
        the new worker would start from zero and let the fourth guess through."""
        member = make_member()
        codes = [_login(app.test_client(), member.user.email, "10.3.3.3").status_code]
        codes.append(_login(app.test_client(), member.user.email, "10.3.3.3").status_code)
        assert any(_redis().scan_iter(f"*{prefix}*"))
        other_worker = create_app(app_config)
        for _ in range(2):
            codes.append(
                _login(other_worker.test_client(), member.user.email, "10.3.3.3").status_code
            )
        with other_worker.app_context():
            db.engine.dispose()
        assert codes == REFUSED


def _a_role(manager) -> int:
    role = ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA")
    db.session.add(role)
    db.session.commit()
    return role.id


def test_pdfs_are_limited_per_person_across_every_pdf_route(
    client: FlaskClient, make_member
) -> None:
    """Issue 22, finding 8: PDF renders had no limit. The allowance is the person's, shared by
    every PDF route; a colleague at the same address keeps their own."""
    manager = make_member(AppRole.MANAGER)
    colleague = make_member(AppRole.MANAGER, clinic=manager.clinic)
    auth = Auth(client)
    auth.login_as(manager)
    role_id = _a_role(manager)
    urls = ["/exports/summary.pdf", f"/exports/roles/{role_id}/checklist.pdf"] * 2
    codes = [client.get(url).status_code for url in urls]
    assert codes == REFUSED
    refused = client.get(f"/exports/roles/{role_id}/plan.pdf")
    assert refused.status_code == 429
    assert "You have asked for many PDFs in a short time." in refused.text
    auth.logout()
    auth.login_as(colleague)
    assert client.get("/exports/summary.pdf").status_code == 200
