"""Invitations from clinics, answered by the person they name while signed in.

A clinic that adds an email that already has an account only invites; here the person sees
which clinic asks, for which role and start date, and accepts (becoming a member, with the plan
made then) or declines. Nothing here needs a current clinic: the invitation is the person's.
"""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clinic_onboard.extensions import db
from clinic_onboard.operations import clinic_invitations
from clinic_onboard.operations.onboarding import OnboardingError
from clinic_onboard.web.staff_forms import AnswerInvitationForm
from clinic_onboard.web.tenancy import CLINIC_KEY, get_own_invitation_or_404

bp = Blueprint("clinic_invitations", __name__, url_prefix="/clinic-invitations")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Only the signed-in person sees and answers their invitations."""


@bp.get("/")
def index() -> str:
    return render_template(
        "clinic_invitations/index.html",
        invitations=current_user.pending_invitations,
        form=AnswerInvitationForm(),
    )


@bp.post("/<int:invitation_id>/accept")
def accept(invitation_id: int) -> Response:
    """Join the clinic; its plan for the person is made now, and it becomes the current one."""
    invitation = get_own_invitation_or_404(invitation_id)
    if not AnswerInvitationForm().validate_on_submit():
        return redirect(url_for(".index"))
    clinic = invitation.clinic
    try:
        onboarding = clinic_invitations.accept(invitation)
    except OnboardingError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".index"))
    db.session.commit()
    session[CLINIC_KEY] = clinic.id
    if onboarding is None:
        flash(_("You joined %(clinic)s.", clinic=clinic.name), "success")
        return redirect(url_for("clinic.home"))
    flash(_("You joined %(clinic)s. Here is your onboarding.", clinic=clinic.name), "success")
    return redirect(url_for("my.index"))


@bp.post("/<int:invitation_id>/decline")
def decline(invitation_id: int) -> Response:
    """Say no: the clinic sees the invitation declined, and nothing else about the person."""
    invitation = get_own_invitation_or_404(invitation_id)
    if not AnswerInvitationForm().validate_on_submit():
        return redirect(url_for(".index"))
    try:
        clinic_invitations.decline(invitation)
    except OnboardingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            _("You declined the invitation from %(clinic)s.", clinic=invitation.clinic.name), "info"
        )
    return redirect(url_for(".index"))
