"""The current clinic: its home page, its members, and switching between clinics."""

from babel.dates import get_day_names
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.local_time import TIME_ZONES
from clinic_onboard.models import AppRole, Clinic, Membership, User
from clinic_onboard.operations import account_security, clinic_profile, two_factor
from clinic_onboard.operations.invitations import may_issue_link
from clinic_onboard.queries import staff
from clinic_onboard.queries.audit_log import recent_audit_events
from clinic_onboard.queries.people import member_page
from clinic_onboard.queries.profile_preview import preview_changes
from clinic_onboard.services.i18n import LOCALES, interface_language
from clinic_onboard.services.library import catalog
from clinic_onboard.web import audit_entries, throttle
from clinic_onboard.web.forms import ClinicProfileForm, SwitchClinicForm
from clinic_onboard.web.hire_lists import MEMBER_STATES, member_filters, page_args
from clinic_onboard.web.hours_forms import ClinicHoursForm
from clinic_onboard.web.people_forms import AppRoleForm
from clinic_onboard.web.security_forms import (
    ClinicSecurityForm,
    EndSessionsForm,
    ResetTwoFactorForm,
)
from clinic_onboard.web.tenancy import (
    allowed,
    choose_clinic,
    current_membership,
    get_for_clinic_or_404,
)

bp = Blueprint("clinic", __name__, url_prefix="/clinic")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
AUDIT_PAGE = 200
_NOT_IN_CHARGE = _l(
    "This person also belongs to a clinic you do not manage: only someone who manages all "
    "of their clinics can sign them out everywhere or reset their two-factor sign-in."
)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in member of the clinic."""
    current_membership()


@bp.get("/")
def home() -> str:
    membership = current_membership()
    return render_template(
        "clinic/home.html", clinic=membership.clinic, profile=_profile_labels(membership)
    )


def _profile_labels(membership: Membership) -> dict[str, str]:
    """The clinic's codes and slugs as the names the content library gives them."""
    library, clinic = catalog(), membership.clinic
    lang = clinic.language
    emr = library.emr_products.get(clinic.emr) if clinic.emr else None
    return {
        _("Province or territory"): library.jurisdictions[clinic.province].name.get(lang),
        _("Type of clinic"): library.settings[clinic.setting].name.get(lang),
        _("EMR product"): emr.name.get(lang) if emr else _("None recorded"),
        _("On site"): ", ".join(library.options[o].name.get(lang) for o in clinic.options)
        or _("None"),
        _("Language of the clinic"): LANGUAGE_NAMES[lang],
        _("Time zone"): _(TIME_ZONES.get(clinic.time_zone, clinic.time_zone)),
        _("Open"): _open_days(clinic),
    }


def _open_days(clinic: Clinic) -> str:
    days = get_day_names("wide", locale=LOCALES[interface_language()])
    return ", ".join(days[n] for n in sorted(clinic.open_weekdays))


@bp.get("/members")
@allowed(policy.can_view_people)
def members() -> str:
    """Everyone in the clinic, searched and filtered, fifty to a page."""
    filters = member_filters(request.args)
    listed = member_page(current_membership().clinic_id, filters)
    return render_template(
        "clinic/members.html",
        listed=listed,
        filters=filters,
        states=MEMBER_STATES,
        app_roles=list(AppRole),
        page_args=page_args(request.args),
    )


@bp.get("/members/<int:membership_id>")
@allowed(policy.can_view_people)
def member(membership_id: int) -> str:
    """A member's page; their sign-in state only when the viewer manages all their clinics."""
    member = get_for_clinic_or_404(Membership, membership_id)
    return render_template(
        "clinic/member.html",
        member=member,
        in_charge=_in_charge(member),
        end_form=EndSessionsForm(),
        reset_form=ResetTwoFactorForm(),
        **_manage_forms(member),
    )


def _manage_forms(member: Membership) -> dict[str, object]:
    """For a manager: the app-role form and whether a set-password link may be made."""
    if not policy.can_manage_clinic(current_membership().role):
        return {"role_form": None, "can_link": False}
    form = AppRoleForm(app_role=member.role.value)
    form.use_choices()
    return {"role_form": form, "can_link": may_issue_link(member.user, member.clinic_id)}


@bp.post("/members/<int:membership_id>/sessions/end")
@allowed(policy.can_manage_clinic)
def end_sessions(membership_id: int) -> Response:
    """Sign a member out on every device (a lost phone, a computer left signed in), when the
    manager manages every clinic they belong to."""
    member = get_for_clinic_or_404(Membership, membership_id)
    if not _in_charge(member):
        flash(str(_NOT_IN_CHARGE), "error")
    elif EndSessionsForm().validate_on_submit():
        account_security.end_sessions(member, _me())
        db.session.commit()
        flash(
            _("%(name)s is signed out on every device.", name=member.user.display_name), "success"
        )
    return redirect(url_for(".member", membership_id=member.id))


