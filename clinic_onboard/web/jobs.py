"""A job's progress page (managers only, this clinic's jobs only): it reads the database, so
any instance shows the same progress, and refreshes itself while the job runs."""

from flask import Blueprint, render_template, request
from flask_login import login_required

from clinic_onboard import policy
from clinic_onboard.models import Job
from clinic_onboard.models.types import utcnow
from clinic_onboard.queries.jobs import job_page, job_state
from clinic_onboard.web.tenancy import allowed, get_for_clinic_or_404

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Jobs import hires and email links: the clinic manager's work."""


@bp.get("/<int:job_id>")
def show(job_id: int) -> str:
    job = get_for_clinic_or_404(Job, job_id)
    page = request.args.get("page", 1, type=int) or 1
    return render_template("jobs/show.html", view=job_page(job, page, utcnow()))


@bp.get("/<int:job_id>/progress")
def progress(job_id: int) -> dict[str, object]:
    """What the page's script polls: the counts and whether the job has ended."""
    state = job_state(get_for_clinic_or_404(Job, job_id), utcnow())
    job = state.job
    return {
        "status": state.status.value,
        "finished": state.finished,
        "done": job.done,
        "total": job.total,
        "succeeded": job.succeeded,
        "refused": job.refused,
        "percent": state.percent,
    }
