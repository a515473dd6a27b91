"""The front door and the health check."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> Response:
    return redirect(url_for("clinic.home" if current_user.is_authenticated else "auth.login"))


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """For load balancers and uptime checks: the process answers."""
    return {"status": "ok"}
