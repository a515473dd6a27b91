"""Sign up, sign in, sign out and change password."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from clinic_onboard.extensions import db, limiter
from clinic_onboard.library import catalog
from clinic_onboard.operations import accounts
from clinic_onboard.web.forms import ChangePasswordForm, LoginForm, SignUpForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/signup", methods=["GET", "POST"])
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
            form.email.errors.append("An account already uses this email. Sign in instead.")
        else:
            db.session.commit()
            login_user(membership.user)
            flash(f"Welcome! {membership.clinic.name} is ready.", "success")
            return redirect(url_for("clinic.home"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    """Sign in; the message never says whether the email exists."""
    if current_user.is_authenticated:
        return redirect(url_for("clinic.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash("That email and password do not match an active account.", "error")
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    """Only same-site paths; anything else goes home (no open redirect)."""
    parts = urlsplit(target or "")
    same_site = not parts.scheme and not parts.netloc and "\\" not in (target or "")
    if target and same_site and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("clinic.home")


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out everywhere: rotating the token makes every copy of the cookie useless."""
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    user = current_user._get_current_object()  # the User itself: login_user keeps a reference
    if form.validate_on_submit():
        if accounts.change_password(user, form.current.data, form.password.data):
            db.session.commit()
            login_user(user)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("clinic.home"))
        form.current.errors.append("That is not your current password.")
    return render_template("auth/password.html", form=form)
