"""The clinic's roles: add from a library template, tailor, and preview (managers only)."""

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.library import catalog
from clinic_onboard.models import ClinicRole
from clinic_onboard.web.tenancy import allowed, current_membership

bp = Blueprint("roles", __name__, url_prefix="/roles")


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Every page here configures the clinic, so only its managers reach them."""


@bp.get("/")
def index() -> str:
    query = select(ClinicRole).where(ClinicRole.clinic_id == current_membership().clinic_id)
    roles = db.session.scalars(query.order_by(ClinicRole.name)).all()
    return render_template("roles/index.html", roles=roles, templates=catalog().roles)
