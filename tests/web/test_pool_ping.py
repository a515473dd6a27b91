"""A pooled PostgreSQL connection that sat idle is pinged before use and replaced if its server
end is gone; one used moments ago is taken as alive (db/engine.py says why).

SQLite has no server to lose: these tests run in the PostgreSQL run of the suite (.ci/run).
"""

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from clinic_onboard.app import create_app
from clinic_onboard.db import engine
from clinic_onboard.extensions import db
from tests.conftest import config_for_tests


@pytest.fixture
def one_connection(database_url: str, _schema: None) -> Iterator[Flask]:
    """An app whose pool holds one connection, so each use gets the one the last use returned."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has no server whose connections can die")
    pool = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}}
    app = create_app(config_for_tests(database_url, **pool))
    with app.app_context():
        try:
            yield app
        finally:
            db.engine.dispose()


def _server_process() -> int:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _end_on_server(process: int) -> None:
    """What a server restart or an idle timeout does to a pooled connection."""
    other = create_engine(db.engine.url, poolclass=NullPool)
    try:
        with other.connect() as connection:
            ended = connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": process})
            assert ended.scalar_one()
    finally:
        other.dispose()


def _ended_after_use(monkeypatch: pytest.MonkeyPatch, window: float) -> int:
    """The server process of the pool's connection, ended once it is back in the pool."""
    monkeypatch.setattr(engine, "PING_AFTER_IDLE_SECONDS", window)
    process = _server_process()
    _end_on_server(process)
    return process


def test_a_connection_that_died_while_idle_is_replaced_before_use(
    one_connection: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _ended_after_use(monkeypatch, window=0)
    assert _server_process() != first


def test_a_connection_used_moments_ago_is_not_pinged(
    one_connection: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So the statement meets the dead connection; the pool then replaces it for the next use."""
    first = _ended_after_use(monkeypatch, window=3600)
    with pytest.raises(OperationalError) as failed:
        _server_process()
    assert failed.value.connection_invalidated
    assert _server_process() != first
