"""Configuration: defaults for development, and errors that name the missing setting."""

from pathlib import Path

import pytest

from clinic_onboard.config import ConfigError, build_config


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CLINIC_ONBOARD_ENV",
        "DATABASE_URL",
        "SECRET_KEY",
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
        ({}, "SECRET_KEY and DATABASE_URL"),
        ({"DATABASE_URL": "sqlite://"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x"}, "DATABASE_URL"),
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
