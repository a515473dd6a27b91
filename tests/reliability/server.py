"""Real server processes for the reliability checks.

Each test gets a database of its own (a SQLite file, or with TEST_DATABASE_URL on PostgreSQL a
database created beside the suite's and dropped afterwards), migrated by ``clinic-onboard db
upgrade`` exactly as in production, and served by gunicorn or ``clinic-onboard run`` on a free
port of 127.0.0.1. Servers run in their own process group so workers die with them.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.live_server import HOST, cli_path, server_environment
from tests.reliability.client import Browser

START_TIMEOUT = 60.0  # seconds: a cold start imports Flask and loads the whole content library
STOP_TIMEOUT = 30.0
# The checks hammer one account far harder than a person could; the limits are tested elsewhere.
NO_LIMIT = "1000000 per minute"


@dataclass(frozen=True)
class ServerDatabase:
    url: str
    env: dict[str, str]  # the environment a server on this database runs with
    folder: Path


def reliability_environment(database_url: str, folder: Path) -> dict[str, str]:
    """A server environment for these checks: limits out of the way (tested elsewhere)."""
    return server_environment(
        database_url,
        folder / "uploads",
        SECRET_KEY="reliability-secret-key",
        PASSWORD_RATE_LIMIT=NO_LIMIT,
        ADDRESS_RATE_LIMIT=NO_LIMIT,
    )


def run_cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``clinic-onboard ARGS`` in a subprocess, its output captured as text."""
    command = [str(cli_path()), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


@cache
def _gunicorn_has_control_socket() -> bool:
    """gunicorn 25+ opens a control socket at one fixed path per user unless told not to."""
    help_text = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    return "--no-control-socket" in help_text


def gunicorn_command(port: int, workers: int = 2, threads: int = 1) -> list[str]:
    """The production command from the README, on ``port``."""
    command = [sys.executable, "-m", "gunicorn", "--preload", "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--timeout", "60"]
    if _gunicorn_has_control_socket():
        command.append("--no-control-socket")
    return [*command, "clinic_onboard.wsgi:app"]


def flask_run_command(port: int) -> list[str]:
    """The development server (threaded, one process), as ``make run`` starts it."""
    return [str(cli_path()), "run", "--host", HOST, "--port", str(port)]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def crash(self) -> None:
        """SIGKILL the whole process group at once: no shutdown code runs anywhere."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """Stop gracefully (in-flight requests finish), or kill after STOP_TIMEOUT."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.crash()
        self._signal(signal.SIGKILL)  # orphaned workers, if any

    def _signal(self, number: int) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)


def start_server(command: list[str], port: int, env: dict[str, str], log_path: Path) -> Server:
    """Start ``command`` and wait until /healthz answers; the caller must ``stop`` it."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://{HOST}:{port}", process, log_path)
    try:
        _wait_until_answers(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_answers(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"The server exited ({server.process.returncode}):\n{server.log()}")
        try:
            if Browser(server.url, timeout=2).get("/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The server did not answer on {server.url}:\n{server.log()}")
