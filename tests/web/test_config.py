"""Configuration: defaults for development, and errors that name the missing setting."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from clinic_onboard.cli.main import cli
from clinic_onboard.config import ConfigError, build_config
from clinic_onboard.record.keys import parse_keys
from tests.conftest import TEST_RECORD_KEYS as KEYS

LOG = "record_anchors.log"  # in the working folder, which exists


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CLINIC_ONBOARD_ENV",
        "DATABASE_URL",
        "SECRET_KEY",
        "RECORD_KEYS",
        "RECORD_KEY_ID",
        "RECORD_ANCHOR_LOG",
        "CHECKLISTS_DIR",
        "MAIL_SERVER",
        "RATELIMIT_STORAGE_URI",
        "RATELIMIT_SINGLE_PROCESS",
        "TRUSTED_PROXIES",
        "PASSWORD_RATE_LIMIT",
    ):
        monkeypatch.delenv(name, raising=False)


def test_development_defaults_to_a_sqlite_file_and_a_kept_secret(tmp_path: Path) -> None:
    config = build_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'clinic_onboard.db'}"
    assert len(config["SECRET_KEY"]) >= 40
    assert build_config(tmp_path)["SECRET_KEY"] == config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_variables_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/clinic")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    config = build_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/clinic"
    assert config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({}, "SECRET_KEY, DATABASE_URL, RECORD_KEYS and RECORD_ANCHOR_LOG"),
        (
            {"DATABASE_URL": "sqlite://", "RECORD_KEYS": KEYS, "RECORD_ANCHOR_LOG": LOG},
            "SECRET_KEY",
        ),
        ({"SECRET_KEY": "x", "RECORD_KEYS": KEYS, "RECORD_ANCHOR_LOG": LOG}, "DATABASE_URL"),
        ({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "RECORD_ANCHOR_LOG": LOG}, "RECORD_KEYS"),
        (
            {"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "RECORD_KEYS": KEYS},
            "RECORD_ANCHOR_LOG",
        ),
    ],
)
def test_production_names_each_missing_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, present: dict[str, str], missing: str
) -> None:
    monkeypatch.setenv("CLINIC_ONBOARD_ENV", "production")
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"^{missing} must be set in the environment"):
        build_config(tmp_path)


def test_production_cookies_are_secure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_ONBOARD_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("RECORD_KEYS", KEYS)
    monkeypatch.setenv("RECORD_ANCHOR_LOG", str(tmp_path / "anchors.log"))
    config = build_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_environment_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_ONBOARD_ENV", "staging")
    with pytest.raises(ConfigError, match="CLINIC_ONBOARD_ENV must be one of"):
        build_config(tmp_path)


def test_a_missing_checklists_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHECKLISTS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match=r"CHECKLISTS_DIR .*nowhere.* is not a folder"):
        build_config(tmp_path)


def test_numbers_and_switches_are_read_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAIL_SERVER", "smtp.clinic.example.com")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "no")
    config = build_config(tmp_path)
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"]) == (
        "smtp.clinic.example.com",
        2525,
        False,
    )
    monkeypatch.setenv("UPLOAD_MAX_BYTES", "five megabytes")
    with pytest.raises(ConfigError, match=r"^UPLOAD_MAX_BYTES must be a whole number"):
        build_config(tmp_path)


def test_production_refuses_per_process_rate_limit_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-memory counts are per process: two gunicorn workers would each allow every limit."""
    for name, value in {
        "CLINIC_ONBOARD_ENV": "production",
        "DATABASE_URL": "sqlite://",
        "SECRET_KEY": "x",
        "RECORD_KEYS": KEYS,
        "RECORD_ANCHOR_LOG": str(tmp_path / "anchors.log"),
    }.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(
        ConfigError, match=r"^RATELIMIT_STORAGE_URI is memory://.*RATELIMIT_SINGLE_PROCESS=1"
    ):
        build_config(tmp_path)
    monkeypatch.setenv("RATELIMIT_SINGLE_PROCESS", "1")
    assert build_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.delenv("RATELIMIT_SINGLE_PROCESS")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert not build_config(tmp_path)["RATELIMIT_SINGLE_PROCESS"]


