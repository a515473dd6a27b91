"""Confirming a new clinic's email: the page the emailed link opens, and sending it again."""

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db, limiter
from clinic_onboard.models import User
from clinic_onboard.operations import clinic_confirmation
from clinic_onboard.operations.clinic_confirmation import ConfirmationError
from clinic_onboard.operations.invitations import Delivery, LinkProblem
from clinic_onboard.web.forms import ConfirmEmailForm, SendConfirmationForm
from clinic_onboard.web.security import account_key
from clinic_onboard.web.tenancy import CLINIC_KEY, allowed, current_membership

bp = Blueprint("confirmation", __name__, url_prefix="/confirm")

# (status, heading, explanation): a dead link is "gone" (410), a damaged one a bad request.
PROBLEMS = {
    LinkProblem.EXPIRED: (
        410,
        _l("This confirmation link has expired"),
        _l("Confirmation links work for a limited time, and this one has run out."),
    ),
    LinkProblem.USED: (
        410,
        _l("This confirmation link has already been used"),
        _l("Each confirmation link works once: this email address is already confirmed."),
    ),
    LinkProblem.INVALID: (
        400,
        _l("This confirmation link does not work"),
        _l("The link may have been cut short or changed when it was copied."),
    ),
}


def _send_limit() -> str:
    return current_app.config["CONFIRMATION_EMAIL_RATE_LIMIT"]


@bp.route("/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | Response | tuple[str, int]:
    """Confirm with the emailed link. A button does it, not the visit: mail filters that open
    every link in a message must not use it up."""
    try:
        confirmation = clinic_confirmation.read_token(token)
    except ConfirmationError as error:
        return _problem(error.problem)
    if current_user.is_authenticated and current_user.id != confirmation.user.id:
        return render_template("confirmation/other_account.html"), 403
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            clinic_confirmation.confirm_with_link(token)
        except ConfirmationError as error:
            db.session.rollback()
            return _problem(error.problem)
        db.session.commit()
        flash(_("Your email address is confirmed: you can now invite your staff."), "success")
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        session[CLINIC_KEY] = confirmation.clinic.id
        return redirect(url_for("clinic.home"))
    return render_template("confirmation/confirm.html", form=form, confirmation=confirmation)


def _problem(problem: LinkProblem) -> tuple[str, int]:
    status, heading, explanation = PROBLEMS[problem]
    page = render_template("confirmation/problem.html", heading=heading, explanation=explanation)
    return page, status


@bp.post("/send")
@login_required
@allowed(policy.can_manage_clinic)
@limiter.limit(_send_limit, key_func=account_key)
def send() -> Response:
    """Email the confirmation link again; a few times an hour per account at most."""
    clinic = current_membership().clinic
    if SendConfirmationForm().validate_on_submit() and not clinic.is_confirmed:
        flash_delivery(clinic_confirmation.send_link(_me(), clinic), _me().email)
    return redirect(url_for("clinic.home"))


def flash_delivery(delivery: Delivery, email: str) -> None:
    """Tell the manager what happened to their confirmation email."""
    if delivery is Delivery.SENT:
        flash(_("We sent a link to %(email)s: open it to confirm your email.", email=email), "info")
    elif delivery is Delivery.FAILED:
        flash(
            _(
                "The confirmation email could not be sent. Try again later, or ask the "
                "person who runs this site to confirm your clinic."
            ),
            "warning",
        )


def _me() -> User:
    return current_user._get_current_object()
