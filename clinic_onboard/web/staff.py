"""New hires and their plans (managers only): add one or import many, see each plan snapshot,
bring a plan up to date with its role, and hand out set-password links."""

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
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicInvitation, ClinicRole, Membership, Onboarding, User
from clinic_onboard.operations import clinic_invitations, csv_import, invitation_quota, invitations
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations.progress import CONFLICT_MESSAGE
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.queries import plans as plan_reads
from clinic_onboard.queries.hire_summaries import hire_page
from clinic_onboard.queries.jobs import recent_jobs
from clinic_onboard.queries.roles import clinic_roles, hiring_roles
from clinic_onboard.queries.staff import invitations_of_clinic, plans_of, supervisor_memberships
from clinic_onboard.services import job_queue
from clinic_onboard.services.library import catalog
from clinic_onboard.web.hire_lists import filters_from, page_args
from clinic_onboard.web.role_forms import LABELS
from clinic_onboard.web.staff_forms import (
    AddHireForm,
    ApplyDifferencesForm,
    CsvImportForm,
    NewLinkForm,
    WithdrawInvitationForm,
)
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("staff", __name__, url_prefix="/staff")
# The link just made, kept in the session only until the next page shows it once.
LINK_KEY = "staff_new_link"
TEMPLATE_NAME = "new-hires-template.csv"
# Where the app keeps its verdicts on whose plan is behind, and how many (under 500 bytes each).
BEHIND_MEMO = "clinic_onboard.behind_memo"
BEHIND_KEPT = 20_000
# The pages that invite someone: they wait until the clinic's email is confirmed.
INVITING = frozenset({"staff.add", "staff.import_csv", "staff.new_link"})
# The list's status filter (``hire_summaries.STATUSES``) as the page says it.
STATES = {
    "invited": _l("Has not set a password yet"),
    "onboarding": _l("Onboarding"),
    "completed": _l("Completed"),
    "left": _l("Left"),
}

NO_LINK = _l(
    "No set-password link can be made here: this clinic did not create this account, or the "
    "person also belongs to another clinic."
)


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Adding hires and changing plans is the clinic manager's job."""


@bp.before_request
def _confirmed_clinics_invite() -> tuple[str, int] | None:
    """An unconfirmed sign-up adds and imports nobody, even people who have an account."""
    if request.endpoint in INVITING and not current_membership().clinic.is_confirmed:
        return render_template("staff/unconfirmed.html"), 403
    return None


@bp.get("/")
def index() -> str:
    clinic_id = current_membership().clinic_id
    roles, supervisors = clinic_roles(clinic_id), supervisor_memberships(clinic_id)
    ids = ({r.id for r in roles}, {m.user_id for m in supervisors})
    filters = filters_from(request.args, *ids, STATES)
    listed = hire_page(clinic_id, filters, current_membership().clinic.today())
    plans = plans_of(clinic_id, [row.onboarding_id for row in listed.rows])
    return render_template(
        "staff/index.html",
        listed=listed,
        behind=plan_reads.behind_ids(plans, catalog(), _behind_memo()),
        invitations=invitations_of_clinic(clinic_id),
        filters=filters,
        roles=roles,
        supervisors=supervisors,
        states=STATES,
        page_args=page_args(request.args),
    )


def _behind_memo() -> plan_reads.BehindMemo:
    """This app's verdicts on whose plan is behind, for the hires whose row keeps none for
    today's plan inputs (``operations.plan_verdicts``): a page of 50 compares each of those
    once per worker, not on every visit."""
    return current_app.extensions.setdefault(BEHIND_MEMO, plan_reads.BehindMemo(BEHIND_KEPT))


@bp.route("/new", methods=["GET", "POST"])
def add() -> str | Response:
    """Add a hire: a new account gets its plan and a link; an existing one an invitation."""
    form = AddHireForm()
    form.use_choices(_roles(), _supervisors())
    if form.validate_on_submit():
        try:
            added = clinic_invitations.add_hire(
                current_membership().clinic, _me(), _hire_details(form)
            )
            return after_adding(added)
        except plans.OnboardingError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        except invitation_quota.InvitationRefused as refused:
            db.session.rollback()  # the hire waits for their invitation: nothing is saved
            flash(str(refused), "error")
    return render_template("staff/new.html", form=form)


