"""New hires and their plans (managers only)."""

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import Membership, Onboarding
from clinic_onboard.web.tenancy import allowed, current_membership

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Adding hires and changing plans is the clinic manager's job."""


@bp.get("/")
def index() -> str:
    query = (
        select(Onboarding)
        .where(Onboarding.clinic_id == current_membership().clinic_id)
        .options(joinedload(Onboarding.membership).joinedload(Membership.user))
        .options(joinedload(Onboarding.role))
        .order_by(Onboarding.start_date.desc(), Onboarding.id)
    )
    return render_template("staff/index.html", onboardings=db.session.scalars(query).all())
