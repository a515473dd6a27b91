"""Engine tuning, and the check a server makes before it serves: the database answers and is
fully migrated.

SQLite gets foreign keys, WAL and a busy timeout. A database server can restart while
connections wait in the pool, so one that sat idle is pinged before use and replaced if dead.
One used moments ago is taken as alive, as HikariCP does by default: pinging on every checkout
(SQLAlchemy's ``pool_pre_ping``) cost a round trip per request and a tenth of a cached page's
CPU time (bench/README.md). The price is that a server restarting under steady load fails the
requests that were using it, as it would anyway, and the few that reuse a connection within
the window; SQLAlchemy then replaces every older connection in the pool.
"""

import sqlite3
import time
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from clinic_onboard.config import ConfigError
from clinic_onboard.extensions import db
from clinic_onboard.paths import migrations_dir

UPGRADE = "run `clinic-onboard db upgrade` first"
# A pooled connection used this recently is taken as alive (HikariCP's aliveBypassWindowMs).
PING_AFTER_IDLE_SECONDS = 0.5
# In a pool entry's info: when its connection last went back to the pool (time.monotonic()).
RETURNED_AT = "clinic_onboard.returned_at"


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "savepoint", _begin_before_savepoint)
    else:
        _ping_after_idle(engine)


def _tune_sqlite(connection: Any, _record: Any) -> None:
    """Without these SQLite ignores foreign keys and fails at once when another writer holds it."""
    if not isinstance(connection, sqlite3.Connection):
        return
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_before_savepoint(connection: Connection, _name: str) -> None:
    """Open SQLite's transaction before a savepoint that would otherwise be the first statement.

    pysqlite starts a transaction only before a data-changing statement, so a SAVEPOINT coming
    first opens a transaction of its own, and its RELEASE commits for good: an event appended
    as the first write of a request (operations/record.py) would survive the request's rollback.
    """
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def _ping_after_idle(engine: Engine) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def note_return(_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(connection: Any, entry: ConnectionPoolEntry, _proxy: Any) -> None:
        returned = entry.info.get(RETURNED_AT)
        if returned is not None and time.monotonic() - returned > PING_AFTER_IDLE_SECONDS:
            _ping(dialect, connection)


def _ping(dialect: Dialect, connection: Any) -> None:
    """A dead connection raises DisconnectionError: the pool drops it and connects afresh."""
    try:
        dialect.do_ping(connection)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, connection, None):
            raise DisconnectionError(_reason(error)) from error
        raise


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


def _reason(error: Exception) -> str:
    """The driver's own words, first line only: enough to act on, without a traceback."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__
