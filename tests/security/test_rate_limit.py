"""Password and code checks are throttled per account (a device that signed in before keeps
its own allowance) and, generously, per address; only failures count; the same friendly page for
everyone, and a limit never tells a known email from an unknown one."""

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import limits.storage.memory as memory_storage
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from clinic_onboard.app import create_app
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, ClinicRole, OnboardingTask
from clinic_onboard.operations import progress
from clinic_onboard.queries.record import events_of, record_events, verify_onboarding
from tests.conftest import PASSWORD, Auth, config_for_tests
from tests.security.session_helpers import (
    Clock,
    code,
    give_two_factor,
    install_clock,
    sign_in_with_code,
)
from tests.web.onboarding_factory import build_onboarding

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "PASSWORD_RATE_LIMIT": "3 per minute",
    "SIGNUP_RATE_LIMIT": "3 per minute",
    "TWO_FACTOR_RATE_LIMIT": "3 per minute",
    "PDF_RATE_LIMIT": "3 per minute",
}
REFUSED = [200, 200, 200, 429]
NEW_PASSWORD = "a new long password"


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


def test_two_factor_codes_are_limited_per_account_except_on_the_owners_device(
    app: Flask, make_member, clock: Clock
) -> None:
    member = make_member()
    secret = give_two_factor(member)
    device = app.test_client()
    assert sign_in_with_code(device, member, secret, clock).status_code == 302
    device.post("/auth/logout")
    clock.advance(seconds=30)  # each code works once
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
    assert sign_in_with_code(device, member, secret, clock).status_code == 302


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


# The shipped limits: a clinic's own staff never reach them, a guesser does ---------------------


class Hashes:
    """Counts password checks, to show a refused attempt costs no argon2 hash."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher, self.verified = hasher, 0

    def verify(self, stored: str, password: str) -> bool:
        self.verified += 1
        return self._hasher.verify(stored, password)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)


class StorageClock:
    """Stands in for the clock of the limiter's in-memory storage, so a window can pass."""

    def __init__(self) -> None:
        self.moment = time.time()

    def time(self) -> float:
        return self.moment


