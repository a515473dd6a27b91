"""The set-password page a new hire reaches from their one-time link."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from werkzeug.wrappers import Response

from clinic_onboard.extensions import db
from clinic_onboard.operations import invitations
from clinic_onboard.operations.invitations import InvitationError, LinkProblem
from clinic_onboard.web.staff_forms import SetPasswordForm
from clinic_onboard.web.tenancy import CLINIC_KEY

bp = Blueprint("invitations", __name__, url_prefix="/welcome")

# (status, heading, explanation): a dead link is "gone" (410), a damaged one a bad request.
PROBLEMS = {
    LinkProblem.EXPIRED: (
        410,
        _l("This link has expired"),
        _l("Set-password links work for a limited time, and this one has run out."),
    ),
    LinkProblem.USED: (
        410,
        _l("This link has already been used"),
        _l("Each set-password link works once, and a newer link replaces older ones."),
    ),
    LinkProblem.INVALID: (
        400,
        _l("This link does not work"),
        _l("The link may have been cut short or changed when it was copied."),
    ),
}


@bp.route("/<token>", methods=["GET", "POST"])
def welcome(token: str) -> str | Response | tuple[str, int]:
    """Choose a password with a valid link, then go straight into the clinic."""
    try:
        invitation = invitations.read_token(token)
    except InvitationError as error:
        return _problem(error.problem)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.set_password(token, form.password.data)
        except InvitationError as error:
            db.session.rollback()
            return _problem(error.problem)
        db.session.commit()
        login_user(user)
        session[CLINIC_KEY] = invitation.clinic.id
        flash(_("Welcome, %(name)s! Your password is set.", name=user.display_name), "success")
        return redirect(url_for("main.index"))
    return render_template("invitations/welcome.html", form=form, invitation=invitation)


def _problem(problem: LinkProblem) -> tuple[str, int]:
    status, heading, explanation = PROBLEMS[problem]
    page = render_template("invitations/problem.html", heading=heading, explanation=explanation)
    return page, status
