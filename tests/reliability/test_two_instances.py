"""Two instances of the app on one database, as behind a load balancer: what one instance
stored, the other serves, the sign-in allowance is one allowance across both, so is the
cache of rendered plans, and a job (a CSV import) runs on RQ's worker while both keep
serving, its progress readable on either.

Each instance is gunicorn with one worker, both sharing the secret key (so one session cookie
works on either), the database and, as production sets it, the rate-limit storage and the plan
cache in Redis at 127.0.0.1:6379, under a key prefix of this test's own.
"""

import re
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from sqlalchemy import func, select

from clinic_onboard.catalog.schema import DOCUMENT_KINDS
from clinic_onboard.extensions import db
from clinic_onboard.models import Membership, Onboarding, OnboardingEvent, OnboardingTask, User
from clinic_onboard.record.states import EventKind
from tests.conftest import PASSWORD
from tests.live_server import cli_path, free_port, separate_database
from tests.reliability.client import Browser
from tests.reliability.people import DONE_FORM, UNDO_FORM, signed_in
from tests.reliability.seed import Team, app_on, seed_team
from tests.reliability.server import (
    Server,
    gunicorn_command,
    reliability_environment,
    run_cli,
    start_server,
)

REDIS = ("127.0.0.1", 6379)
PNG = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64)


def _redis_answers() -> bool:
    with closing(socket.socket()) as probe:
        probe.settimeout(1)
        return probe.connect_ex(REDIS) == 0


@dataclass(frozen=True)
class TwoInstances:
    database_url: str
    first: Server
    second: Server
    team: Team
    env: dict[str, str]
    folder: Path
    prefix: str  # of every key the two keep in Redis


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoInstances]:
    """Two servers on one migrated database with a seeded team, counting sign-in failures in
    Redis; started once for the module, side by side, since starting is most of the time."""
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379, where production keeps its rate limits")
    folder = tmp_path_factory.mktemp("two_instances")
    with separate_database(folder, "two_instances") as url:
        env = _environment(url, folder)
        upgrade = run_cli(env, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr
        team = seed_team(url, managers=2, supervisors=1, hires=1)
        with ThreadPoolExecutor(2) as pool:
            starting = [pool.submit(_start, env, folder / name) for name in ("a", "b")]
            started = [future.result() for future in starting if future.exception() is None]
        try:
            assert len(started) == 2, [future.exception() for future in starting]
            yield TwoInstances(
                url, started[0], started[1], team, env, folder, env["RATELIMIT_KEY_PREFIX"]
            )
        finally:
            for server in started:
                server.stop()


def _environment(url: str, folder: Path) -> dict[str, str]:
    """The production allowance for passwords (the other checks lift it), kept in Redis under
    a prefix of this run's own."""
    env = reliability_environment(url, folder)
    del env["PASSWORD_RATE_LIMIT"]
    env["RATELIMIT_STORAGE_URI"] = f"redis://{REDIS[0]}:{REDIS[1]}/0"
    env["RATELIMIT_KEY_PREFIX"] = f"clinic-onboard-test-{secrets.token_hex(8)}"
    # Jobs on RQ in the same Redis, on a queue of this run's own, run by `clinic-onboard worker`.
    env["JOB_QUEUE_URL"] = f"redis://{REDIS[0]}:{REDIS[1]}/0"
    env["JOB_QUEUE_NAME"] = f"clinic-onboard-test-{secrets.token_hex(8)}"
    env["INVITATIONS_PER_HOUR"] = env["INVITATIONS_PER_DAY"] = "5000"
    env["PLAN_CACHE_URL"] = env["RATELIMIT_STORAGE_URI"]
    return env


def _start(env: dict[str, str], disk: Path) -> Server:
    """A server with a disk of its own, as each machine behind a proxy has: an upload kept
    in a folder there would be missing on the other."""
    disk.mkdir()
    port = free_port()
    own = {**env, "UPLOAD_FOLDER": str(disk / "uploads")}
    return start_server(gunicorn_command(port, workers=1), port, own, disk / "server.log")


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
    two: TwoInstances,
) -> None:
    [hire] = two.team.hires
    task_id = _credential_task(two.database_url, hire.onboarding_id)
    browser = signed_in(two.first.url, hire.email)
    browser.get(f"/my/tasks/{task_id}/credential")
    form = {"issuer": "Heart and Stroke Foundation", "issued_on": "2026-01-31"}
    sent = browser.post_file(
        f"/my/tasks/{task_id}/credential", form, "file", ("card.png", PNG, "image/png")
    )
    assert sent.status == 302, sent.flashes
    event_id = _credential_event(two.database_url, hire.onboarding_id)

    # The same session cookie, sent by the proxy to the other instance; then the supervisor.
    for reader in (browser.elsewhere(two.second.url), signed_in(two.second.url, hire.supervisor)):
        copy = reader.get(f"/my/files/{event_id}")
        assert copy.status == 200 and copy.data == PNG
        assert copy.headers["Content-Type"] == "image/png"
        assert copy.headers["Content-Disposition"].startswith("attachment")
        assert copy.headers["X-Content-Type-Options"] == "nosniff"
        assert copy.headers["Cache-Control"] == "private, no-store"


