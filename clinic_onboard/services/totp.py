"""Time-based one-time codes (RFC 6238) for two-factor sign-in. Pure: the time comes in.

Authenticator apps (FreeOTP, Google Authenticator, 1Password, ...) all speak the defaults used
here: SHA-1, six digits, a 30-second step. One step either side is accepted because phone clocks
drift; a step already used is refused, so a code seen over someone's shoulder cannot be replayed.
"""

import hmac

import pyotp
import segno

ISSUER = "clinic_onboard"
DRIFT_STEPS = 1
CODE_DIGITS = 6
SECRET_LENGTH = 32


def new_secret() -> str:
    """A random 160-bit secret (32 base32 characters), as authenticator apps expect it."""
    return pyotp.random_base32(SECRET_LENGTH)


def clean_code(code: str) -> str:
    """Apps show codes as "123 456"; people paste them with spaces or dashes."""
    return "".join(c for c in code if c not in " -\t")


def matching_step(secret: str, code: str, at: float, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to near ``at``, if it is newer than ``last_step``."""
    code = clean_code(code)
    # isascii first: "²" and full-width digits pass isdigit() but are not code digits.
    if len(code) != CODE_DIGITS or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(int(at))
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        fresh = last_step is None or step > last_step
        if fresh and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` address an app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG ``data:`` address: an ``<img>`` the CSP allows, no script."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
