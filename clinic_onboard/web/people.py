"""Inviting people in any app role, their set-password links, and changing a member's app role
(managers only). Hires with a plan are the staff pages' business; this is everyone else."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    ClinicInvitation,
    ClinicRole,
    Membership,
    Onboarding,
    User,
)
from clinic_onboard.operations import clinic_invitations, invitation_quota, invitations, people
from clinic_onboard.operations.onboarding import OnboardingError
from clinic_onboard.queries.people import supervised_count
from clinic_onboard.queries.roles import hiring_roles
from clinic_onboard.queries.staff import supervisor_memberships
from clinic_onboard.services.i18n import role_label
from clinic_onboard.web import staff
from clinic_onboard.web.people_forms import AppRoleForm, InvitePersonForm
from clinic_onboard.web.staff_forms import NewLinkForm
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("people", __name__, url_prefix="/people")
INVITING = frozenset({"people.invite", "people.new_link"})


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Inviting people and changing what they may do is the clinic manager's job."""


@bp.before_request
def _confirmed_clinics_invite() -> tuple[str, int] | None:
    """An unconfirmed sign-up invites nobody (``operations.invitation_quota``)."""
    if request.endpoint in INVITING and not current_membership().clinic.is_confirmed:
        return render_template("staff/unconfirmed.html"), 403
    return None


@bp.route("/invite", methods=["GET", "POST"])
def invite() -> str | Response:
    """Invite a manager, supervisor or staff member; a chosen clinic role adds their plan."""
    form = InvitePersonForm()
    form.use_choices(hiring_roles(current_membership().clinic_id), _supervisors())
    if form.validate_on_submit():
        try:
            return _invited(_add(form))
        except OnboardingError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(str(error))
        except invitation_quota.InvitationRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
    return render_template("people/invite.html", form=form)


def _add(form: InvitePersonForm) -> Membership | ClinicInvitation | Onboarding:
    clinic, app_role = current_membership().clinic, AppRole(form.app_role.data)
    if not form.role.data:
        details = people.PersonDetails(form.name.data, form.email.data, app_role)
        return people.invite_person(clinic, _me(), details)
    supervisor = None
    if form.supervisor.data:
        supervisor = get_for_clinic_or_404(Membership, int(form.supervisor.data)).user
    hire = clinic_invitations.HireDetails(
        name=form.name.data,
        email=form.email.data,
        role=get_for_clinic_or_404(ClinicRole, int(form.role.data)),
        start_date=form.start_date.data,
        supervisor=supervisor,
        app_role=app_role,
    )
    return clinic_invitations.add_hire(clinic, _me(), hire)


def _invited(added: Membership | ClinicInvitation | Onboarding) -> Response:
    if isinstance(added, Membership):
        return _send_link(added, renew=False)
    if isinstance(added, ClinicInvitation) and added.role is None:
        db.session.commit()
        # Nothing about the account is said: not its name, clinics or sign-in state.
        message = _(
            "This email already has an account, so %(name)s is invited: they join only when "
            "they accept while signed in. The invitation is listed on the staff page.",
            name=added.name,
        )
        flash(message, "success")
        return redirect(url_for("staff.index"))
    return staff.after_adding(added)


def _send_link(membership: Membership, *, renew: bool) -> Response:
    """Make a link, commit, email it (outside the transaction) and show it once."""
    staff.issue_and_show(
        membership, role_label(membership.role), renew, membership_id=membership.id
    )
    return redirect(url_for(".link", membership_id=membership.id))


@bp.get("/<int:membership_id>/link")
def link(membership_id: int) -> str:
    """The set-password link just made, shown this once (it is not stored anywhere)."""
    member = get_for_clinic_or_404(Membership, membership_id)
    shown = session.pop(staff.LINK_KEY, None)
    if not shown or shown.get("membership_id") != member.id:
        shown = None
    can_link = invitations.may_issue_link(member.user, member.clinic_id)
    return render_template(
        "people/link.html", member=member, shown=shown, link_form=NewLinkForm(), can_link=can_link
    )


@bp.post("/<int:membership_id>/link")
def new_link(membership_id: int) -> Response:
    """A new set-password link for someone this clinic created who has no password yet."""
    member = get_for_clinic_or_404(Membership, membership_id)
    if not NewLinkForm().validate_on_submit():
        return redirect(url_for(".link", membership_id=member.id))
    if not invitations.may_issue_link(member.user, member.clinic_id):
        flash(str(staff.NO_LINK), "info")
        return redirect(url_for("clinic.member", membership_id=member.id))
    try:
        return _send_link(member, renew=True)
    except invitation_quota.InvitationRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("clinic.member", membership_id=member.id))


@bp.post("/<int:membership_id>/role")
def change_role(membership_id: int) -> Response:
    """Make a member a manager, supervisor or staff; the last manager stays one."""
    member = get_for_clinic_or_404(Membership, membership_id)
    form = AppRoleForm()
    form.use_choices()
    if not form.validate_on_submit():
        flash(_("Choose manager, supervisor or staff."), "error")
        return redirect(url_for("clinic.member", membership_id=member.id))
    try:
        changed = people.change_app_role(member, _me(), AppRole(form.app_role.data))
    except OnboardingError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("clinic.member", membership_id=member.id))
    db.session.commit()
    if changed:
        message = _("%(name)s's role in this clinic is changed.", name=member.user.display_name)
        flash(message, "success")
        _warn_of_hires_left(member)
    return redirect(url_for("clinic.member", membership_id=member.id))


def _warn_of_hires_left(member: Membership) -> None:
    """Staff supervise nobody: their hires wait for someone else to be named."""
    count = supervised_count(member.clinic_id, member.user_id)
    if member.role == AppRole.STAFF and count:
        message = ngettext(
            "%(name)s still supervises %(num)d hire: give it to someone else with "
            '"Move hires to another supervisor" on the Staff page.',
            "%(name)s still supervises %(num)d hires: give them to someone else with "
            '"Move hires to another supervisor" on the Staff page.',
            count,
            name=member.user.display_name,
        )
        flash(message, "warning")


def _supervisors() -> list[Membership]:
    return supervisor_memberships(current_membership().clinic_id)


def _me() -> User:
    """The signed-in manager as a User (operations compare and store it)."""
    return current_user._get_current_object()