def test_eleven_wrong_passwords_over_both_instances_are_refused(two: TwoInstances) -> None:
    email = two.team.managers[1]  # locked out afterwards: the other tests sign in the first
    instances = (two.first, two.second)
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


BULK_HIRES = 1000
DONE_LINE = re.compile(r"(\d+) of (\d+) lines done")


@contextmanager
def _worker(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    """``clinic-onboard worker`` in a process group of its own, stopped (warm, then cold) at
    the end."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(cli_path()), "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _bulk_csv() -> bytes:
    start = (date.today() + timedelta(days=30)).isoformat()
    lines = ["name,email,role,start_date"] + [
        f"Bulk Hire {n},bulk{n}@reliability.example.com,medical_assistant,{start}"
        for n in range(1, BULK_HIRES + 1)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def _imported(url: str) -> int:
    with app_on(url):
        query = select(func.count()).select_from(Onboarding).join(Membership).join(User)
        return db.session.scalar(query.where(User.email.like("bulk%")))


def test_a_thousand_hires_import_as_a_job_while_both_instances_serve(
    two: TwoInstances,
) -> None:
    first = signed_in(two.first.url, two.team.managers[0])
    with _worker(two.env, two.folder / "worker.log"):
        first.get("/staff/import")
        sent = first.post_file(
            "/staff/import", {}, "upload", ("hires.csv", _bulk_csv(), "text/csv")
        )
        assert sent.status == 302 and "/jobs/" in (sent.location or ""), sent.text[:2000]
        job_page = urlsplit(sent.location).path
        second = first.elsewhere(two.second.url)
        statuses, progress, deadline = [], set(), time.monotonic() + 1800
        while time.monotonic() < deadline:
            # Both instances answer pages while the worker imports.
            for browser in (first, second):
                statuses.append(browser.get("/dashboard/").status)
                page = browser.get(job_page)
                statuses.append(page.status)
                if found := DONE_LINE.search(page.text):
                    progress.add(int(found.group(1)))
            if f"{BULK_HIRES} of {BULK_HIRES} lines done" in page.text and "Done" in page.text:
                break
            time.sleep(0.5)
    assert set(statuses) == {200}, statuses
    assert any(0 < done < BULK_HIRES for done in progress), sorted(progress)  # seen under way
    assert _imported(two.database_url) == BULK_HIRES
    for browser in (first, second):
        page = browser.get(job_page)
        assert f"{BULK_HIRES} of {BULK_HIRES} lines done" in page.text and "Done" in page.text


def test_a_plan_rendered_through_one_instance_is_served_by_the_other(two: TwoInstances) -> None:
    """Rendered once for both, and a change through either shows through the other at once."""
    [hire] = two.team.hires
    first = signed_in(two.first.url, hire.email)
    second = first.elsewhere(two.second.url)
    lookups, misses = _plan_cache_counts(two.prefix)
    page = first.get("/my/")
    assert second.get("/my/").text.count("/done") == page.text.count("/done") > 0
    assert _plan_cache_counts(two.prefix) == (lookups + 2, misses + 1)

    task_id = DONE_FORM.findall(page.text)[0]
    assert second.post(f"/my/tasks/{task_id}/done").status == 302
    assert task_id in UNDO_FORM.findall(first.get("/my/").text)
    assert task_id in UNDO_FORM.findall(second.get("/my/").text)
    assert _plan_cache_counts(two.prefix) == (lookups + 4, misses + 2)


def _plan_cache_counts(prefix: str) -> tuple[int, int]:
    """Plan lookups and misses the two instances counted in Redis, over every hour."""
    connection = redis.Redis(*REDIS)
    counts = [
        connection.hmget(key, "lookups", "misses")
        for key in connection.scan_iter(f"{prefix}:plan-stats:*")
    ]
    return sum(int(c[0] or 0) for c in counts), sum(int(c[1] or 0) for c in counts)
