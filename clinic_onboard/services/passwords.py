"""Password hashing with argon2id; the cost comes from config so tests can run fast."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    hasher = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_COST"]
    )
    app.extensions["password_hasher"] = hasher
    # Verified when an email is unknown, so both paths cost the same (no user enumeration).
    app.extensions["password_decoy"] = hasher.hash("decoy password, never matches")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; never raises for a wrong or missing hash."""
    try:
        matched = _hasher().verify(
            stored_hash or current_app.extensions["password_decoy"], password
        )
    except (VerificationError, InvalidHashError):
        return False
    return matched and stored_hash is not None


def _hasher() -> PasswordHasher:
    return current_app.extensions["password_hasher"]
