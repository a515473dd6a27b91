"""Configuration: safe defaults, then the environment, then explicit overrides.

Production refuses to start without the settings that must never default (fail fast, naming
the missing setting), while development generates what it can so ``make run`` needs nothing.
"""

import importlib.util
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import limits
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from clinic_onboard.paths import checklists_dir
from clinic_onboard.record.keys import KeyRingError, new_key_entry, parse_keys

ENVIRONMENTS = ("development", "production")
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "RECORD_KEYS", "RECORD_ANCHOR_LOG")
DATABASE_HINT = "use sqlite:///path/to/file.db or postgresql+psycopg://user:password@host/dbname"


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
    # Rows pasted into the import form are one form field: Flask refuses a field past this.
    config["MAX_FORM_MEMORY_SIZE"] = max(500_000, config["CSV_IMPORT_MAX_BYTES"])
    _fill_development_gaps(config, instance_path)
    _check(config, instance_path)
    return config


def _defaults(environment: str) -> dict[str, Any]:
    production = environment == "production"
    return {
        "ENVIRONMENT": environment,
        "CHECKLISTS_DIR": str(checklists_dir()),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_SINGLE_PROCESS": False,
        # Keys in a Redis that other applications may share start with it.
        "RATELIMIT_KEY_PREFIX": "clinic-onboard",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed checks only (web/throttle.py): per account, on an unknown device or on each
        # device the account signed in from before.
        "PASSWORD_RATE_LIMIT": "10 per minute;50 per hour",
        # Six-digit codes: a tight limit keeps guessing hopeless (3 valid codes in a million).
        "TWO_FACTOR_RATE_LIMIT": "5 per minute;30 per hour",
        # Failed checks from one address, whatever the account: a whole clinic behind one
        # address never reaches it, one machine trying many accounts does.
        "ADDRESS_RATE_LIMIT": "100 per minute;1000 per hour",
        "SIGNUP_RATE_LIMIT": "10 per hour;50 per day",
        # Proxies in front of the app that append to X-Forwarded-For (0: none, trust no header).
        "TRUSTED_PROXIES": 0,
        # PDFs per person, across every PDF route (web/exports.py), and renders per process.
        "PDF_RATE_LIMIT": "20 per minute;200 per hour",
        "PDF_RENDER_CONCURRENCY": 2,
        # Checks of a record PDF on the public verification page, per address.
        "VERIFY_RATE_LIMIT": "20 per minute;200 per hour",
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_MAX_HOURS": 12,
        "SET_PASSWORD_MAX_AGE": 7 * 24 * 60 * 60,
        # A new sign-up's link to confirm its email, and how often it can be sent again.
        "CONFIRMATION_MAX_AGE": 2 * 24 * 60 * 60,
        "CONFIRMATION_EMAIL_RATE_LIMIT": "3 per hour",
        # Invitations (set-password links) one clinic may issue in any hour and any 24 hours.
        "INVITATIONS_PER_HOUR": 30,
        "INVITATIONS_PER_DAY": 100,
        "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
        # All of one clinic's stored credential copies together.
        "UPLOAD_QUOTA_BYTES_PER_CLINIC": 500 * 1024 * 1024,
        # A CSV of hires (about 20,000 lines); the import runs as a job, off the request.
        "CSV_IMPORT_MAX_BYTES": 5 * 1024 * 1024,
        # Jobs (services/job_queue.py) go to RQ on JOB_QUEUE_URL's Redis when it is set, else
        # to a thread of the serving process. A job that has not moved on for
        # JOB_STALE_SECONDS lost its runner and is failed (operations/jobs.py).
        "JOB_QUEUE_NAME": "clinic-onboard",
        "JOB_STALE_SECONDS": 300,
        # manifest.json, data.json and each file of a backup being imported (read into memory).
        "BACKUP_MAX_DOCUMENT_BYTES": 256 * 1024 * 1024,
        "MAIL_USE_TLS": True,
        # argon2id parameters: the library's defaults (RFC 9106 low-memory profile).
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        # Rendered plans each process keeps (web/render_cache.py); 0 turns its cache off.
        "PLAN_CACHE_BYTES": 16 * 1024 * 1024,
        # A Redis every worker and instance shares rendered plans in (redis://...), behind
        # each process's own; under RATELIMIT_KEY_PREFIX, kept this long after the last fetch.
        "PLAN_CACHE_URL": "",
        "PLAN_CACHE_SECONDS": 8 * 60 * 60,
    }


