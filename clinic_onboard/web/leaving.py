"""People leaving the clinic and coming back (managers only)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole, Membership, Onboarding
from clinic_onboard.models.onboarding import OFFBOARDING
from clinic_onboard.operations import leaving, offboarding, returning
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations.progress import CONFLICT_MESSAGE, ProgressRefused
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.queries.leaving import offboardings_of, supervised_hires
from clinic_onboard.queries.record import task_records
from clinic_onboard.queries.roles import hiring_roles
from clinic_onboard.queries.staff import supervisor_memberships
from clinic_onboard.services.library import catalog
from clinic_onboard.web.leaving_forms import LeaveForm, ReturnForm
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
            offboarding.start_offboarding(member, current_membership(), catalog())
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
        offboardings=offboardings_of(member),
    )


@bp.get("/offboardings/<int:onboarding_id>")
def checklist(onboarding_id: int) -> str:
    """The leaver's offboarding items, each ticked here by a manager."""
    onboarding = _offboarding_or_404(onboarding_id)
    records = task_records(onboarding)
    rows = [(task, records[task.id]) for task in onboarding.tasks if task.id in records]
    return render_template("leaving/checklist.html", onboarding=onboarding, rows=rows)


@bp.post("/offboardings/<int:onboarding_id>/tasks/<int:task_id>/done")
def tick(onboarding_id: int, task_id: int) -> Response:
    """A manager records one offboarding item as done."""
    onboarding = _offboarding_or_404(onboarding_id)
    task = next((t for t in onboarding.tasks if t.id == task_id), None)
    if task is None:
        abort(404)
    try:
        offboarding.tick(onboarding, task, current_membership())
        db.session.commit()
        flash(_("Done: %(item)s", item=task.title), "success")
    except ProgressRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    except RecordConflict:
        db.session.rollback()
        flash(_(CONFLICT_MESSAGE), "error")
    return redirect(url_for(".checklist", onboarding_id=onboarding.id))


def _offboarding_or_404(onboarding_id: int) -> Onboarding:
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    if onboarding.kind != OFFBOARDING:
        abort(404)
    return onboarding


@bp.route("/members/<int:membership_id>/return", methods=["GET", "POST"])
def come_back(membership_id: int) -> str | Response:
    """Re-activate a person who left; a hire gets a new onboarding, valid cards carried over."""
    member = get_for_clinic_or_404(Membership, membership_id)
    form = ReturnForm()
    form.use_choices(hiring_roles(member.clinic_id), supervisor_memberships(member.clinic_id))
    if form.validate_on_submit():
        try:
            onboarding = returning.bring_back(member, current_membership(), _start(form), catalog())
            db.session.commit()
            flash(_("%(name)s is back in the clinic.", name=member.user.display_name), "success")
            return redirect(_after_return(member, onboarding))
        except (leaving.LeavingRefused, plans.OnboardingError, RecordConflict) as refused:
            db.session.rollback()
            _show_problem(form, refused)
    return render_template("leaving/return.html", form=form, member=member)


def _start(form: ReturnForm) -> returning.NewStart | None:
    if not form.role.data:
        return None
    supervisor = None
    if form.supervisor.data:
        supervisor = get_for_clinic_or_404(Membership, int(form.supervisor.data)).user
    role = get_for_clinic_or_404(ClinicRole, int(form.role.data))
    return returning.NewStart(role, form.start_date.data, supervisor)


def _after_return(member: Membership, onboarding: Onboarding | None) -> str:
    if onboarding is None:
        return url_for("clinic.member", membership_id=member.id)
    return url_for("staff.hire", onboarding_id=onboarding.id)


def _show_problem(form: LeaveForm | ReturnForm, refused: Exception) -> None:
    """A refusal about one answer shows beside it; anything else at the top of the page."""
    field = getattr(refused, "field", None)
    if field:
        getattr(form, field).errors.append(str(refused))
    elif isinstance(refused, RecordConflict):
        flash(_(CONFLICT_MESSAGE), "error")
    else:
        flash(str(refused), "error")
