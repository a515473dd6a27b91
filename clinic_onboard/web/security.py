"""Response headers every page gets, the login manager's user loader, and what every signed-in
request must pass: the session's time limits and the clinic's two-factor requirement."""

import time
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user, user_logged_in, user_logged_out
from sqlalchemy.orm import joinedload

from clinic_onboard import policy
from clinic_onboard.extensions import db, login_manager
from clinic_onboard.models import Membership, User
from clinic_onboard.web import plan_cache
from clinic_onboard.web.tenancy import my_memberships

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Seconds since the epoch, kept in the signed session cookie.
LOGIN_AT, SEEN_AT = "login_at", "seen_at"
# Half-finished two-factor steps (see web.auth): forgotten whenever someone signs in or out, so
# a shared computer never hands one person's set-up key or password step to the next.
PENDING_SIGN_IN, ENROL_SECRET = "two_factor_pending", "two_factor_enrol_secret"
SIGN_IN_KEYS = (LOGIN_AT, SEEN_AT, PENDING_SIGN_IN, ENROL_SECRET)
# Rewrite the cookie at most once a minute for activity, not on every request.
TOUCH_EVERY = 60
# Pages an ended session may still reach without being sent to the sign-in page first.
NO_SIGN_IN_NEEDED = frozenset(
    {"static", "auth.login", "auth.signup", "auth.two_factor_code", "main.healthz"}
)
# What someone who must enrol a second factor may reach before doing so.
OPEN_BEFORE_ENROLMENT = frozenset({"static", "auth.two_factor_setup", "auth.logout"})


def now() -> float:
    """The clock sessions and codes are measured by; tests replace it instead of sleeping."""
    return time.time()


def init_app(app: Flask) -> None:
    app.after_request(_set_headers)
    # Registered after tenancy.load_membership, so g.memberships is ready when this runs.
    app.before_request(_guard_session)
    user_logged_in.connect(_start_clock, app)
    user_logged_out.connect(_stop_clock, app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    # Translated when flashed: the session stores plain text, never a lazy string.
    login_manager.localize_callback = str
    login_manager.session_protection = "basic"


def _set_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    """Resolve the cookie, unless the session has run past its idle or absolute limit."""
    g.session_ended = _time_limit_passed()
    return None if g.session_ended else user_for_cookie_id(cookie_id)


def account_key() -> str:
    """The signed-in person, for limits that follow them from address to address; the
    address for anyone else (a limit is checked before the view's sign-in check)."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return get_remote_address()


def user_for_cookie_id(cookie_id: str) -> User | None:
    """Resolve ``id:token``; a rotated token (logout everywhere, new password) fails here."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    # One query: every signed-in page needs the memberships and their clinics (tenancy), and
    # the plan page its key (web/plan_cache.py).
    options = [
        joinedload(User.memberships).joinedload(Membership.clinic),
        # The menu names the clinics waiting for the person's answer (templates/_header.html).
        joinedload(User.invitations),
        *plan_cache.with_the_person(),
    ]
    user = db.session.get(User, int(user_id), options=options)
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _time_limit_passed() -> LazyString | None:
    """Why the session is over, or None while it is within both limits."""
    moment, config = now(), current_app.config
    if LOGIN_AT not in session or SEEN_AT not in session:
        return _l("Please sign in again.")
    idle = config["SESSION_IDLE_MINUTES"]
    if moment - session[SEEN_AT] > idle * 60:
        return _l("You were signed out after %(idle)s minutes without activity.", idle=idle)
    hours = config["SESSION_MAX_HOURS"]
    if moment - session[LOGIN_AT] > hours * 3600:
        return _l(
            "You were signed out: a session lasts at most %(hours)s hours. Please sign in again.",
            hours=hours,
        )
    return None


def _start_clock(app: Flask, user: User, **extra: Any) -> None:
    """Every way of signing in (password, code, set-password link) starts both clocks."""
    _forget_sign_in()
    session[LOGIN_AT] = session[SEEN_AT] = int(now())


def _stop_clock(app: Flask, user: Any, **extra: Any) -> None:
    _forget_sign_in()


def _forget_sign_in() -> None:
    for key in SIGN_IN_KEYS:
        session.pop(key, None)


def _guard_session() -> Response | None:
    """Before each request: end a timed-out session, note activity, demand enrolment."""
    if request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        return _end_timed_out_session()
    _note_activity()
    return _enrolment_needed()


def _end_timed_out_session() -> Response | None:
    reason = g.pop("session_ended", None)
    if reason is None:
        return None
    logout_user()
    flash(str(reason), "info")
    if request.endpoint in NO_SIGN_IN_NEEDED:
        return None
    here = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=here))


def _note_activity() -> None:
    moment = int(now())
    if moment - session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        session[SEEN_AT] = moment


def _enrolment_needed() -> Response | None:
    """A manager or supervisor of a clinic that requires two-factor reaches nothing else
    until they have set it up."""
    if current_user.has_two_factor or request.endpoint in OPEN_BEFORE_ENROLMENT:
        return None
    memberships = g.memberships if "memberships" in g else my_memberships()
    if not policy.two_factor_required(memberships):
        return None
    flash(
        _(
            "Your clinic requires two-factor sign-in for managers and supervisors. "
            "Set it up to continue."
        ),
        "info",
    )
    return redirect(url_for("auth.two_factor_setup"))
