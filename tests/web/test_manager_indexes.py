"""The manager's pages read PostgreSQL's partial indexes, not every task or event of the clinic.

A page's condition must imply an index's for PostgreSQL to use it: a coalesce around the kept
state, or a card query not narrowed to the clinic, silently turns the read back into a scan of
every row (46,620 tasks at 400 hires, bench/clinic_size.py). Each page's statements are
planned with sequential scans discouraged, so the plan names an index whenever one can serve.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from clinic_onboard.extensions import db
from tests.conftest import Auth
from tests.web.test_hire_summaries import clinic_of_states  # noqa: F401 (a fixture)


@contextmanager
def _statements(app: Flask) -> Iterator[list[tuple[str, object]]]:
    seen: list[tuple[str, object]] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", note)


def _plans(statements: list[tuple[str, object]]) -> str:
    """Every SELECT's plan, sequential scans discouraged (any usable index is taken)."""
    plans = []
    with db.engine.connect() as connection:
        cursor = connection.connection.cursor()
        cursor.execute("SET enable_seqscan = off")
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                cursor.execute(f"EXPLAIN {statement}", parameters)
                plans += [row[0] for row in cursor.fetchall()]
    return "\n".join(plans)


@pytest.mark.parametrize(
    ("path", "indexes"),
    [
        ("/signoffs/", ["ix_onboarding_tasks_awaiting"]),
        (
            "/dashboard/",
            [
                "ix_onboarding_tasks_awaiting",
                "ix_onboarding_tasks_to_act",
                "ix_onboarding_events_credentials",
            ],
        ),
    ],
)
def test_the_pages_read_through_their_partial_indexes(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    clinic_of_states,  # noqa: F811
    path: str,
    indexes: list[str],
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner: run with TEST_DATABASE_URL=postgresql+psycopg://...")
    auth.login_as(clinic_of_states[1])
    with _statements(app) as statements:
        assert client.get(path).status_code == 200
    plans = _plans(statements)
    for index in indexes:
        assert index in plans, index
