"""Changing a hire after they were added, moving hires between supervisors, and deleting a hire
added by mistake (managers only). The rules and the audit log are ``operations.hire_changes``'s.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole, Membership, Onboarding, User
from clinic_onboard.operations import hire_changes
from clinic_onboard.operations.onboarding import OnboardingError
from clinic_onboard.queries.people import supervising_now
from clinic_onboard.queries.plans import snapshot_language
from clinic_onboard.queries.roles import clinic_roles
from clinic_onboard.queries.staff import supervisor_memberships
from clinic_onboard.services.library import catalog
from clinic_onboard.web.people_forms import ChangeHireForm, DeleteHireForm, ReassignForm
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("hires", __name__, url_prefix="/hires")


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Changing hires is the clinic manager's job."""


@bp.route("/<int:onboarding_id>/edit", methods=["GET", "POST"])
def edit(onboarding_id: int) -> str | Response:
    """Change a hire's details; a new start date re-dates only the items still open."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    form, supervisors = ChangeHireForm(), _supervisors()
    form.use_choices(clinic_roles(onboarding.clinic_id), supervisors)
    if request.method == "GET":
        _fill(form, onboarding, supervisors)
    elif form.validate_on_submit():
        try:
            changed = hire_changes.change_hire(onboarding, _me(), _change(form), catalog())
        except OnboardingError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The changes are saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("staff.hire", onboarding_id=onboarding.id))
    return render_template(
        "hires/edit.html", form=form, onboarding=onboarding, delete_form=DeleteHireForm()
    )


def _fill(form: ChangeHireForm, onboarding: Onboarding, supervisors: list[Membership]) -> None:
    """The hire as they are; a supervisor who no longer supervises shows as nobody yet."""
    user, supervisor_id = onboarding.membership.user, onboarding.supervisor_id
    form.name.data, form.email.data = user.display_name, user.email
    form.role.data, form.start_date.data = str(onboarding.role_id), onboarding.start_date
    form.language.data = snapshot_language(onboarding)
    member = next((m for m in supervisors if m.user_id == supervisor_id), None)
    form.supervisor.data = str(member.id) if member else ""


def _change(form: ChangeHireForm) -> hire_changes.HireChange:
    return hire_changes.HireChange(
        name=form.name.data,
        email=form.email.data,
        start_date=form.start_date.data,
        supervisor=_supervisor(form.supervisor.data),
        language=form.language.data,
        role=get_for_clinic_or_404(ClinicRole, int(form.role.data)),
    )


@bp.post("/<int:onboarding_id>/delete")
def delete(onboarding_id: int) -> Response:
    """Delete a hire added by mistake; refused once anything is recorded for them."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    if not DeleteHireForm().validate_on_submit():
        return redirect(url_for(".edit", onboarding_id=onboarding.id))
    name = onboarding.membership.user.display_name
    try:
        hire_changes.delete_hire(onboarding, _me())
    except OnboardingError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("staff.hire", onboarding_id=onboarding_id))
    db.session.commit()
    flash(_("%(name)s is deleted; the audit log keeps the entry.", name=name), "success")
    return redirect(url_for("staff.index"))


@bp.route("/reassign", methods=["GET", "POST"])
def reassign() -> str | Response:
    """Move every hire of one supervisor to another, as when someone changes team."""
    form = ReassignForm()
    form.use_choices(supervising_now(current_membership().clinic_id), _supervisors())
    if form.validate_on_submit():
        old, new = _supervisor(form.old.data), _supervisor(form.new.data)
        try:
            moved = hire_changes.reassign_supervisor(current_membership().clinic, _me(), old, new)
        except OnboardingError as error:
            db.session.rollback()
            form.new.errors.append(str(error))
        else:
            db.session.commit()
            flash(ngettext("%(num)d hire moved.", "%(num)d hires moved.", len(moved)), "success")
            return redirect(url_for("staff.index"))
    return render_template("hires/reassign.html", form=form)


def _supervisor(membership_id: str | None) -> User | None:
    """The user behind a Supervisor choice (the empty choice is nobody)."""
    if not membership_id:
        return None
    return get_for_clinic_or_404(Membership, int(membership_id)).user


def _supervisors() -> list[Membership]:
    return supervisor_memberships(current_membership().clinic_id)


def _me() -> User:
    """The signed-in manager as a User (operations compare and store it)."""
    return current_user._get_current_object()
