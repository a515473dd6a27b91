"""A server that cannot work stops at start with one clear message and a non-zero exit, never a
traceback: a malformed content library, a SQLite file it cannot create or open, a bad or
unreachable DATABASE_URL, a database that is not migrated. ``clinic-onboard db upgrade`` still
builds an empty database, after which the server starts.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from clinic_onboard.config import ConfigError, build_config
from clinic_onboard.paths import checklists_dir
from tests.live_server import free_port
from tests.reliability.server import (
    ServerDatabase,
    flask_run_command,
    gunicorn_command,
    reliability_environment,
    run_cli,
    start_server,
)

START_TIMEOUT = 60  # seconds: a server that starts instead of stopping fails here


def malformed_library(folder: Path) -> tuple[Path, str]:
    """A copy of the library whose first IPAC item has a kind that does not exist (edited as
    text: the library's YAML reads ``ON`` as Ontario, where a YAML 1.1 round trip would not)."""
    root = folder / "checklists"
    shutil.copytree(checklists_dir(), root)
    path = root / "modules" / "ipac.yaml"
    text = path.read_text(encoding="utf-8")
    item = re.search(r"^  - id: (\S+)$", text, re.M)
    kind = re.compile(r"^    kind: \w+$", re.M)
    assert item and kind.search(text, item.end()), "the IPAC module changed shape"
    path.write_text(kind.sub("    kind: juggling", text, count=1), encoding="utf-8")
    return root, item.group(1)


def unparsable_library(folder: Path) -> Path:
    root = folder / "checklists"
    shutil.copytree(checklists_dir(), root)
    with (root / "modules" / "bls.yaml").open("a", encoding="utf-8") as module:
        module.write("\n  - id: [never closed\n")
    return root


def start(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a server command that must stop by itself; its output is merged, as a log shows it."""
    return subprocess.run(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=START_TIMEOUT,
    )


def refused(result: subprocess.CompletedProcess) -> str:
    """The output of a start that failed cleanly: non-zero, no traceback, ``Error:`` said once."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    return result.stdout


def run_refuses(env: dict[str, str]) -> str:
    """``clinic-onboard run`` exits 1 printing only ``Error: <one message>``."""
    result = start(flask_run_command(free_port()), env)
    output = refused(result)
    assert result.returncode == 1 and output.startswith("Error: "), output
    assert output.count("Error:") == 1
    return output


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A server environment whose database is a SQLite file not yet created."""
    return reliability_environment(f"sqlite:///{tmp_path / 'app.db'}", tmp_path)


def test_a_malformed_item_names_its_file_item_and_field(env, tmp_path: Path) -> None:
    root, item = malformed_library(tmp_path)
    output = run_refuses({**env, "CHECKLISTS_DIR": str(root)})
    assert output.splitlines()[0] == "Error: The content library has 1 problem:"
    assert f"modules/ipac.yaml: {item}: kind: 'juggling'" in output


def test_a_yaml_syntax_error_names_its_file(env, tmp_path: Path) -> None:
    output = run_refuses({**env, "CHECKLISTS_DIR": str(unparsable_library(tmp_path))})
    assert "modules/bls.yaml" in output


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    ("make_url", "says"),
    [
        (lambda tmp: sqlite_url(tmp / "missing" / "app.db"), "which does not exist"),
        (lambda tmp: sqlite_url(_garbage(tmp / "garbage.db")), "file is not a database"),
        (lambda tmp: sqlite_url(tmp / "new.db"), "is not set up (no migration recorded)"),
        (
            lambda tmp: "postgresql+psycopg://nobody:secret@127.0.0.1:1/x",
            "Cannot use the database postgresql+psycopg://nobody:***@127.0.0.1:1/x",
        ),
    ],
    ids=["missing folder", "not sqlite", "not migrated", "unreachable"],
)
def test_a_bad_database_stops_run_with_one_line(env, tmp_path: Path, make_url, says: str) -> None:
    output = run_refuses({**env, "DATABASE_URL": make_url(tmp_path)})
    assert says in output
    assert len(output.strip().splitlines()) == 1
    assert "secret" not in output  # the password is never shown


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("notadb://x", "DATABASE_URL 'notadb://x' is not a database this app supports"),
        ("just some words", "DATABASE_URL 'just some words' is not a database URL"),
        ("postgresql+pg8000://u:secret@db/x", "needs a database driver that is not installed"),
        ("sqlite:///{tmp}/a-file/app.db", "which is a file, not a folder"),
    ],
)
def test_a_database_url_that_cannot_work_is_refused_before_connecting(
    tmp_path: Path, url: str, says: str
) -> None:
    """The same ConfigError that ``run`` prints above, raised by the configuration itself."""
    _file(tmp_path / "a-file")
    with pytest.raises(ConfigError) as refusal:
        build_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": url.format(tmp=tmp_path)})
    assert says in str(refusal.value) and "secret" not in str(refusal.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_a_read_only_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    with pytest.raises(ConfigError, match="where this user cannot write"):
        build_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": sqlite_url(folder / "app.db")})


def _file(path: Path) -> Path:
    path.write_text("not a folder")
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(b"this is not a SQLite database, only a file that says so. " * 100)
    return path


@pytest.mark.parametrize("problem", ["library", "database"])
def test_gunicorn_stops_with_the_message_instead_of_respawning(
    env, tmp_path: Path, problem: str
) -> None:
    if problem == "library":
        root, item = malformed_library(tmp_path)
        env, says = {**env, "CHECKLISTS_DIR": str(root)}, f"{item}: kind: 'juggling'"
    else:
        says = "is not set up (no migration recorded)"
    output = refused(start(gunicorn_command(free_port(), workers=2), env))
    assert output.startswith("clinic-onboard cannot start: ") and says in output
    assert output.count("cannot start") == 1  # once, by the master: no worker was started


def test_upgrade_builds_an_empty_database_then_run_serves(server_database: ServerDatabase) -> None:
    """The ``server_database`` fixture ran ``db upgrade`` on a new database: run now starts."""
    port = free_port()
    server = start_server(
        flask_run_command(port), port, server_database.env, server_database.folder / "run.log"
    )
    server.stop()
    assert run_cli(server_database.env, "verify-signoffs").returncode == 0
