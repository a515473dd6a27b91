"""The Alembic migrations build exactly the models' schema, and walk down and up cleanly.

Runs on SQLite always, and on PostgreSQL when TEST_DATABASE_URL points at one (in a schema of
its own, so it never touches the tables the other tests use).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from clinic_onboard.app import create_app
from clinic_onboard.extensions import db
from tests.conftest import config_for_tests, shared_database_url

SCHEMA = "migration_check"


def _postgres_url() -> str | None:
    url = shared_database_url() or ""
    return url if url and make_url(url).get_backend_name() == "postgresql" else None


@pytest.fixture(params=["sqlite", "postgresql"])
def migration_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "sqlite":
        config = config_for_tests(f"sqlite:///{tmp_path / 'migrations.db'}")
    else:
        url = _postgres_url()
        if url is None:
            pytest.skip("PostgreSQL migrations run when TEST_DATABASE_URL=postgresql+psycopg://...")
        _fresh_schema(url)
        options = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}}
        config = config_for_tests(url, SQLALCHEMY_ENGINE_OPTIONS=options)
    app = create_app(config)
    with app.app_context():
        yield app
        db.engine.dispose()


def _fresh_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


def _differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_the_models(migration_app: Flask) -> None:
    upgrade()
    assert _tables() == set(db.metadata.tables)
    assert _differences() == []


def test_upgrade_downgrade_upgrade(migration_app: Flask) -> None:
    upgrade()
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()
    assert _differences() == []


def test_clinics_from_before_sign_up_confirmation_count_as_confirmed(migration_app: Flask) -> None:
    """They were set up before sign-up needed a confirmation: they keep inviting."""
    upgrade(revision="7b2c9d4e1a60")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO clinics (name, province, setting, options, require_two_factor, "
                "language, created_at) VALUES ('Old Clinic', 'ON', 'walk_in', '[]', false, 'en', "
                "'2026-01-05 10:00:00')"
            )
        )
    upgrade()
    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT created_at, confirmed_at FROM clinics")).one()
    assert row.confirmed_at is not None and row.confirmed_at == row.created_at


def test_existing_accounts_are_credited_to_the_clinic_of_their_first_membership(
    migration_app: Flask,
) -> None:
    """Set-password links stay possible for the clinic that made an account before the
    ``created_by_clinic_id`` column existed, and for no other."""
    upgrade(revision="7b2c9d4e1a60")
    rows = [
        "INSERT INTO clinics (id, name, province, setting, options, require_two_factor, "
        "language, created_at) VALUES (1, 'A', 'ON', 'family_medicine', '[]', false, 'en', "
        "'2026-11-01'), (2, 'B', 'ON', 'family_medicine', '[]', false, 'en', '2026-11-01')",
        "INSERT INTO users (id, email, display_name, active, session_token, created_at) "
        "VALUES (1, 'a@x.ca', 'A', true, 't1', '2026-11-01'), "
        "(2, 'b@x.ca', 'B', true, 't2', '2026-11-01')",
        "INSERT INTO memberships (id, user_id, clinic_id, role, created_at) VALUES "
        "(1, 1, 2, 'staff', '2026-11-01'), (2, 1, 1, 'staff', '2026-11-02')",
    ]
    with db.engine.begin() as connection:
        for statement in rows:
            connection.execute(text(statement))
    upgrade()
    with db.engine.connect() as connection:
        found = connection.execute(text("SELECT id, created_by_clinic_id FROM users ORDER BY id"))
        assert found.all() == [(1, 2), (2, None)]
