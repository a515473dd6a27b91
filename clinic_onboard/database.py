"""Engine tuning: SQLite gets foreign keys, WAL and a busy timeout; PostgreSQL needs nothing."""

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event

from clinic_onboard.extensions import db


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