# Environment variable -> (config key, type). Unset variables are simply absent.
ENVIRONMENT_SETTINGS: dict[str, tuple[str, type]] = {
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    # The record's HMAC keys (record/keys.py): "id:base64,id:base64"; the current one signs.
    "RECORD_KEYS": ("RECORD_KEYS", str),
    "RECORD_KEY_ID": ("RECORD_KEY_ID", str),
    # Where the record's chain heads are anchored (anchor_log.py), apart from the database.
    "RECORD_ANCHOR_LOG": ("RECORD_ANCHOR_LOG", str),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    # Apart from other installs' counts in the same Redis (their user ids start at 1 too).
    "RATELIMIT_KEY_PREFIX": ("RATELIMIT_KEY_PREFIX", str),
    "RATELIMIT_SINGLE_PROCESS": ("RATELIMIT_SINGLE_PROCESS", bool),
    "PASSWORD_RATE_LIMIT": ("PASSWORD_RATE_LIMIT", str),
    "TWO_FACTOR_RATE_LIMIT": ("TWO_FACTOR_RATE_LIMIT", str),
    "ADDRESS_RATE_LIMIT": ("ADDRESS_RATE_LIMIT", str),
    "SIGNUP_RATE_LIMIT": ("SIGNUP_RATE_LIMIT", str),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "PDF_RATE_LIMIT": ("PDF_RATE_LIMIT", str),
    "PDF_RENDER_CONCURRENCY": ("PDF_RENDER_CONCURRENCY", int),
    "VERIFY_RATE_LIMIT": ("VERIFY_RATE_LIMIT", str),
    "SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "SESSION_MAX_HOURS": ("SESSION_MAX_HOURS", int),
    "SET_PASSWORD_MAX_AGE": ("SET_PASSWORD_MAX_AGE", int),
    "CONFIRMATION_MAX_AGE": ("CONFIRMATION_MAX_AGE", int),
    "CONFIRMATION_EMAIL_RATE_LIMIT": ("CONFIRMATION_EMAIL_RATE_LIMIT", str),
    "INVITATIONS_PER_HOUR": ("INVITATIONS_PER_HOUR", int),
    "INVITATIONS_PER_DAY": ("INVITATIONS_PER_DAY", int),
    "UPLOAD_MAX_BYTES": ("UPLOAD_MAX_BYTES", int),
    "UPLOAD_QUOTA_BYTES_PER_CLINIC": ("UPLOAD_QUOTA_BYTES_PER_CLINIC", int),
    "UPLOAD_FOLDER": ("UPLOAD_FOLDER", str),
    "PLAN_CACHE_BYTES": ("PLAN_CACHE_BYTES", int),
    "PLAN_CACHE_URL": ("PLAN_CACHE_URL", str),
    "PLAN_CACHE_SECONDS": ("PLAN_CACHE_SECONDS", int),
    "BACKUP_MAX_DOCUMENT_BYTES": ("BACKUP_MAX_DOCUMENT_BYTES", int),
    "CSV_IMPORT_MAX_BYTES": ("CSV_IMPORT_MAX_BYTES", int),
    # Background jobs on RQ: redis://host:6379/0; unset, jobs run in a thread of each process.
    "JOB_QUEUE_URL": ("JOB_QUEUE_URL", str),
    "JOB_QUEUE_NAME": ("JOB_QUEUE_NAME", str),
    "JOB_STALE_SECONDS": ("JOB_STALE_SECONDS", int),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", bool),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_SENDER": ("MAIL_SENDER", str),
    # Where the app is served, for links in emails sent from the command line (reminders).
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", str),
}
TRUE_WORDS = ("1", "true", "yes", "on")
# Settings that were replaced: an operator who still sets one learns what it became.
RETIRED_SETTINGS = {
    "LOGIN_RATE_LIMIT": "PASSWORD_RATE_LIMIT (and SIGNUP_RATE_LIMIT for sign-up)",
    "SIGNOFF_RATE_LIMIT": "PASSWORD_RATE_LIMIT",
}
RATE_LIMITS = (
    "PASSWORD_RATE_LIMIT",
    "TWO_FACTOR_RATE_LIMIT",
    "ADDRESS_RATE_LIMIT",
    "SIGNUP_RATE_LIMIT",
)


