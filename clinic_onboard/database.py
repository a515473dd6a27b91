"""Engine tuning (SQLite gets foreign keys, WAL and a busy timeout; PostgreSQL needs nothing),
and the check a server makes before it serves: the database answers and is fully migrated."""

import sqlite3
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from clinic_onboard.config import ConfigError
from clinic_onboard.extensions import db
from clinic_onboard.paths import migrations_dir

UPGRADE = "run `clinic-onboard db upgrade` first"


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)


def _tune_sqlite(connection: Any, _record: Any) -> None:
    """Without these SQLite ignores foreign keys and fails at once when another writer holds it."""
    if not isinstance(connection, sqlite3.Connection):
        return
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def check_ready(app: Flask) -> None:
    """Raise ConfigError unless the database answers and its schema is the code's: a server
    that started anyway would fail on every request instead of once, clearly, at start."""
    with app.app_context():
        shown = db.engine.url.render_as_string(hide_password=True)
        try:
            with db.engine.connect() as connection:
                current = set(MigrationContext.configure(connection).get_current_heads())
        except SQLAlchemyError as error:
            raise ConfigError(f"Cannot use the database {shown}: {_reason(error)}") from None
    wanted = set(ScriptDirectory(str(migrations_dir())).get_heads())
    if not current:
        raise ConfigError(f"The database {shown} is not set up (no migration recorded); {UPGRADE}.")
    if current != wanted:
        found, needed = ", ".join(sorted(current)), ", ".join(sorted(wanted))
        raise ConfigError(
            f"The database {shown} is at revision {found} but this version of the app needs "
            f"{needed}; {UPGRADE} (or run the version of the app that migrated it)."
        )


def _reason(error: SQLAlchemyError) -> str:
    """The driver's own words, first line only: enough to act on, without a traceback."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__
