"""People leaving the clinic and coming back (managers only)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import Membership
from clinic_onboard.operations import leaving
from clinic_onboard.operations.progress import CONFLICT_MESSAGE
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.queries.leaving import supervised_hires
from clinic_onboard.web.leaving_forms import LeaveForm
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("leaving", __name__, url_prefix="/leaving")


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Ending or restoring someone's membership is the clinic manager's job."""


@bp.route("/members/<int:membership_id>", methods=["GET", "POST"])
def leave(membership_id: int) -> str | Response:
    """Mark a person as having left: their last day and why."""
    member = get_for_clinic_or_404(Membership, membership_id)
    form = LeaveForm()
    if not form.is_submitted():
        form.last_day.data = member.clinic.today()
    elif form.validate_on_submit():
        try:
            leaving.mark_left(member, current_membership(), form.last_day.data, form.reason.data)
            db.session.commit()
            flash(_("%(name)s is marked as having left.", name=member.user.display_name), "success")
            return redirect(url_for(".left", membership_id=member.id))
        except (leaving.LeavingRefused, RecordConflict) as refused:
            db.session.rollback()
            _show_problem(form, refused)
    return render_template("leaving/leave.html", form=form, member=member)


@bp.get("/members/<int:membership_id>/left")
def left(membership_id: int) -> str:
    """What follows a departure: the hires they supervised, to give to someone else."""
    member = get_for_clinic_or_404(Membership, membership_id)
    return render_template(
        "leaving/left.html",
        member=member,
        hires=supervised_hires(member),
        reasons=leaving.REASONS,
    )


def _show_problem(form: LeaveForm, refused: Exception) -> None:
    """A refusal about one answer shows beside it; anything else at the top of the page."""
    field = getattr(refused, "field", None)
    if field:
        getattr(form, field).errors.append(str(refused))
    elif isinstance(refused, RecordConflict):
        flash(_(CONFLICT_MESSAGE), "error")
    else:
        flash(str(refused), "error")