def _from_environment(environment: str) -> dict[str, Any]:
    """Read the documented environment variables, converting and naming any bad value."""
    for variable, replacement in RETIRED_SETTINGS.items():
        if variable in os.environ:
            raise ConfigError(f"{variable} is no longer read; set {replacement} instead.")
    found: dict[str, Any] = {}
    for variable, (key, kind) in ENVIRONMENT_SETTINGS.items():
        raw = os.environ.get(variable)
        if raw:
            found[key] = _convert(variable, raw, kind)
    return found


def _convert(variable: str, raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in TRUE_WORDS
    if kind is int:
        if not raw.strip().isdigit():
            raise ConfigError(f"{variable} must be a whole number, not {raw!r}.")
        return int(raw)
    return raw


def _fill_development_gaps(config: dict[str, Any], instance_path: Path) -> None:
    """Give development a SQLite file and a kept secret key so a fresh clone just runs."""
    if config["ENVIRONMENT"] == "production":
        return
    if "SQLALCHEMY_DATABASE_URI" not in config:
        instance_path.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'clinic_onboard.db'}"
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _instance_secret(instance_path, "secret_key", _session_secret)
    if "RECORD_KEYS" not in config:
        config["RECORD_KEYS"] = _instance_secret(instance_path, "record_keys", _record_key)
    if "RECORD_ANCHOR_LOG" not in config:
        instance_path.mkdir(parents=True, exist_ok=True)
        config["RECORD_ANCHOR_LOG"] = str(instance_path / "record_anchors.log")


def _session_secret() -> str:
    return secrets.token_urlsafe(48)


def _record_key() -> str:
    return new_key_entry("dev1")


def _instance_secret(instance_path: Path, name: str, generate: Callable[[], str]) -> str:
    """Generate the secret once and keep it, so sessions and records survive a restart."""
    path = instance_path / name
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


def _check(config: Mapping[str, Any], instance_path: Path) -> None:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not _has(config, name)]
    if missing:
        names = " and ".join(filter(None, (", ".join(missing[:-1]), missing[-1])))
        raise ConfigError(
            f"{names} must be set in the environment when CLINIC_ONBOARD_ENV=production."
        )
    _check_record_keys(config)
    _check_anchor_log(config["RECORD_ANCHOR_LOG"])
    if config["PDF_RENDER_CONCURRENCY"] < 1:
        raise ConfigError("PDF_RENDER_CONCURRENCY must be 1 or more (PDFs rendered at once).")
    if not Path(config["CHECKLISTS_DIR"]).is_dir():
        raise ConfigError(f"CHECKLISTS_DIR {config['CHECKLISTS_DIR']!r} is not a folder.")
    _check_database_url(config["SQLALCHEMY_DATABASE_URI"], instance_path)
    _check_rate_limits(config)
    _check_plan_cache(config)


