"""Safe requests (GET, HEAD, OPTIONS) read outside a transaction, and may not write.

On PostgreSQL a transaction costs two round trips of its own, psycopg's ``BEGIN`` before the
first statement and the pool's ``ROLLBACK`` when the connection goes back, as many as a cached
page's two queries, plus the server's work for both. Reading outside one changes nothing the
reader can see: under PostgreSQL's default READ COMMITTED every statement takes its own snapshot
inside a transaction too, and SQLite's driver never began a transaction for a SELECT.

Writes belong to POST handlers, behind CSRF protection and in a transaction. A safe request that
writes is a bug (it would also be a write an attacker's page could trigger), so a flush with
changes, or an INSERT, UPDATE or DELETE statement run through the session, fails loudly instead
of committing statement by statement. (SQL text run as such is not inspected.)
"""

from typing import Any

from flask import Flask, current_app, g, request
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# In app.extensions: the app's engine in autocommit mode; in g: that engine, while a safe
# request is served outside a transaction.
READ_ONLY_ENGINE = "clinic_onboard.read_only_engine"


class ReadOnlyRequestError(RuntimeError):
    """A GET, HEAD or OPTIONS request tried to write to the database."""


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, bound to the autocommit engine while a safe request runs."""

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is None:
            read_only = g.get(READ_ONLY_ENGINE)
            if read_only is not None:
                return read_only
        return super().get_bind(mapper, clause, bind, **kwargs)


def init_app(app: Flask) -> None:
    """Register before any other request hook, so no statement of the request runs first."""
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    app.extensions[READ_ONLY_ENGINE] = _reading_engine(engine)
    app.before_request(_read_outside_transaction)
    app.teardown_request(_end_reading)


def _reading_engine(engine: Engine) -> Engine:
    """SQLite's driver begins a transaction only before a write, so its reads already run
    outside one; switching its connections to autocommit and back would cost a PRAGMA on every
    request (measured: twice the time of taking a connection from the pool) and save nothing."""
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _read_outside_transaction() -> None:
    if request.method in SAFE_METHODS:
        setattr(g, READ_ONLY_ENGINE, current_app.extensions[READ_ONLY_ENGINE])


def _end_reading(_error: BaseException | None) -> None:
    """A test's app context outlives its requests: what it writes next goes to the default
    engine again, in a transaction (the session hands the connections back when it ends)."""
    g.pop(READ_ONLY_ENGINE, None)


@event.listens_for(Session, "before_flush")
def _refuse_flushes(session: Session, _context: Any, _instances: Any) -> None:
    if g.get(READ_ONLY_ENGINE) is None:
        return
    if session.new or session.deleted or any(map(session.is_modified, session.dirty)):
        raise _refusal()


@event.listens_for(Session, "do_orm_execute")
def _refuse_write_statements(state: ORMExecuteState) -> None:
    """``session.execute(update(...))`` and the like never flush: they are checked here."""
    if g.get(READ_ONLY_ENGINE) is None:
        return
    if state.is_insert or state.is_update or state.is_delete:
        raise _refusal()


def _refusal() -> ReadOnlyRequestError:
    return ReadOnlyRequestError(
        f"{request.method} {request.path} tried to write to the database; "
        "changes belong in a POST handler (CSRF-protected, in a transaction)"
    )