class TestShippedLimits:
    @pytest.fixture
    def app_config(self, database_url: str) -> dict:
        return config_for_tests(database_url, RATELIMIT_ENABLED=True)

    @pytest.fixture
    def hashes(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> Hashes:
        counting = Hashes(app.extensions["password_hasher"])
        monkeypatch.setitem(app.extensions, "password_hasher", counting)
        return counting

    @pytest.fixture
    def storage_clock(self, monkeypatch: pytest.MonkeyPatch) -> StorageClock:
        clock = StorageClock()
        monkeypatch.setattr(memory_storage, "time", clock)
        return clock

    def test_twenty_people_sign_in_from_one_address_in_a_minute(
        self, app: Flask, make_member
    ) -> None:
        clinic = make_member().clinic
        people = [make_member(clinic=clinic) for _ in range(20)]
        codes = [
            _login(app.test_client(), p.user.email, "198.51.100.7", PASSWORD).status_code
            for p in people
        ]
        assert codes == [302] * 20

    def test_eleven_wrong_passwords_from_many_addresses_are_throttled_not_the_owners_device(
        self, app: Flask, make_member, hashes: Hashes
    ) -> None:
        owner, other = make_member(), make_member()
        email = owner.user.email
        device = app.test_client()
        assert _login(device, email, "192.0.2.10", PASSWORD).status_code == 302
        device.post("/auth/logout")
        guesses = [_login(app.test_client(), email, f"203.0.113.{n}") for n in range(11)]
        assert [r.status_code for r in guesses] == [200] * 10 + [429]
        before = hashes.verified
        # The guesser waits even with the right password, and a device of their own (signed
        # in to another account) or a forged cookie does not help.
        assert _login(app.test_client(), email, "203.0.113.99", PASSWORD).status_code == 429
        theirs = app.test_client()
        assert _login(theirs, other.user.email, "203.0.113.98", PASSWORD).status_code == 302
        theirs.post("/auth/logout")
        assert _login(theirs, email, "203.0.113.98", PASSWORD).status_code == 429
        forged = app.test_client()
        forged.set_cookie("device", device.get_cookie("device").value + "x")
        assert _login(forged, email, "203.0.113.97", PASSWORD).status_code == 429
        assert hashes.verified == before + 1  # only the other account's sign-in was hashed
        assert _login(device, email, "192.0.2.10", PASSWORD).status_code == 302

    def test_the_device_cookie_is_signed_httponly_and_long_lived(
        self, client: FlaskClient, make_member
    ) -> None:
        response = _login(client, make_member().user.email, "192.0.2.10", PASSWORD)
        header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("device="))
        assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=31536000" in header

    def test_a_supervisors_signoffs_do_not_throttle_another_clinics_at_the_same_address(
        self, app: Flask, make_member
    ) -> None:
        busy, first = _supervisor_with_items_waiting(make_member, 12)
        other, [task] = _supervisor_with_items_waiting(make_member, 1)
        busy_client, other_client = app.test_client(), app.test_client()
        _login(busy_client, busy.user.email, "198.51.100.7", PASSWORD)
        _login(other_client, other.user.email, "198.51.100.7", PASSWORD)
        codes = [_signoff(busy_client, t, PASSWORD).status_code for t in first]
        codes += [_signoff(busy_client, first[0], "typo").status_code for _ in range(3)]
        assert codes == [302] * 12 + [200] * 3
        assert _signoff(other_client, task, PASSWORD).status_code == 302

    def test_password_changes_are_throttled_per_account_before_any_hash(
        self, client: FlaskClient, auth: Auth, make_member, hashes: Hashes, storage_clock
    ) -> None:
        """Finding 5: 25 wrong current passwords, then the right one, from a signed-in session."""
        member = make_member()
        auth.login_as(member)
        codes = [_change_password(client, "wrong password").status_code for _ in range(25)]
        assert codes == [200] * 10 + [429] * 15
        assert hashes.verified == 1 + 10  # the sign-in, then the ten counted failures
        assert _change_password(client, PASSWORD).status_code == 429
        storage_clock.moment += 61
        assert _change_password(client, PASSWORD).status_code == 302
        client.post("/auth/logout")
        assert _login(client, member.user.email, "192.0.2.1", NEW_PASSWORD).status_code == 302


def _supervisor_with_items_waiting(make_member, count: int) -> tuple[Any, list[int]]:
    """A supervisor of a new clinic, and the ids of ``count`` items their hire has done."""
    supervisor = make_member(AppRole.SUPERVISOR)
    hire = make_member(AppRole.STAFF, clinic=supervisor.clinic)
    items = {f"ipac.item_{n}": ("competency", "supervisor", "day_1", 1, None) for n in range(count)}
    onboarding = build_onboarding(hire, supervisor.user_id, items)
    for task in onboarding.tasks:
        progress.complete_task(onboarding, task, hire)
    db.session.commit()
    return supervisor, [task.id for task in onboarding.tasks]


def _signoff(client: FlaskClient, task_id: int, password: str):
    data = {"password": password, "method": "observed", "outcome": "competent", "comment": ""}
    return client.post(f"/signoffs/tasks/{task_id}", data=data, **_from("198.51.100.7"))


