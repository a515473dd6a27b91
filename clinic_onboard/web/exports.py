"""PDF downloads: a role's blank checklist and plan, a hire's record, the compliance summary.

Tenancy first (another clinic's id answers 404), then ``policy``, exactly as the pages the
PDFs print: the record goes to whoever may see the record page, the rest to managers.

A render is the costliest thing a request can ask for (a large record took seconds and
megabytes), so each person has a rate of PDFs (``PDF_RATE_LIMIT``, shared by every PDF route)
and each process renders at most ``PDF_RENDER_CONCURRENCY`` at once: one more answers 503
with Retry-After at once rather than queueing behind the others.
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from threading import BoundedSemaphore

from flask import Blueprint, abort, current_app, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db, limiter
from clinic_onboard.local_time import local, today_in
from clinic_onboard.models import ClinicRole, LogUnit, Onboarding
from clinic_onboard.operations.issued_records import issue_record
from clinic_onboard.pdf import Document, completed_record, compliance_summary
from clinic_onboard.pdf.day_grid import blank_log_sheet, duty_checklist_grid, filled_log_month
from clinic_onboard.pdf.render import render
from clinic_onboard.queries import log_pages, log_pdf, pdf_inputs
from clinic_onboard.queries.plans import snapshot_language
from clinic_onboard.web.role_forms import PreviewForm
from clinic_onboard.web.security import account_key
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("exports", __name__, url_prefix="/exports")
RENDERS = "clinic_onboard.pdf_renders"  # the process's semaphore, in app.extensions
BUSY_RETRY_SECONDS = 5


@bp.record_once
def _renders(state: BlueprintSetupState) -> None:
    state.app.extensions[RENDERS] = BoundedSemaphore(state.app.config["PDF_RENDER_CONCURRENCY"])


def _rate() -> str:
    return current_app.config["PDF_RATE_LIMIT"]


def _too_many() -> str:
    return _("You have asked for many PDFs in a short time. Please wait a minute and try again.")


# One allowance per person across every PDF route, whichever address they come from.
per_person = limiter.shared_limit(_rate, scope="pdf", key_func=account_key, error_message=_too_many)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every download needs a signed-in member of the clinic."""
    current_membership()


@bp.get("/roles/<int:role_id>/checklist.pdf")
@allowed(policy.can_manage_clinic)
@per_person
def role_checklist(role_id: int) -> Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    build = partial(
        pdf_inputs.role_checklist, role, _start(), printed_on=current_membership().clinic.today()
    )
    return _pdf(build, f"duty-checklist-{_slug(role.name)}.pdf")


@bp.get("/roles/<int:role_id>/plan.pdf")
@allowed(policy.can_manage_clinic)
@per_person
def role_plan(role_id: int) -> Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    start = _start()
    build = partial(
        pdf_inputs.role_plan, role, start, printed_on=current_membership().clinic.today()
    )
    return _pdf(build, f"onboarding-plan-{_slug(role.name)}-{start.isoformat()}.pdf")


@bp.post("/onboardings/<int:onboarding_id>/record.pdf")
@per_person
def record(onboarding_id: int) -> Response:
    """The record page's people only: managers, the hire's supervisor and the hire.

    Issuing is a write: the PDF's SHA-256 is stored, so anyone holding the file can check it
    on the public verification page the QR code leads to."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    if not policy.can_view_record(current_membership(), onboarding):
        abort(404)
    verify_url = url_for("verify.index", _external=True)
    now = datetime.now(UTC)
    name = _slug(onboarding.membership.user.display_name)
    response = _pdf(
        # In the plan's own language: a francophone hire's record is French in any clinic.
        lambda: completed_record(
            pdf_inputs.record_input(onboarding, verify_url, now, snapshot_language(onboarding))
        ),
        f"onboarding-record-{name}-{today_in(onboarding.membership.clinic.time_zone, now)}.pdf",
    )
    issue_record(onboarding, response.get_data(), now, current_membership().user)
    db.session.commit()
    return response


@bp.get("/summary.pdf")
@allowed(policy.can_manage_clinic)
@per_person
def summary() -> Response:
    clinic = current_membership().clinic
    now = local(datetime.now(UTC), clinic.time_zone)  # printed on the clinic's clock
    return _pdf(
        lambda: compliance_summary(pdf_inputs.summary_input(clinic, now)),
        f"compliance-summary-{_slug(clinic.name)}-{now.date().isoformat()}.pdf",
    )


def _start() -> date:
    """The plan's first day from ``?start=YYYY-MM-DD``, today when missing; a date that is
    not one, or outside the years every form accepts, answers 400 saying why."""
    form = PreviewForm(formdata=request.args)
    if not form.validate():
        problem = form.start.errors[0] if form.start.errors else ""
        abort(400, description=_("That start date cannot be printed. %(problem)s", problem=problem))
    return form.start.data or current_membership().clinic.today()


def _slug(text: str) -> str:
    """A file-name-safe form of a name: "Medical assistant" -> "medical-assistant"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "export"


def _pdf(build: Callable[[], Document], filename: str) -> Response:
    """Build and render the document while holding one of the process's render slots."""
    slots: BoundedSemaphore = current_app.extensions[RENDERS]
    if not slots.acquire(blocking=False):
        busy = _("Many documents are being prepared right now. Please try again in a few seconds.")
        raise ServiceUnavailable(description=busy, retry_after=BUSY_RETRY_SECONDS)
    try:
        body = render(build())
    finally:
        slots.release()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- day-grid sheets: clinic logs and a role's duty grid (pdf/day_grid.py) -------------------


@bp.get("/logs/<int:unit_id>/sheet.pdf")
@per_person
def log_sheet(unit_id: int) -> Response:
    """A blank sheet of a log for a week or a month (``?period=week|month&start=``)."""
    unit = get_for_clinic_or_404(LogUnit, unit_id)
    first, last = log_pdf.period_of(_period(), _start())
    sheet = log_pdf.log_sheet(current_membership().clinic, unit, first, last)
    return _pdf(lambda: blank_log_sheet(sheet), f"log-{_slug(unit.name)}-{first}.pdf")


@bp.get("/logs/<int:unit_id>/month.pdf")
@per_person
def log_month(unit_id: int) -> Response:
    """A log's filled month for an inspection (``?month=YYYY-MM``, this month by default)."""
    unit = get_for_clinic_or_404(LogUnit, unit_id)
    clinic = current_membership().clinic
    first = log_pages.first_of_month(request.args.get("month"), clinic.today())
    month = log_pdf.log_month(clinic, unit, first, datetime.now(UTC))
    return _pdf(lambda: filled_log_month(month), f"log-{_slug(unit.name)}-{first:%Y-%m}.pdf")


@bp.get("/roles/<int:role_id>/duty-grid.pdf")
@allowed(policy.can_manage_clinic)
@per_person
def role_duty_grid(role_id: int) -> Response:
    """A role's blank duty checklist with a day grid for a week or a month."""
    role = get_for_clinic_or_404(ClinicRole, role_id)
    first, last = log_pdf.period_of(_period(), _start())
    sheet = log_pdf.duty_grid(role, first, last)
    return _pdf(lambda: duty_checklist_grid(sheet), f"duty-grid-{_slug(role.name)}-{first}.pdf")


def _period() -> str:
    return request.args.get("period") if request.args.get("period") in log_pdf.PERIODS else "month"