def _check_plan_cache(config: Mapping[str, Any]) -> None:
    """A shared plan cache the app can reach with the client installed, rather than a page
    that renders every plan afresh without saying why."""
    url = str(config["PLAN_CACHE_URL"])
    if not url:
        return
    if not url.startswith(("redis://", "rediss://", "unix://")):
        # Not repeated in the message: it may hold the password.
        raise ConfigError("PLAN_CACHE_URL must be a Redis URL such as redis://127.0.0.1:6379/0.")
    if importlib.util.find_spec("redis") is None:
        raise ConfigError("PLAN_CACHE_URL needs the Redis client: install clinic-onboard[prod].")
    if config["PLAN_CACHE_SECONDS"] < 1:
        raise ConfigError("PLAN_CACHE_SECONDS must be 1 or more (how long a plan stays in Redis).")


def _check_rate_limits(config: Mapping[str, Any]) -> None:
    """Limits that parse, and counts every worker shares: in-memory counts are per process,
    and the app cannot see how many processes gunicorn or other hosts run."""
    for name in RATE_LIMITS:
        try:
            limits.parse_many(config[name])
        except ValueError:
            raise ConfigError(
                f"{name} {config[name]!r} is not a rate limit; "
                "write it like '10 per minute;50 per hour'."
            ) from None
    in_memory = str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://")
    production = config["ENVIRONMENT"] == "production"
    if production and in_memory and not config["RATELIMIT_SINGLE_PROCESS"]:
        raise ConfigError(
            "RATELIMIT_STORAGE_URI is memory://, which counts attempts separately in each "
            "process: set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (the prod extra installs "
            "the client), or set RATELIMIT_SINGLE_PROCESS=1 if the app runs as one process on "
            "one host."
        )


def _check_record_keys(config: Mapping[str, Any]) -> None:
    """Refuse keys that cannot sign, before any record is written under them."""
    try:
        parse_keys(config["RECORD_KEYS"], config.get("RECORD_KEY_ID"))
    except KeyRingError as error:
        raise ConfigError(
            f"RECORD_KEYS: {error} (make one with `clinic-onboard new-record-key ID`)."
        ) from None


def _check_anchor_log(path: str) -> None:
    """Refuse a log the app could never append to, rather than lose every anchor silently."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise ConfigError(f"RECORD_ANCHOR_LOG {path!r}: the folder {str(folder)!r} does not exist.")


def _has(config: Mapping[str, Any], name: str) -> bool:
    key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
    return bool(config.get(key))


def _check_database_url(text: str, instance_path: Path) -> None:
    """Refuse a database URL the app cannot use now, rather than fail on the first request."""
    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigError(
            f"DATABASE_URL {text!r} is not a database URL; {DATABASE_HINT}."
        ) from None
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"DATABASE_URL {shown!r} is not a database this app supports; {DATABASE_HINT}."
        )
    _check_driver(url, shown)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    if url.query.get("uri"):
        return  # a file: URI with its own options; SQLite reports its own errors
    if not Path(url.database).is_absolute():
        # Flask-SQLAlchemy reads a relative path from the instance folder, which it creates.
        instance_path.mkdir(parents=True, exist_ok=True)
    _check_sqlite_file(instance_path / url.database)


def _check_driver(url: URL, shown: str) -> None:
    try:
        url.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise ConfigError(
            f"DATABASE_URL {shown!r} needs a database driver that is not installed; for "
            "PostgreSQL use postgresql+psycopg:// and install clinic-onboard[postgres]."
        ) from None


def _check_sqlite_file(path: Path) -> None:
    """SQLite needs the folder to exist and to be writable (it keeps its journal beside)."""
    folder = path.parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise ConfigError(f"DATABASE_URL names a SQLite file in {str(folder)!r}, which {what}.")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise ConfigError(f"DATABASE_URL names {str(path)!r}, which this user cannot write.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(
            f"DATABASE_URL names a SQLite file in {str(folder)!r}, where this user cannot write "
            "(SQLite keeps its journal beside the database)."
        )
