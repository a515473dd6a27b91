"""What the benchmarks that run the app share: its settings, databases and a query counter."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from clinic_onboard.app import create_app
from clinic_onboard.extensions import db

# Every seeded account signs in with this password (the data is synthetic and thrown away).
PASSWORD = "bench password, not secret"
SECRET_KEY = "bench-secret-key-for-a-throwaway-database"


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Settings for a benchmark app: CSRF and rate limits off so the test client can POST
    freely (neither costs anything measurable), cheap argon2 for the seeded passwords."""
    return {
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 64,
        **overrides,
    }


def make_app(database_url: str, **overrides: Any) -> Flask:
    return create_app(app_config(database_url, **overrides))


def sqlite_url(folder: Path, name: str) -> str:
    return f"sqlite:///{folder / f'{name}.db'}"


def derived_database(base_url: str, name: str) -> str:
    """A PostgreSQL database beside ``base_url``'s, named ``<its name>_<name>``, created empty
    when missing: the small and the large datasets must both exist to be measured side by side.
    """
    url = make_url(base_url)
    wanted = f"{url.database}_{name}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": wanted}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{wanted}"'))
    engine.dispose()
    return url.set(database=wanted).render_as_string(hide_password=False)


@contextmanager
def counting_queries(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement ``app``'s engine runs inside the block."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