def _change_password(client: FlaskClient, current: str):
    data = {"current": current, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return client.post("/auth/password", data=data)


class TestTrustedProxies:
    """Failed checks from one address share a bucket; which address depends on the setting."""

    @pytest.fixture(params=[0, 1])
    def proxies(self, request: pytest.FixtureRequest) -> int:
        return request.param

    @pytest.fixture
    def app_config(self, database_url: str, proxies: int) -> dict:
        return config_for_tests(
            database_url,
            RATELIMIT_ENABLED=True,
            ADDRESS_RATE_LIMIT="3 per minute",
            TRUSTED_PROXIES=proxies,
        )

    def test_forwarded_for_is_used_only_behind_a_trusted_proxy(
        self, app: Flask, proxies: int
    ) -> None:
        """Four unknown emails (no account bucket fills) through one proxy, each client
        forging a different X-Forwarded-For; then four from one real client, forging a prefix."""

        def attempt(n: int, forwarded: str) -> int:
            return (
                app.test_client()
                .post(
                    "/auth/login",
                    data={"email": f"nobody{n}@clinic.example.com", "password": "guess"},
                    headers={"X-Forwarded-For": forwarded},
                    **_from("10.0.0.2"),
                )
                .status_code
            )

        spread = [attempt(n, f"203.0.113.{n}") for n in range(4)]
        one_client = [attempt(10 + n, f"6.6.6.{n}, 198.51.100.20") for n in range(4)]
        if proxies:
            assert spread == [200] * 4 and one_client == [200] * 3 + [429]
        else:
            assert spread == [200] * 3 + [429] and one_client == [429] * 4


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

    def test_a_known_device_keeps_its_allowance_on_every_worker(
        self, app: Flask, app_config: dict, make_member
    ) -> None:
        """The device's cookie is signed with the shared key and its bucket lives in Redis, so
        the worker that answers next knows it; the guessers' shared bucket is full there too."""
        email = make_member().user.email
        device = app.test_client()
        assert _login(device, email, "10.4.4.4", PASSWORD).status_code == 302
        device.post("/auth/logout")
        guesses = [_login(app.test_client(), email, f"10.5.5.{n}").status_code for n in range(4)]
        assert guesses == REFUSED
        other_worker = create_app(app_config)
        stranger, same_device = other_worker.test_client(), other_worker.test_client()
        same_device.set_cookie("device", device.get_cookie("device").value)
        assert _login(stranger, email, "10.5.5.9", PASSWORD).status_code == 429
        assert _login(same_device, email, "10.4.4.4", PASSWORD).status_code == 302
        with other_worker.app_context():
            db.engine.dispose()


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


class TestBatchSignOff:
    """Issue 20: a front-desk hire's 37 items in one batch, under the shipped limits."""

    @pytest.fixture
    def app_config(self, database_url: str) -> dict:
        return config_for_tests(database_url, RATELIMIT_ENABLED=True)

    def test_thirty_seven_items_take_three_requests_and_one_password_check(
        self, app: Flask, make_member, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        supervisor, ids = _supervisor_with_items_waiting(make_member, 37)
        client = app.test_client()
        _login(client, supervisor.user.email, "198.51.100.7", PASSWORD)
        counting = Hashes(app.extensions["password_hasher"])
        monkeypatch.setitem(app.extensions, "password_hasher", counting)
        chosen = client.get("/signoffs/?select=all", **_from("198.51.100.7"))
        assert chosen.get_data(as_text=True).count(" checked>") == 37
        data = {"tasks": [str(i) for i in ids], "method": "observed", "password": PASSWORD}
        signed = client.post("/signoffs/batch", data=data, **_from("198.51.100.7"))
        assert signed.status_code == 302
        queue = client.get(signed.headers["Location"], **_from("198.51.100.7"))
        assert "37 items signed" in queue.get_data(as_text=True)
        assert counting.verified == 1
        onboarding = db.session.get(OnboardingTask, ids[0]).onboarding
        events = [e for e in events_of(onboarding) if e.kind == "signed_off"]
        assert sorted(e.task_id for e in events) == sorted(ids)
        assert {(e.actor_id, e.actor_role, e.payload["method"]) for e in events} == {
            (supervisor.user_id, "supervisor", "observed")
        }
        assert not verify_onboarding(onboarding, record_events([onboarding.id])).findings