@bp.post("/members/<int:membership_id>/two-factor/reset")
@allowed(policy.can_manage_clinic)
def reset_two_factor(membership_id: int) -> Response:
    """Remove a member's second factor so they can set up a new phone; password re-entered."""
    member = get_for_clinic_or_404(Membership, membership_id)
    problem = _reset_problem(ResetTwoFactorForm(), member)
    if problem:
        flash(problem, "error")
    else:
        account_security.reset_two_factor(member, _me())
        db.session.commit()
        flash(
            _("%(name)s's two-factor sign-in is reset.", name=member.user.display_name),
            "success",
        )
    return redirect(url_for(".member", membership_id=member.id))


def _reset_problem(form: ResetTwoFactorForm, member: Membership) -> str | None:
    """Why the reset cannot happen; the clinics are checked first, so a manager who is not in
    charge of the person never learns whether they use two-factor sign-in."""
    if not _in_charge(member):
        return str(_NOT_IN_CHARGE)
    if not form.validate_on_submit() or not throttle.reauthenticated(_me(), form.password.data):
        return _("That password is not right. Nothing was changed.")
    if not member.user.has_two_factor:
        return _("%(name)s does not use two-factor sign-in.", name=member.user.display_name)
    return None


@bp.route("/hours", methods=["GET", "POST"])
@allowed(policy.can_manage_clinic)
def hours() -> str | Response:
    """The clinic's time zone and open days: what "today" means and which days work is due."""
    clinic = current_membership().clinic
    form = ClinicHoursForm()
    form.use_clinic(clinic, clinic.today())
    if request.method == "GET":
        form.fill_from(clinic)
    elif form.validate_on_submit():
        data = form.time_zone.data, form.open_weekdays.data, form.open_holidays.data or []
        clinic_profile.update_hours(clinic, current_user, *data)
        db.session.commit()
        flash(_("The clinic's time zone and open days are saved."), "success")
        return redirect(url_for("clinic.home"))
    return render_template("clinic/hours.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@allowed(policy.can_manage_clinic)
def profile() -> str | Response:
    """Edit the profile: the first POST previews what changes, the confirmed one applies it."""
    clinic = current_membership().clinic
    form = ClinicProfileForm()
    form.use_catalog(catalog())
    if request.method == "GET":
        form.fill_from(clinic)
    elif form.validate_on_submit():
        details = form.details()
        if clinic_profile.unchanged(clinic, details):
            flash(_("Nothing changed."), "info")
            return redirect(url_for("clinic.home"))
        if form.confirmed.data == "yes":
            clinic_profile.update_profile(clinic, current_user, details)
            db.session.commit()
            flash(_("The clinic profile is updated."), "success")
            return redirect(url_for("clinic.home"))
        changes = preview_changes(catalog(), clinic, details, clinic.today())
        return render_template("clinic/profile_preview.html", form=form, changes=changes)
    return render_template("clinic/profile.html", form=form)


@bp.route("/security", methods=["GET", "POST"])
@allowed(policy.can_manage_clinic)
def security() -> str | Response:
    """Whether the clinic's managers and supervisors must use two-factor sign-in."""
    clinic = current_membership().clinic
    form = ClinicSecurityForm(require_two_factor=clinic.require_two_factor)
    if form.validate_on_submit():
        if form.require_two_factor.data != clinic.require_two_factor:
            two_factor.set_requirement(clinic, _me(), form.require_two_factor.data)
            db.session.commit()
        flash(_("The security settings are saved."), "success")
        return redirect(url_for(".security"))
    return render_template("clinic/security.html", form=form, people=_signers_and_managers())


def _signers_and_managers() -> list[Membership]:
    """The people the requirement applies to, so the manager sees who has set it up."""
    return staff.members(current_membership().clinic_id, policy.SUPERVISING)


@bp.get("/audit")
@allowed(policy.can_manage_clinic)
def audit_log() -> str:
    events = recent_audit_events(current_membership().clinic_id, AUDIT_PAGE)
    rows = audit_entries.entries(events, current_membership().clinic, catalog())
    return render_template("clinic/audit.html", entries=rows)


@bp.post("/switch")
def switch() -> Response:
    """Make another of the person's clinics the current one."""
    form = SwitchClinicForm()
    if not form.validate_on_submit() or not choose_clinic(form.clinic_id.data):
        abort(404)
    clinic = next(m.clinic for m in g.memberships if m.clinic_id == form.clinic_id.data)
    flash(_("You are now working in %(clinic)s.", clinic=clinic.name), "info")
    return redirect(url_for("clinic.home"))


def _in_charge(member: Membership) -> bool:
    """Whether the signed-in person manages every clinic the member belongs to."""
    return policy.manages_every_clinic_of(g.memberships, member.user.memberships)


def _me() -> User:
    """The signed-in manager as a User (operations store it as the actor)."""
    return current_user._get_current_object()
