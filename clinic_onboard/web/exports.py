"""PDF downloads: a role's blank checklist and plan, a hire's record, the compliance summary.

Tenancy first (another clinic's id answers 404), then ``policy``, exactly as the pages the
PDFs print: the record goes to whoever may see the record page, the rest to managers.
"""

import re
from datetime import UTC, date, datetime

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from clinic_onboard import pdf_exports, policy
from clinic_onboard.models import ClinicRole, Onboarding
from clinic_onboard.pdf import Document, completed_record, compliance_summary
from clinic_onboard.pdf.render import render
from clinic_onboard.web.role_forms import PreviewForm
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every download needs a signed-in member of the clinic."""
    current_membership()


@bp.get("/roles/<int:role_id>/checklist.pdf")
@allowed(policy.can_manage_clinic)
def role_checklist(role_id: int) -> Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    document = pdf_exports.role_checklist(role, _start(), printed_on=date.today())
    return _pdf(document, f"duty-checklist-{_slug(role.name)}.pdf")


@bp.get("/roles/<int:role_id>/plan.pdf")
@allowed(policy.can_manage_clinic)
def role_plan(role_id: int) -> Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    start = _start()
    document = pdf_exports.role_plan(role, start, printed_on=date.today())
    return _pdf(document, f"onboarding-plan-{_slug(role.name)}-{start.isoformat()}.pdf")


@bp.get("/onboardings/<int:onboarding_id>/record.pdf")
def record(onboarding_id: int) -> Response:
    """The record page's people only: managers, the hire's supervisor and the hire."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    viewer = current_membership()
    if not policy.can_view_record(
        viewer.role, viewer.user_id, onboarding.membership.user_id, onboarding.supervisor_id
    ):
        abort(404)
    verify_url = url_for("signoffs.record", onboarding_id=onboarding.id, _external=True)
    now = datetime.now(UTC)
    document = completed_record(pdf_exports.record_input(onboarding, verify_url, now))
    name = _slug(onboarding.membership.user.display_name)
    return _pdf(document, f"onboarding-record-{name}-{now.date().isoformat()}.pdf")


@bp.get("/summary.pdf")
@allowed(policy.can_manage_clinic)
def summary() -> Response:
    clinic = current_membership().clinic
    now = datetime.now(UTC)
    document = compliance_summary(pdf_exports.summary_input(clinic, now))
    return _pdf(document, f"compliance-summary-{_slug(clinic.name)}-{now.date().isoformat()}.pdf")


def _start() -> date:
    """The plan's first day from ``?start=YYYY-MM-DD``, today when missing; a date that is
    not one, or outside the years every form accepts, answers 400 saying why."""
    form = PreviewForm(formdata=request.args)
    if not form.validate():
        problem = form.start.errors[0] if form.start.errors else ""
        abort(400, description=_("That start date cannot be printed. %(problem)s", problem=problem))
    return form.start.data or date.today()


def _slug(text: str) -> str:
    """A file-name-safe form of a name: "Medical assistant" -> "medical-assistant"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "export"


def _pdf(document: Document, filename: str) -> Response:
    response = Response(render(document), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
