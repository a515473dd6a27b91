"""The app under test as a real server: its own database, migrated with ``clinic-onboard db
upgrade``, served by ``clinic-onboard run`` on a free port of 127.0.0.1 and stopped at the end.

Nothing is switched off for the browser: CSRF, rate limits, the password hash cost and the
security headers are those of a real deployment.
"""

import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live_server import HOST, cli_path, free_port, server_environment

START_TIMEOUT = 60.0  # seconds: a cold start imports Flask and loads the whole content library


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    secret_key: str
    upload_folder: Path


@contextmanager
def running_server(database_url: str, folder: Path) -> Iterator[LiveServer]:
    """Migrate, start, wait until it answers, and always stop the server afterwards."""
    secret_key, uploads = secrets.token_urlsafe(32), folder / "uploads"
    env = server_environment(database_url, uploads, SECRET_KEY=secret_key)
    migrate = [str(cli_path()), "db", "upgrade"]
    done = subprocess.run(migrate, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"clinic-onboard db upgrade failed:\n{done.stdout}{done.stderr}")
    port, log_path = free_port(), folder / "server.log"
    command = [str(cli_path()), "run", "--host", HOST, "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://{HOST}:{port}"
            _wait_until_answers(url, process, log_path)
            yield LiveServer(url, database_url, secret_key, uploads)
        finally:
            _stop(process)


def _wait_until_answers(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"The server did not answer on {url}:\n{log_path.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
