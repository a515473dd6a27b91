"""Every password and two-factor code check goes through ``checked``: it slows a guesser
without locking the owner out, and a clinic behind one address is never stopped by its staff.

Only failures count, in the limiter's storage (Redis in production): per account on each device
that signed in to that account before (a signed cookie names the device and its accounts), per
account for every other device together, and per address for every other device. A spent
allowance answers 429 before any password is hashed. Signing in with the right password never
counts, so twenty people at one clinic's address sign in the same minute.

A burst of simultaneous requests can each pass the test before any of their failures is counted;
the overshoot is bounded by the number of requests the server handles at once.
"""

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

import limits
from flask import Flask, after_this_request, current_app, request
from flask_login import user_logged_in
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from clinic_onboard.extensions import limiter
from clinic_onboard.models import User
from clinic_onboard.operations.accounts import normalize_email
from clinic_onboard.services.passwords import verify_password

T = TypeVar("T")
Bucket = tuple[limits.RateLimitItem, tuple[str, ...]]  # a limit and its key in the storage
# What is being guessed: each names the setting of its per-account allowance.
PASSWORD, CODE = "PASSWORD_RATE_LIMIT", "TWO_FACTOR_RATE_LIMIT"
ADDRESS = "ADDRESS_RATE_LIMIT"
DEVICE_COOKIE = "device"
DEVICE_DAYS = 365
# A shared front-desk computer keeps an allowance for this many of the people using it.
DEVICE_ACCOUNTS = 20


def init_app(app: Flask) -> None:
    user_logged_in.connect(_remember_device, app)


def checked(kind: str, who: User | str, check: Callable[[], T]) -> T:
    """Run ``check`` (a password or code check) unless ``who`` has failed too often here.

    ``who`` is the account, or the typed email when no account has it (limited the same way,
    so a limit never tells them apart). A falsy result counts as a failure.
    """
    if not limiter.enabled:
        return check()
    buckets = _buckets(kind, who)
    strategy = limiter.limiter
    if not all(strategy.test(item, *key) for item, key in buckets):
        raise TooManyRequests()
    result = check()
    if not result:
        for item, key in buckets:
            strategy.hit(item, *key)
    return result


def reauthenticated(user: User, password: str) -> bool:
    """``user``'s own password typed again (a sign-off, a reset, an enrolment), throttled."""
    return checked(PASSWORD, user, lambda: verify_password(user.password_hash, password))


def _buckets(kind: str, who: User | str) -> list[Bucket]:
    account = f"user:{who.id}" if isinstance(who, User) else f"email:{normalize_email(who)[:254]}"
    device = _device()
    if device is not None and isinstance(who, User) and who.id in device[1]:
        return _items(kind, account, f"device:{device[0]}")
    return [
        *_items(kind, account, "unknown devices"),
        *_items(ADDRESS, request.remote_addr or "unknown"),
    ]


def _items(setting: str, *key: str) -> list[Bucket]:
    """The setting's limits, each with its storage key (the setting names the bucket's kind)."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "clinic-onboard"
    return [
        (item, (prefix, setting, *key)) for item in limits.parse_many(current_app.config[setting])
    ]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="clinic-onboard-device")


def _device() -> tuple[str, list[int]] | None:
    """This device's id and the accounts that signed in on it, if its cookie is ours."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        device, accounts = _serializer().loads(raw, max_age=DEVICE_DAYS * 24 * 3600)
    except (BadSignature, ValueError, TypeError):
        return None
    return str(device), [int(a) for a in accounts]


def _remember_device(app: Flask, user: User, **extra: Any) -> None:
    """Every successful sign-in renews the device's cookie with this account first in it."""
    device, known = _device() or (secrets.token_urlsafe(16), [])
    accounts = [user.id, *(a for a in known if a != user.id)][:DEVICE_ACCOUNTS]
    value = _serializer().dumps([device, accounts])

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_DAYS * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response
