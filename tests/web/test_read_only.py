"""GET requests read outside a transaction and may not write; POSTs write in one transaction.

Checked at the driver: on PostgreSQL a transaction is two more round trips (psycopg's BEGIN and
the pool's ROLLBACK), and what a GET saves by not opening one is what bench/README.md measures.
SQLite's driver opens a transaction only before a write, so there the page test holds either
way; the PostgreSQL run of the suite is the one it guards.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine

from clinic_onboard.app import create_app
from clinic_onboard.db.read_only import ReadOnlyRequestError
from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic
from clinic_onboard.operations import accounts
from tests.conftest import Auth, config_for_tests
from tests.web.onboarding_factory import make_team, task_of


@dataclass(frozen=True)
class Statement:
    sql: str
    autocommit: bool  # SQLAlchemy ran it with isolation_level="AUTOCOMMIT"
    in_transaction: bool  # the driver had a transaction open once it ran
    connection: int  # which driver connection ran it


@contextmanager
def statements_run(engine: Engine | None = None) -> Iterator[list[Statement]]:
    """What ``engine`` (the app's, by default) runs inside the block."""
    engine = engine or db.engine
    seen: list[Statement] = []

    def record(conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        level = conn.get_execution_options().get("isolation_level")
        driver = conn.connection.dbapi_connection
        seen.append(
            Statement(sql, level == "AUTOCOMMIT", _driver_in_transaction(driver), id(driver))
        )

    event.listen(engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", record)


def _is_write(statement: Statement) -> bool:
    return statement.sql.split()[0] in ("INSERT", "UPDATE", "DELETE")


def _driver_in_transaction(driver: Any) -> bool:
    if isinstance(driver, sqlite3.Connection):
        return driver.in_transaction
    from psycopg.pq import TransactionStatus

    return driver.info.transaction_status != TransactionStatus.IDLE


@pytest.fixture
def team(make_member, make_clinic):
    return make_team(make_member, make_clinic)()


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("hire", "GET", "/my/"),
        ("hire", "HEAD", "/my/"),
        ("manager", "GET", "/dashboard/"),
        ("manager", "GET", "/staff/{onboarding}"),
        ("supervisor", "GET", "/signoffs/"),
        ("manager", "GET", "/exports/summary.pdf"),
    ],
)
def test_a_page_reads_outside_a_transaction(client, auth: Auth, team, who, method, path) -> None:
    auth.login_as(team[who])
    url = path.format(onboarding=team["onboarding"].id)
    with statements_run() as statements:
        response = client.open(url, method=method)
        response.close()
    assert response.status_code == 200
    assert statements, "the page read nothing"
    assert not any(s.in_transaction for s in statements), statements


def test_a_post_writes_in_one_transaction(client, auth: Auth, team) -> None:
    auth.login_as(team["hire"])
    url = f"/my/tasks/{task_of(team['onboarding'], 'ipac.hand_hygiene').id}/done"
    with statements_run() as statements:
        response = client.post(url)
    assert response.status_code == 302
    writes = [s for s in statements if _is_write(s)]
    assert writes, "ticking an item off wrote nothing"
    assert not any(s.autocommit for s in statements), statements
    assert all(s.in_transaction for s in writes), writes


@contextmanager
def careless_app(database_url: str, **settings: Any) -> Iterator[Flask]:
    """An app with routes that rename the clinic whatever the method, by a flush and by an
    UPDATE statement: a GET that writes is a bug that must fail, and must not half-happen."""
    app = create_app(config_for_tests(database_url, **settings))

    def by_flush() -> str:
        db.session.execute(select(Clinic)).scalar_one().name = "Renamed by flush"
        db.session.commit()
        return "done"

    def by_statement() -> str:
        db.session.execute(update(Clinic).values(name="Renamed by statement"))
        db.session.commit()
        return "done"

    app.add_url_rule("/flush", view_func=by_flush, methods=["GET", "POST"])
    app.add_url_rule("/statement", view_func=by_statement, methods=["GET", "POST"])
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def _clinic_name() -> str:
    db.session.rollback()
    return db.session.execute(select(Clinic.name)).scalar_one()


@pytest.mark.parametrize("how", ["flush", "statement"])
def test_a_get_that_writes_is_refused_and_changes_nothing(app, database_url, make_clinic, how):
    make_clinic("Harbour Clinic")
    with careless_app(database_url) as careless:
        with pytest.raises(ReadOnlyRequestError, match=f"GET /{how} tried to write"):
            careless.test_client().get(f"/{how}")
        assert _clinic_name() == "Harbour Clinic"
        assert careless.test_client().post(f"/{how}").status_code == 200
    assert _clinic_name() == f"Renamed by {how}"


def test_the_connection_a_page_read_with_writes_in_a_transaction_again(database_url, team) -> None:
    """With one connection in the pool, the POST gets the one the GET read with: it must have
    gone back to the pool out of autocommit mode."""
    url = f"/my/tasks/{task_of(team['onboarding'], 'ipac.hand_hygiene').id}/done"
    one = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}}
    with careless_app(database_url, **one) as single:
        client = single.test_client()
        Auth(client).login_as(team["hire"])
        with single.app_context():
            engine = db.engine
        with statements_run(engine) as read:
            assert client.get("/my/").status_code == 200
        with statements_run(engine) as written:
            assert client.post(url).status_code == 302
    assert not any(s.in_transaction for s in read), read
    assert {s.connection for s in read} == {s.connection for s in written}
    writes = [s for s in written if _is_write(s)]
    assert writes and all(s.in_transaction and not s.autocommit for s in writes), written


def test_what_follows_a_page_in_the_same_app_context_runs_in_a_transaction(
    client, auth: Auth, team
) -> None:
    """A test keeps its app context (and session) around the client's requests; after a GET,
    its next write must still be one it can roll back."""
    auth.login_as(team["hire"])
    assert client.get("/my/").status_code == 200
    accounts.create_clinic(accounts.ClinicDetails("Never kept", "ON", "walk_in", None, ()))
    db.session.flush()
    db.session.rollback()
    kept = select(func.count()).select_from(Clinic).where(Clinic.name == "Never kept")
    assert db.session.scalar(kept) == 0
