"""What every test that runs the app as a real process needs: a database of its own, the
``clinic-onboard`` script, a free port and a clean environment.

The suite's own database is emptied after every web test, so a server process (or a restore
target) never shares it: it gets a SQLite file, or, with TEST_DATABASE_URL on PostgreSQL, a
database created beside the suite's and dropped afterwards.
"""

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from clinic_onboard.config import ENVIRONMENT_SETTINGS
from tests.conftest import TEST_RECORD_KEYS, shared_database_url

HOST = "127.0.0.1"


@contextmanager
def separate_database(folder: Path, purpose: str) -> Iterator[str]:
    """The URL of an empty database for ``purpose``, removed when the block ends."""
    shared = shared_database_url()
    if not shared or make_url(shared).get_backend_name() != "postgresql":
        yield f"sqlite:///{folder / f'{purpose}.db'}"
        return
    base = make_url(shared)
    name = f"{base.database}_{purpose}_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cli_path() -> Path:
    """The ``clinic-onboard`` script installed beside the interpreter running the tests."""
    return Path(sys.executable).with_name("clinic-onboard")


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, uploads: Path, **settings: str) -> dict[str, str]:
    """The caller's environment without any of the app's settings (so no mail), plus this
    server's database, upload folder, anchor log beside it (not the shared instance folder's,
    whose anchors would accuse this server's fresh database), the tests' record key (so the
    tests can check what the server signed) and ``settings``."""
    names = {*ENVIRONMENT_SETTINGS, "CLINIC_ONBOARD_ENV", "CHECKLISTS_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("FLASK_")}
    env.update(
        CLINIC_ONBOARD_ENV="development",
        DATABASE_URL=database_url,
        UPLOAD_FOLDER=str(uploads),
        RECORD_ANCHOR_LOG=str(uploads.parent / "record_anchors.log"),
        RECORD_KEYS=TEST_RECORD_KEYS,
        **settings,
    )
    return env
