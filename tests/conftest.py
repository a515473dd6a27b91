"""Shared fixtures: a real database (a SQLite file, or PostgreSQL via TEST_DATABASE_URL),
an app per test, and factories that return callables.

Tables are created once per session and emptied after each test, which keeps the PostgreSQL
run as fast as the SQLite one.
"""

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from clinic_onboard.app import create_app
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership
from clinic_onboard.operations import accounts

PASSWORD = "correct horse battery"

# The app dates everything on each clinic's own calendar (``Clinic.today()``); tests build
# their dates with ``date.today()``. Between midnight UTC and midnight in Ontario the two
# disagree, and a credential "issued today" is refused as issued tomorrow. The suite (and the
# servers and browsers it starts) therefore runs on Ontario's clock, where most of its clinics
# are: they agree with every test clinic except, for a few hours after each Canadian midnight,
# those of other zones.
os.environ["TZ"] = "America/Toronto"
time.tzset()


# A fixed record key (record/keys.py), so a test can sign or check what the app wrote.
TEST_RECORD_KEYS = "test1:" + "a2V5LWZvci10ZXN0cy1vbmx5LW5vdC1hLXNlY3JldC0xMjM0"
# The anchor log of every app of this test run (one per process); emptied with the tables.
TEST_ANCHOR_LOG = Path(tempfile.gettempdir()) / f"clinic-onboard-test-anchors-{os.getpid()}.log"


def config_for_tests(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Settings for an app under test: fast hashing, CSRF and rate limits off unless asked."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "RECORD_KEYS": TEST_RECORD_KEYS,
        "RECORD_ANCHOR_LOG": str(TEST_ANCHOR_LOG),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 64,
        **overrides,
    }


def shared_database_url() -> str | None:
    """``TEST_DATABASE_URL``, made this test process's own: under pytest-xdist each worker gets
    a PostgreSQL database of its own (``test_gw0``, created when missing), since the session
    starts by emptying the schema and every test by emptying the tables."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or make_url(url).get_backend_name() != "postgresql":
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = shared_database_url()
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def _schema(database_url: str) -> Iterator[None]:
    """Create every table once; on PostgreSQL start from an empty public schema."""
    if make_url(database_url).get_backend_name() == "postgresql":
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(config_for_tests(database_url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    """Override in a test module (or parametrize) to change one setting for its apps."""
    return config_for_tests(database_url)


@pytest.fixture
def app(app_config: dict[str, Any], _schema: None) -> Iterator[Flask]:
    app = create_app(app_config)
    request_started.connect(_as_a_fresh_request, app)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
        # Anchors of emptied tables would accuse the next test's records (ids start over).
        Path(app.config["RECORD_ANCHOR_LOG"]).unlink(missing_ok=True)


def _as_a_fresh_request(sender: Flask, **extra: Any) -> None:
    """Start each request with an empty ``g`` and no open transaction, as production does.

    The fixture keeps one app context pushed for the test's own queries, and Flask reuses it (and
    its session) for every request. Without this, ``g`` (where Flask-Login caches the signed-in
    user) would leak from one request to the next, even to another client with no cookie at all;
    and a transaction the test's own reads began would carry into the request, which would then
    not run as production runs it (a GET reads outside any transaction: read_only.py). Ending it
    discards nothing: the factories commit what they make.
    """
    g.__dict__.clear()
    db.session.rollback()


def _empty_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_clinic(app: Flask) -> Callable[..., Clinic]:
    """``make_clinic(name, confirmed=True, **fields)``: confirmed, as a clinic that invites is."""

    def make(name: str = "Lakeside Clinic", confirmed: bool = True, **fields: Any) -> Clinic:
        details = accounts.ClinicDetails(
            name=name,
            province=fields.get("province", "ON"),
            setting=fields.get("setting", "family_medicine"),
            emr=fields.get("emr", "accuro"),
            options=tuple(fields.get("options", ())),
        )
        clinic = accounts.create_clinic(details, confirmed=confirmed)
        db.session.commit()
        return clinic

    return make


@pytest.fixture
def make_member(app: Flask, make_clinic: Callable[..., Clinic]) -> Callable[..., Membership]:
    """``make_member(role, clinic=None, email=None)``: a person with a password of PASSWORD."""
    counter = iter(range(1, 10_000))

    def make(
        role: AppRole = AppRole.STAFF, clinic: Clinic | None = None, email: str | None = None
    ) -> Membership:
        number = next(counter)
        user = accounts.find_user(email) if email else None
        if user is None:
            email = email or f"person{number}@clinic.example.com"
            user = accounts.create_user(email, f"Person {number}", PASSWORD)
        membership = accounts.add_member(user, clinic or make_clinic(), role)
        db.session.commit()
        return membership

    return make


class Auth:
    """Sign in and out as a test user, like flaskr's ``auth`` fixture."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def login_as(self, membership: Membership) -> Any:
        response = self.login(membership.user.email)
        assert response.status_code == 302, "login failed"
        return response

    def logout(self) -> Any:
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Collect every SQL statement the app's engine runs inside the block."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def finished_job(job_id: int, timeout: float = 120.0) -> Any:
    """The job once its runner (a thread, or RQ's worker) has ended it, read afresh from the
    database every 50 ms; fails the test when it has not ended after ``timeout`` seconds."""
    from clinic_onboard.models import Job

    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()  # a new snapshot on each look
        job = db.session.get(Job, job_id, populate_existing=True)
        if job is not None and job.finished:
            return job
        assert time.monotonic() < deadline, f"job {job_id} not ended in {timeout} s"
        time.sleep(0.05)


def job_id_of(response: Any) -> int:
    """The job a POST redirected to (its progress page, /jobs/<id>)."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert "/jobs/" in location, location
    return int(location.rstrip("/").rsplit("/", 1)[1])
