"""Fixtures for the reliability checks: a migrated database of the test's own, and real server
processes on it that are always stopped at the end (see ``server.py``)."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.live_server import free_port, separate_database
from tests.reliability.server import (
    Server,
    ServerDatabase,
    flask_run_command,
    gunicorn_command,
    reliability_environment,
    run_cli,
    start_server,
)


@pytest.fixture
def server_database(tmp_path: Path) -> Iterator[ServerDatabase]:
    """A database built by ``clinic-onboard db upgrade``, as production builds it."""
    with separate_database(tmp_path, "reliability") as url:
        env = reliability_environment(url, tmp_path)
        upgrade = run_cli(env, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr
        yield ServerDatabase(url, env, tmp_path)


@pytest.fixture
def launch(server_database: ServerDatabase) -> Iterator[Callable[..., Server]]:
    """``launch("gunicorn", workers=2, threads=10)`` or ``launch("run")``: a server on the
    test's database, answering on a free port; every server started is stopped at the end."""
    started: list[Server] = []

    def start(kind: str = "gunicorn", **options: int) -> Server:
        port = free_port()
        command = (
            gunicorn_command(port, **options) if kind == "gunicorn" else flask_run_command(port)
        )
        log_path = server_database.folder / f"server-{len(started)}.log"
        server = start_server(command, port, server_database.env, log_path)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
