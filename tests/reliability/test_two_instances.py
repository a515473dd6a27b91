"""Two instances of the app on one database, as behind a load balancer: what one instance
stored, the other serves, and the sign-in allowance is one allowance across both.

Each instance is gunicorn with one worker, both sharing the secret key (so one session cookie
works on either), the database and, as production sets it, the rate-limit storage in Redis at
127.0.0.1:6379, under a key prefix of this test's own.
"""

import secrets
import socket
from collections.abc import Iterator
from contextlib import closing

import pytest
from sqlalchemy import select

from clinic_onboard.catalog.schema import DOCUMENT_KINDS
from clinic_onboard.extensions import db
from clinic_onboard.models import OnboardingEvent, OnboardingTask
from clinic_onboard.record.states import EventKind
from tests.conftest import PASSWORD
from tests.live_server import free_port
from tests.reliability.client import Browser
from tests.reliability.people import signed_in
from tests.reliability.seed import Team, app_on, seed_team
from tests.reliability.server import Server, ServerDatabase, gunicorn_command, start_server

REDIS = ("127.0.0.1", 6379)
PNG = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64)


def _redis_answers() -> bool:
    with closing(socket.socket()) as probe:
        probe.settimeout(1)
        return probe.connect_ex(REDIS) == 0


@pytest.fixture
def instances(server_database: ServerDatabase) -> Iterator[tuple[Server, Server]]:
    """Two servers on the test's database, counting sign-in failures in Redis."""
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379, where production keeps its rate limits")
    # The production allowance (the reliability checks lift it elsewhere), kept in Redis.
    env = {k: v for k, v in server_database.env.items() if k != "PASSWORD_RATE_LIMIT"}
    env["RATELIMIT_STORAGE_URI"] = f"redis://{REDIS[0]}:{REDIS[1]}/0"
    env["RATELIMIT_KEY_PREFIX"] = f"clinic-onboard-test-{secrets.token_hex(8)}"
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = server_database.folder / f"instance-{name}.log"
            started.append(start_server(gunicorn_command(port, workers=1), port, env, log))
        yield started[0], started[1]
    finally:
        for server in started:
            server.stop()


def _credential_task(url: str, onboarding_id: int) -> int:
    with app_on(url):
        query = select(OnboardingTask.id).where(
            OnboardingTask.onboarding_id == onboarding_id,
            OnboardingTask.kind.in_(DOCUMENT_KINDS),
        )
        return db.session.scalars(query.order_by(OnboardingTask.id)).first()


def _credential_event(url: str, onboarding_id: int) -> int:
    with app_on(url):
        query = select(OnboardingEvent.id).where(
            OnboardingEvent.onboarding_id == onboarding_id,
            OnboardingEvent.kind == EventKind.CREDENTIAL,
        )
        return db.session.scalars(query).one()


def test_a_copy_uploaded_through_one_instance_downloads_through_the_other(
    server_database: ServerDatabase, instances: tuple[Server, Server]
) -> None:
    first, second = instances
    team: Team = seed_team(server_database.url, managers=1, supervisors=1, hires=1)
    [hire] = team.hires
    task_id = _credential_task(server_database.url, hire.onboarding_id)
    browser = signed_in(first.url, hire.email)
    browser.get(f"/my/tasks/{task_id}/credential")
    form = {"issuer": "Heart and Stroke Foundation", "issued_on": "2026-01-31"}
    sent = browser.post_file(
        f"/my/tasks/{task_id}/credential", form, "file", ("card.png", PNG, "image/png")
    )
    assert sent.status == 302, sent.flashes
    event_id = _credential_event(server_database.url, hire.onboarding_id)

    # The same session cookie, sent by the proxy to the other instance; then the supervisor.
    for reader in (browser.elsewhere(second.url), signed_in(second.url, hire.supervisor)):
        copy = reader.get(f"/my/files/{event_id}")
        assert copy.status == 200 and copy.data == PNG
        assert copy.headers["Content-Type"] == "image/png"
        assert copy.headers["Content-Disposition"].startswith("attachment")
        assert copy.headers["X-Content-Type-Options"] == "nosniff"
        assert copy.headers["Cache-Control"] == "private, no-store"


def test_eleven_wrong_passwords_over_both_instances_are_refused(
    server_database: ServerDatabase, instances: tuple[Server, Server]
) -> None:
    team = seed_team(server_database.url, managers=1, supervisors=1, hires=0)
    [email] = team.managers
    statuses = []
    for attempt in range(11):
        browser = Browser(instances[attempt % 2].url)  # a fresh, unknown device every time
        browser.get("/auth/login")
        statuses.append(browser.post("/auth/login", {"email": email, "password": "wrong"}).status)
    assert statuses == [200] * 10 + [429]
    # The right password waits too, on either instance: the allowance is the account's.
    for server in instances:
        browser = Browser(server.url)
        browser.get("/auth/login")
        assert browser.post("/auth/login", {"email": email, "password": PASSWORD}).status == 429
