"""Sign up, sign in (with a second step for those who use two-factor), sign out, change the
password, and set up or turn off two-factor sign-in."""

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from clinic_onboard.cli.demo import DEMO_PEOPLE
from clinic_onboard.extensions import db, limiter
from clinic_onboard.models import User
from clinic_onboard.operations import accounts, clinic_confirmation, two_factor
from clinic_onboard.queries.accounts import demo_loaded
from clinic_onboard.services import totp
from clinic_onboard.services.library import catalog
from clinic_onboard.web import confirmation, security, throttle
from clinic_onboard.web.forms import ChangePasswordForm, LanguageForm, LoginForm, SignUpForm
from clinic_onboard.web.security_forms import EnrolTwoFactorForm, TwoFactorCodeForm

bp = Blueprint("auth", __name__, url_prefix="/auth")
WRONG_LOGIN = _l("That email and password do not match an active account.")
WRONG_CODE = _l(
    "That code is not right, or it was already used. Wait for the next one and try again."
)
# Between the password and the code: who, since when, and where to go next. Grants nothing.
PENDING_KEY = security.PENDING_SIGN_IN
PENDING_SECONDS = 5 * 60
# The secret shown on the set-up page, kept until a code confirms it.
ENROL_KEY = security.ENROL_SECRET


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup() -> str | Response:
    """Create a manager account and the manager's first clinic."""
    form = SignUpForm()
    form.use_catalog(catalog())
    if form.validate_on_submit():
        try:
            membership = accounts.sign_up(
                form.email.data, form.display_name.data, form.password.data, form.details()
            )
        except accounts.EmailTaken:
            # Said plainly: a neutral flow needs email, which is optional here (see README).
            form.email.errors.append(_("An account already uses this email. Sign in instead."))
        else:
            db.session.commit()
            login_user(membership.user)
            flash(_("Welcome! %(clinic)s is ready.", clinic=membership.clinic.name), "success")
            # After the commit: a slow mail server must not hold the new clinic's transaction.
            delivery = clinic_confirmation.send_link(membership.user, membership.clinic)
            confirmation.flash_delivery(delivery, membership.user.email)
            return redirect(url_for("main.index"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in; the message (and the limit) never says whether the email exists."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        found = accounts.find_user(form.email.data)
        user = throttle.checked(
            throttle.PASSWORD,
            found or form.email.data,
            lambda: accounts.authenticate(found, form.password.data),
        )
        if user is not None:
            return _after_password(user, _safe_next(request.args.get("next")))
        flash(str(WRONG_LOGIN), "error")
    demo = DEMO_PEOPLE if demo_loaded() else ()
    return render_template("auth/login.html", form=form, demo_people=demo)


def _after_password(user: User, target: str) -> Response:
    """Straight in, or on to the code step for someone who uses two-factor sign-in."""
    if not user.has_two_factor:
        login_user(user)
        return redirect(target)
    session[PENDING_KEY] = {"user": user.get_id(), "at": int(security.now()), "next": target}
    return redirect(url_for(".two_factor_code"))


def _safe_next(target: str | None) -> str:
    """Only same-site paths; anything else goes home (no open redirect)."""
    parts = urlsplit(target or "")
    same_site = not parts.scheme and not parts.netloc and "\\" not in (target or "")
    if target and same_site and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/two-factor/code", methods=["GET", "POST"])
def two_factor_code() -> str | Response:
    """The second step of signing in: a fresh code from the person's app."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for(".login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if _code_checked(user, form.code.data):
            db.session.commit()
            target = session.pop(PENDING_KEY)["next"]
            login_user(user)
            return redirect(_safe_next(target))
        form.code.errors.append(WRONG_CODE)
    return render_template("auth/two_factor_code.html", form=form)


def _pending_user() -> User | None:
    """The person who gave the right password a few minutes ago, if still valid."""
    pending: dict[str, Any] = session.get(PENDING_KEY) or {}
    if security.now() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return security.user_for_cookie_id(str(pending.get("user", "")))


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out everywhere: rotating the token makes every copy of the cookie useless."""
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    user = _me()
    if form.validate_on_submit():
        if throttle.checked(
            throttle.PASSWORD,
            user,
            lambda: accounts.change_password(user, form.current.data, form.password.data),
        ):
            db.session.commit()
            login_user(user)
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("clinic.home"))
        form.current.errors.append(_("That is not your current password."))
    return render_template("auth/password.html", form=form, language_form=_language_form(user))


def _language_form(user: User) -> LanguageForm:
    form = LanguageForm(formdata=None)
    form.language.data = user.language or ""
    return form


@bp.post("/language")
@login_required
def language() -> Response:
    """Keep the person's language choice; it outranks the clinic's language."""
    form = LanguageForm()
    if form.validate_on_submit():
        accounts.set_language(_me(), form.language.data)
        db.session.commit()
        flash(_("Your language is saved."), "success")
    else:
        flash(_("Choose one of the languages offered."), "error")
    return redirect(url_for(".change_password"))


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup() -> str | Response:
    """Set up two-factor sign-in, or see that it is on and turn it off."""
    user = _me()
    if user.has_two_factor:
        return render_template("auth/two_factor.html", form=TwoFactorCodeForm())
    secret = session.setdefault(ENROL_KEY, totp.new_secret())
    form = EnrolTwoFactorForm()
    if form.validate_on_submit() and _enrolled(form, user, secret):
        return redirect(url_for("clinic.home"))
    uri = totp.provisioning_uri(secret, user.email)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        secret=totp.grouped(secret),
        qr=totp.qr_data_uri(uri),
    )


def _enrolled(form: EnrolTwoFactorForm, user: User, secret: str) -> bool:
    """The password again (a borrowed session must not enrol its own phone), then a code."""
    if not throttle.reauthenticated(user, form.password.data):
        form.password.errors.append(_("That is not your password."))
        return False
    code, at = form.code.data, security.now()
    if not throttle.checked(throttle.CODE, user, lambda: two_factor.enrol(user, secret, code, at)):
        form.code.errors.append(WRONG_CODE)
        return False
    db.session.commit()
    session.pop(ENROL_KEY, None)
    login_user(user)  # the token rotated: this session carries on, the others end
    flash(_("Two-factor sign-in is on. Other devices have been signed out."), "success")
    return True


@bp.post("/two-factor/off")
@login_required
def turn_off_two_factor() -> str | Response:
    """Turn two-factor off with a current code (a lost phone needs a manager instead)."""
    user, form = _me(), TwoFactorCodeForm()
    if not user.has_two_factor:
        return redirect(url_for(".two_factor_setup"))
    if form.validate_on_submit():
        if _code_checked(user, form.code.data):
            two_factor.turn_off(user)
            db.session.commit()
            flash(_("Two-factor sign-in is off."), "info")
            return redirect(url_for(".two_factor_setup"))
        form.code.errors.append(WRONG_CODE)
    return render_template("auth/two_factor.html", form=form)


def _code_checked(user: User, code: str) -> bool:
    at = security.now()
    return throttle.checked(throttle.CODE, user, lambda: two_factor.check_code(user, code, at))


def _me() -> User:
    """The signed-in User itself: login_user keeps a reference to it."""
    return current_user._get_current_object()
