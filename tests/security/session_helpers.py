"""A clock the tests move by hand (never sleep), and signing in with a second factor."""

from typing import Any

import pyotp
import pytest
from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import Membership
from clinic_onboard.services import totp
from clinic_onboard.web import security
from tests.conftest import PASSWORD

START = 1_800_000_000.0  # 2027-01-15, a fixed moment so codes and limits are reproducible


class Clock:
    """Stands in for ``security.now``."""

    def __init__(self, moment: float = START) -> None:
        self.moment = moment

    def __call__(self) -> float:
        return self.moment

    def advance(self, *, minutes: float = 0, hours: float = 0, seconds: float = 0) -> None:
        self.moment += seconds + minutes * 60 + hours * 3600


def install_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Make the app read time from a ``Clock``; a test module wraps this in its fixture."""
    clock = Clock()
    monkeypatch.setattr(security, "now", clock)
    return clock


def give_two_factor(member: Membership) -> str:
    """Enrol the member's account directly and return the secret their app would hold."""
    secret = totp.new_secret()
    member.user.totp_secret = secret
    db.session.commit()
    return secret


def code(secret: str, clock: Clock, steps: int = 0) -> str:
    """The code an authenticator app shows at the clock's time (``steps`` later or earlier)."""
    return pyotp.TOTP(secret).at(clock() + steps * 30)


def sign_in_with_code(client: FlaskClient, member: Membership, secret: str, clock: Clock) -> Any:
    """Both steps; returns the code step's response."""
    first = client.post("/auth/login", data={"email": member.user.email, "password": PASSWORD})
    assert first.headers["Location"] == "/auth/two-factor/code"
    return client.post("/auth/two-factor/code", data={"code": code(secret, clock)})
