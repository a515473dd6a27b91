"""Configuration: safe defaults, then the environment, then explicit overrides.

Production refuses to start without the settings that must never default (fail fast, naming
the missing setting), while development generates what it can so ``make run`` needs nothing.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from clinic_onboard.paths import checklists_dir

ENVIRONMENTS = ("development", "production")
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names it and says how to fix it."""


def build_config(instance_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the full settings for one app, checked before anything is initialised."""
    environment = os.environ.get("CLINIC_ONBOARD_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"CLINIC_ONBOARD_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}."
        )
    config = _defaults(environment)
    config.update(_from_environment(environment))
    config.update(overrides or {})
    _fill_development_gaps(config, instance_path)
    _check(config)
    return config


def _defaults(environment: str) -> dict[str, Any]:
    production = environment == "production"
    return {
        "ENVIRONMENT": environment,
        "CHECKLISTS_DIR": str(checklists_dir()),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute",
        # argon2id parameters: the library's defaults (RFC 9106 low-memory profile).
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
    }


def _from_environment(environment: str) -> dict[str, Any]:
    """Read the documented environment variables; unset ones are simply absent."""
    found: dict[str, Any] = {}
    if url := os.environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = url
    if key := os.environ.get("SECRET_KEY"):
        found["SECRET_KEY"] = key
    if storage := os.environ.get("RATELIMIT_STORAGE_URI"):
        found["RATELIMIT_STORAGE_URI"] = storage
    return found


def _fill_development_gaps(config: dict[str, Any], instance_path: Path) -> None:
    """Give development a SQLite file and a kept secret key so a fresh clone just runs."""
    if config["ENVIRONMENT"] == "production":
        return
    if "SQLALCHEMY_DATABASE_URI" not in config:
        instance_path.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'clinic_onboard.db'}"
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _instance_secret(instance_path)


def _instance_secret(instance_path: Path) -> str:
    """Generate the key once and keep it, so sessions survive a restart."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _check(config: Mapping[str, Any]) -> None:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not _has(config, name)]
    if missing:
        names = " and ".join(missing)
        raise ConfigError(
            f"{names} must be set in the environment when CLINIC_ONBOARD_ENV=production."
        )
    if not Path(config["CHECKLISTS_DIR"]).is_dir():
        raise ConfigError(f"CHECKLISTS_DIR {config['CHECKLISTS_DIR']!r} is not a folder.")


def _has(config: Mapping[str, Any], name: str) -> bool:
    key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
    return bool(config.get(key))
