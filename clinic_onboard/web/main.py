"""The front door and the health check."""

from flask import Blueprint, g, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from clinic_onboard import policy

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> Response:
    """Where the work is: the sign-in page, or the page the person's app role works from."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    membership = g.get("membership")
    if membership is None:
        return redirect(url_for("clinic.home"))
    return redirect(url_for(policy.landing_page(membership.role)))


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """For load balancers and uptime checks: the process answers."""
    return {"status": "ok"}
