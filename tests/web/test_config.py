"""Configuration: defaults for development, and errors that name the missing setting."""

from pathlib import Path

import pytest

from clinic_onboard.config import ConfigError, build_config
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


def test_development_anchors_into_the_instance_folder(tmp_path: Path) -> None:
    assert build_config(tmp_path)["RECORD_ANCHOR_LOG"] == str(tmp_path / "record_anchors.log")


def test_an_anchor_log_in_a_missing_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECORD_ANCHOR_LOG", str(tmp_path / "gone" / "anchors.log"))
    with pytest.raises(ConfigError, match=r"^RECORD_ANCHOR_LOG .*: the folder .* does not exist"):
        build_config(tmp_path)
