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
from sqlalchemy import event, func, select

from clinic_onboard.app import create_app
from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic
from clinic_onboard.operations import accounts
from clinic_onboard.web.read_only import ReadOnlyRequestError
from tests.conftest import Auth, config_for_tests
from tests.web.onboarding_factory import make_team, task_of


@dataclass(frozen=True)
class Statement:
    sql: str
    autocommit: bool  # SQLAlchemy ran it with isolation_level="AUTOCOMMIT"
    in_transaction: bool  # the driver had a transaction open once it ran


@contextmanager
def statements_run() -> Iterator[list[Statement]]:
    seen: list[Statement] = []

    def record(conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        level = conn.get_execution_options().get("isolation_level")
        driver = conn.connection.dbapi_connection
        seen.append(Statement(sql, level == "AUTOCOMMIT", _driver_in_transaction(driver)))

    event.listen(db.engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "after_cursor_execute", record)


def _driver_in_transaction(driver: Any) -> bool:
    if isinstance(driver, sqlite3.Connection):
        return driver.in_transaction
    from psycopg.pq import TransactionStatus

    return driver.info.transaction_status != TransactionStatus.IDLE


@pytest.fixture
def team(make_member, make_clinic):
    return make_team(make_member, make_clinic)()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("hire", "/my/"),
        ("manager", "/dashboard/"),
        ("manager", "/staff/{onboarding}"),
        ("supervisor", "/signoffs/"),
        ("manager", "/exports/onboardings/{onboarding}/record.pdf"),
    ],
)
def test_a_page_reads_outside_a_transaction(client, auth: Auth, team, who, path) -> None:
    auth.login_as(team[who])
    url = path.format(onboarding=team["onboarding"].id)
    with statements_run() as statements:
        response = client.get(url)
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
    writes = [s for s in statements if s.sql.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes, "ticking an item off wrote nothing"
    assert not any(s.autocommit for s in statements), statements
    assert all(s.in_transaction for s in writes), writes


def _app_with_a_careless_route(database_url: str) -> Flask:
    """A route that renames the clinic whatever the method: a GET that writes is a bug that
    must fail, and it must not half-happen."""
    app = create_app(config_for_tests(database_url))

    def rename() -> str:
        db.session.execute(select(Clinic)).scalar_one().name = "Renamed"
        db.session.commit()
        return "done"

    app.add_url_rule("/rename", view_func=rename, methods=["GET", "POST"])
    return app


def test_a_get_that_writes_is_refused_and_changes_nothing(app, database_url, make_clinic):
    make_clinic("Harbour Clinic")
    careless = _app_with_a_careless_route(database_url)
    with pytest.raises(ReadOnlyRequestError, match="GET /rename tried to write"):
        careless.test_client().get("/rename")
    db.session.rollback()
    assert db.session.execute(select(Clinic.name)).scalar_one() == "Harbour Clinic"
    assert careless.test_client().post("/rename").status_code == 200
    db.session.rollback()
    assert db.session.execute(select(Clinic.name)).scalar_one() == "Renamed"
    with careless.app_context():
        db.engine.dispose()


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
