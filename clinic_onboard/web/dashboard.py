"""The manager's dashboard: progress, overdue items, sign-offs waiting, expiring credentials."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from clinic_onboard import policy
from clinic_onboard.queries.dashboard import build_dashboard
from clinic_onboard.queries.getting_started import getting_started
from clinic_onboard.queries.log_board import log_board
from clinic_onboard.queries.roles import clinic_roles
from clinic_onboard.queries.staff import supervisor_memberships
from clinic_onboard.services.library import catalog
from clinic_onboard.web.hire_lists import filters_from, page_args
from clinic_onboard.web.tenancy import allowed, current_membership

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
# A hire's status filter (``hire_summaries.STATUSES``) as the page says it.
STATES = {
    "on_track": _l("On track"),
    "overdue": _l("Overdue"),
    "completed": _l("Completed"),
    "invited": _l("Has not set a password yet"),
}


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """The dashboard shows everyone's progress, which is the manager's view."""


@bp.get("/")
def index() -> str:
    clinic_id = current_membership().clinic_id
    roles, supervisors = clinic_roles(clinic_id), supervisor_memberships(clinic_id)
    ids = ({r.id for r in roles}, {m.user_id for m in supervisors})
    filters = filters_from(request.args, *ids, STATES)
    return render_template(
        "dashboard/index.html",
        board=build_dashboard(clinic_id, current_membership().clinic.today(), filters),
        filters=filters,
        roles=roles,
        supervisors=supervisors,
        states=STATES,
        page_args=page_args(request.args),
        first_steps=getting_started(clinic_id),
        logs=log_board(catalog(), current_membership().clinic),
    )