def test_rate_limit_settings_are_read_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_config(tmp_path)["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    monkeypatch.setenv("PASSWORD_RATE_LIMIT", "5 per minute")
    config = build_config(tmp_path)
    assert (config["TRUSTED_PROXIES"], config["PASSWORD_RATE_LIMIT"]) == (1, "5 per minute")
    monkeypatch.setenv("PASSWORD_RATE_LIMIT", "five a minute")
    with pytest.raises(ConfigError, match=r"^PASSWORD_RATE_LIMIT 'five a minute' is not a rate"):
        build_config(tmp_path)
    monkeypatch.delenv("PASSWORD_RATE_LIMIT")
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "5 per minute")
    with pytest.raises(ConfigError, match=r"^LOGIN_RATE_LIMIT is no longer read; set PASSWORD_"):
        build_config(tmp_path)


def test_development_keeps_a_generated_record_key(tmp_path: Path) -> None:
    keys = build_config(tmp_path)["RECORD_KEYS"]
    assert keys.startswith("dev1:") and build_config(tmp_path)["RECORD_KEYS"] == keys
    assert (tmp_path / "record_keys").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("keys", "current", "message"),
    [
        ("nocolon", None, "entry 1 must read id:secret"),
        ("a:c2hvcnQ=", None, "key 'a' must decode to at least 32 bytes"),
        (f"{KEYS},{KEYS}", None, "key id 'test1' is listed twice"),
        (KEYS, "gone", "the current key id 'gone' is not among the keys"),
    ],
)
def test_unusable_record_keys_are_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str, current: str | None, message: str
) -> None:
    monkeypatch.setenv("RECORD_KEYS", keys)
    if current:
        monkeypatch.setenv("RECORD_KEY_ID", current)
    with pytest.raises(ConfigError, match=f"^RECORD_KEYS: {message}"):
        build_config(tmp_path)


def test_a_new_record_key_is_printed_before_production_is_set_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The operator makes RECORD_KEYS with the command, so it must run without them."""
    monkeypatch.setenv("CLINIC_ONBOARD_ENV", "production")
    result = CliRunner().invoke(cli, ["new-record-key", "k2026"])
    assert result.exit_code == 0, result.output
    ring = parse_keys(result.output.strip())
    assert ring.current == "k2026"
    assert CliRunner().invoke(cli, ["new-record-key", "bad id"]).exit_code == 2


def test_development_anchors_into_the_instance_folder(tmp_path: Path) -> None:
    assert build_config(tmp_path)["RECORD_ANCHOR_LOG"] == str(tmp_path / "record_anchors.log")


def test_an_anchor_log_in_a_missing_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORD_ANCHOR_LOG", str(tmp_path / "gone" / "anchors.log"))
    with pytest.raises(ConfigError, match=r"^RECORD_ANCHOR_LOG .*: the folder .* does not exist"):
        build_config(tmp_path)


def test_the_limits_on_uploads_pdfs_and_backups_are_read_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPLOAD_QUOTA_BYTES_PER_CLINIC", "1048576")
    monkeypatch.setenv("PDF_RATE_LIMIT", "5 per minute")
    monkeypatch.setenv("PDF_RENDER_CONCURRENCY", "4")
    monkeypatch.setenv("BACKUP_MAX_DOCUMENT_BYTES", "2048")
    config = build_config(tmp_path)
    names = (
        "UPLOAD_QUOTA_BYTES_PER_CLINIC",
        "PDF_RATE_LIMIT",
        "PDF_RENDER_CONCURRENCY",
        "BACKUP_MAX_DOCUMENT_BYTES",
    )
    assert [config[name] for name in names] == [1048576, "5 per minute", 4, 2048]
    monkeypatch.setenv("PDF_RENDER_CONCURRENCY", "0")
    with pytest.raises(ConfigError, match=r"^PDF_RENDER_CONCURRENCY must be 1 or more"):
        build_config(tmp_path)


def test_the_shared_plan_cache_settings_are_read_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert build_config(tmp_path)["PLAN_CACHE_URL"] == ""  # each process keeps its own
    monkeypatch.setenv("PLAN_CACHE_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PLAN_CACHE_SECONDS", "600")
    config = build_config(tmp_path)
    assert (config["PLAN_CACHE_URL"], config["PLAN_CACHE_SECONDS"]) == (
        "redis://127.0.0.1:6379/0",
        600,
    )
    monkeypatch.setenv("PLAN_CACHE_URL", "http://user:secret@cache.example.com")
    with pytest.raises(ConfigError, match=r"^PLAN_CACHE_URL must be a Redis URL") as refused:
        build_config(tmp_path)
    assert "secret" not in str(refused.value)
    monkeypatch.setenv("PLAN_CACHE_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PLAN_CACHE_SECONDS", "0")
    with pytest.raises(ConfigError, match=r"^PLAN_CACHE_SECONDS must be 1 or more"):
        build_config(tmp_path)
