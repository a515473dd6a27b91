"""The manager's dashboard: progress, overdue items, sign-offs waiting, expiring credentials."""

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from clinic_onboard import policy
from clinic_onboard.queries.dashboard import build_dashboard
from clinic_onboard.queries.log_board import log_board
from clinic_onboard.queries.roles import clinic_roles
from clinic_onboard.services.library import catalog
from clinic_onboard.web.tenancy import allowed, current_membership

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
# A hire's state (``HireRow.state``) as the page says it, badge and filter alike.
STATES = {"on_track": _l("On track"), "overdue": _l("Overdue"), "completed": _l("Completed")}


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """The dashboard shows everyone's progress, which is the manager's view."""


@bp.get("/")
def index() -> str:
    clinic_id = current_membership().clinic_id
    roles = clinic_roles(clinic_id)
    role_id = request.args.get("role", type=int)
    role_id = role_id if any(r.id == role_id for r in roles) else None
    state = request.args.get("state") if request.args.get("state") in STATES else None
    board = build_dashboard(clinic_id, current_membership().clinic.today(), role_id)
    hires = [row for row in board.hires if state is None or row.state == state]
    return render_template(
        "dashboard/index.html",
        board=board,
        hires=hires,
        roles=roles,
        role_id=role_id,
        state=state,
        states=STATES,
        logs=log_board(catalog(), current_membership().clinic),
    )