def _hire_details(form: AddHireForm) -> clinic_invitations.HireDetails:
    supervisor = None
    if form.supervisor.data:  # the empty choice means no supervisor yet
        supervisor = get_for_clinic_or_404(Membership, int(form.supervisor.data)).user
    return clinic_invitations.HireDetails(
        name=form.name.data,
        email=form.email.data,
        role=get_for_clinic_or_404(ClinicRole, int(form.role.data)),
        start_date=form.start_date.data,
        supervisor=supervisor,
        language=form.language.data or None,
    )


def after_adding(added: Onboarding | ClinicInvitation) -> Response:
    """Commit a hire just added, then show their link, or say they were invited."""
    if isinstance(added, ClinicInvitation):
        db.session.commit()
        # Nothing about the account is said: not its name, clinics or sign-in state.
        message = _(
            "This email already has an account, so %(name)s is invited: they join, and their "
            "plan is made, only when they accept while signed in. The invitation is listed "
            "below.",
            name=added.name,
        )
        flash(message, "success")
        return redirect(url_for("staff.index"))
    user = added.membership.user
    if not invitations.may_issue_link(user, added.clinic_id):
        db.session.commit()
        flash(
            _("%(name)s already has an account and signs in with it.", name=user.display_name),
            "success",
        )
        return redirect(url_for("staff.hire", onboarding_id=added.id))
    return _send_link(added, renew=False)


def _send_link(onboarding: Onboarding, *, renew: bool) -> Response:
    """Make a link, commit, then email it (outside the transaction) and show it once."""
    issue_and_show(onboarding.membership, onboarding.role.name, renew, onboarding_id=onboarding.id)
    return redirect(url_for("staff.link", onboarding_id=onboarding.id))


def issue_and_show(membership: Membership, role_name: str, renew: bool, **page: int) -> None:
    """Make a link, commit, email it (outside the transaction) and keep it in the session for
    the one page that shows it (``page`` names that page's object)."""
    link = invitations.issue_link(membership, _me(), renew=renew)
    db.session.commit()
    [delivery] = invitations.email_links([(membership, link, role_name)], _me())
    db.session.commit()
    session[LINK_KEY] = {
        **page,
        "url": link.url,
        "expires_on": link.expires_at.date().isoformat(),
        "delivery": delivery.value,
    }


@bp.get("/<int:onboarding_id>/link")
def link(onboarding_id: int) -> str:
    """The set-password link just made, shown this once (it is not stored anywhere)."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    shown = session.pop(LINK_KEY, None)
    if not shown or shown.get("onboarding_id") != onboarding.id:
        shown = None
    return render_template(
        "staff/link.html", onboarding=onboarding, shown=shown, link_form=NewLinkForm()
    )


@bp.post("/<int:onboarding_id>/link")
def new_link(onboarding_id: int) -> Response:
    """A new set-password link for a hire who has not set a password; older links stop working."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    if not NewLinkForm().validate_on_submit():
        return redirect(url_for(".hire", onboarding_id=onboarding.id))
    if onboarding.membership.user.password_hash is not None:
        flash(_("This person has already set a password; they sign in with it."), "info")
        return redirect(url_for(".hire", onboarding_id=onboarding.id))
    if not invitations.may_issue_link(onboarding.membership.user, onboarding.clinic_id):
        flash(str(NO_LINK), "info")
        return redirect(url_for(".hire", onboarding_id=onboarding.id))
    try:
        return _send_link(onboarding, renew=True)
    except invitation_quota.InvitationRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for(".hire", onboarding_id=onboarding.id))


@bp.post("/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(invitation_id: int) -> Response:
    """Take back an invitation, waiting or declined (the person no longer sees it)."""
    invitation = get_for_clinic_or_404(ClinicInvitation, invitation_id)
    if not WithdrawInvitationForm().validate_on_submit():
        return redirect(url_for(".index"))
    try:
        clinic_invitations.withdraw(invitation, _me())
    except plans.OnboardingError as error:
        db.session.rollback()
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(_("The invitation to %(name)s is withdrawn.", name=invitation.name), "success")
    return redirect(url_for(".index"))


@bp.get("/<int:onboarding_id>")
def hire(onboarding_id: int) -> str:
    """The hire's plan snapshot and, when the role gives something else today, the differences."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    differences = plan_reads.plan_differences(onboarding, catalog())
    return render_template(
        "staff/hire.html",
        onboarding=onboarding,
        differences=differences,
        apply_form=ApplyDifferencesForm(fingerprint=differences.fingerprint()),
        link_form=NewLinkForm(),
        can_link=invitations.may_issue_link(onboarding.membership.user, onboarding.clinic_id),
        labels=LABELS,
    )


@bp.post("/<int:onboarding_id>/apply")
def apply(onboarding_id: int) -> Response:
    """Apply the differences the manager saw; a stale page applies nothing."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    form = ApplyDifferencesForm()
    expected = form.fingerprint.data if form.validate_on_submit() else "missing"
    try:
        applied = plans.apply_differences(onboarding, _me(), catalog(), expected)
    except plans.OnboardingError as error:
        flash(str(error), "warning")
    except RecordConflict:  # an entry landed in the record while the update was stated in it
        db.session.rollback()
        flash(_(CONFLICT_MESSAGE), "error")
    else:
        db.session.commit()
        flash(_applied_message(applied), "success")
    return redirect(url_for(".hire", onboarding_id=onboarding.id))


def _applied_message(applied: plan_reads.PlanDifferences) -> str:
    added = len(applied.added_tasks) + len(applied.added_duties)
    withdrawn = len(applied.removed_tasks) + len(applied.removed_duties)
    updated = len(applied.changed_tasks) + len(applied.changed_duties)
    parts = (
        (added, ngettext("%(num)d item added", "%(num)d items added", added)),
        (withdrawn, ngettext("%(num)d item withdrawn", "%(num)d items withdrawn", withdrawn)),
        (updated, ngettext("%(num)d item updated", "%(num)d items updated", updated)),
    )
    done = [text for count, text in parts if count]
    summary = ", ".join(done) or _("nothing to change")
    return _("The plan now matches the role: %(summary)s.", summary=summary)


@bp.route("/import", methods=["GET", "POST"])
def import_csv() -> str | Response:
    """Check the file, then import it as a job and show its progress: lines are imported or
    refused one by one, off the request."""
    form = CsvImportForm()
    if not form.validate_on_submit():
        return _import_page(form, [])
    try:
        job = csv_import.start_import(current_membership().clinic, _me(), _submitted_text(form))
    except (csv_import.CsvProblem, invitation_quota.InvitationRefused) as problem:
        db.session.rollback()
        return _import_page(form, [str(problem)])
    db.session.commit()
    job_queue.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id))


def _import_page(form: CsvImportForm, errors: list[str]) -> str:
    megabytes = round(csv_import.max_bytes() / (1024 * 1024), 1)
    return render_template(
        "staff/import.html",
        form=form,
        errors=errors,
        max_megabytes=f"{megabytes:g}",
        recent=recent_jobs(current_membership().clinic_id),
    )


def _submitted_text(form: CsvImportForm) -> str:
    if form.upload.data:
        return csv_import.decode(form.upload.data.read(csv_import.max_bytes() + 1))
    return form.text.data or ""


@bp.get("/import/template.csv")
def import_template() -> Response:
    return Response(
        csv_import.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"'},
    )


def _me() -> User:
    """The signed-in manager as a User (operations compare and store it)."""
    return current_user._get_current_object()


def _roles() -> list[ClinicRole]:
    return hiring_roles(current_membership().clinic_id)


def _supervisors() -> list[Membership]:
    return supervisor_memberships(current_membership().clinic_id)
