"""The clinic's logs: naming units, recording readings, incidents, corrections, the month."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import LogEntry, LogIncident, LogUnit
from clinic_onboard.operations import daily_logs
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.queries import daily, log_pages
from clinic_onboard.services.library import catalog
from clinic_onboard.web import log_recording
from clinic_onboard.web.daily_forms import (
    CloseIncidentForm,
    DutySettingsForm,
    ReasonForm,
)
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("logs", __name__, url_prefix="/logs")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every member keeps the clinic's logs."""
    current_membership()


@bp.get("/")
def index() -> str:
    clinic = current_membership().clinic
    logs = log_pages.clinic_log_list(catalog(), clinic)
    form = log_recording.unit_form(logs)
    return render_template(
        "logs/index.html", logs=logs, form=form, incidents=daily.open_incidents(clinic.id)
    )


@bp.post("/units")
@allowed(policy.can_manage_clinic)
def add_unit() -> str | Response:
    """Name a refrigerator, sterilizer or kit the clinic keeps a log for."""
    clinic = current_membership().clinic
    logs = log_pages.clinic_log_list(catalog(), clinic)
    form = log_recording.unit_form(logs)
    if form.validate_on_submit():
        log = catalog().log(form.log_id.data)
        try:
            daily_logs.add_unit(clinic, log, form.name.data, current_membership().user)
        except daily_logs.LogRefused:
            form.name.errors.append(_("The log already has a unit of that name."))
        else:
            db.session.commit()
            flash(_("%(name)s is added.", name=form.name.data), "success")
            return redirect(url_for(".index"))
    incidents = daily.open_incidents(clinic.id)
    return render_template("logs/index.html", logs=logs, form=form, incidents=incidents)


@bp.route("/settings", methods=["GET", "POST"])
@allowed(policy.can_manage_clinic)
def settings() -> str | Response:
    """When weekly and monthly duties fall, the clinic's hours (for "late"), and whom to call."""
    clinic = current_membership().clinic
    saved = daily.duty_settings(clinic)
    form = DutySettingsForm(obj=saved)
    form.use_language()
    if form.validate_on_submit():
        hours = log_recording.hours_of(form)
        daily_logs.save_settings(clinic, saved, hours, current_membership().user)
        db.session.commit()
        flash(_("The duty settings are saved."), "success")
        return redirect(url_for(".index"))
    return render_template("logs/settings.html", form=form)


@bp.route("/units/<int:unit_id>/record", methods=["GET", "POST"])
def record(unit_id: int) -> str | Response:
    """Record a reading; a value out of range asks for confirmation, then opens an incident."""
    unit = get_for_clinic_or_404(LogUnit, unit_id)
    return log_recording.record(unit, current_membership())


@bp.get("/units/<int:unit_id>")
def month(unit_id: int) -> str:
    """One unit's month: a day grid with the gaps, every entry, the incidents."""
    unit = get_for_clinic_or_404(LogUnit, unit_id)
    clinic = current_membership().clinic
    first = log_pages.first_of_month(request.args.get("month"), clinic.today())
    page = log_pages.unit_month(catalog(), clinic, unit, first)
    return render_template("logs/month.html", page=page)


@bp.post("/entries/<int:log_entry_id>/void")
@allowed(policy.can_correct_log)
def void(log_entry_id: int) -> Response:
    """Void a reading with a reason: it stays in the chain, marked voided."""
    entry = get_for_clinic_or_404(LogEntry, log_entry_id)
    form = ReasonForm()
    voided = log_pages.voided_seqs(entry.unit_id)
    if not form.validate_on_submit():
        flash(_("Give the reason for the correction."), "error")
    elif entry.kind != daily_logs.READING or entry.seq in voided:
        flash(_("This entry cannot be voided."), "error")
    else:
        daily_logs.void_entry(entry, form.reason.data, current_membership(), voided)
        db.session.commit()
        flash(_("The entry is voided."), "success")
    month = entry.day.strftime("%Y-%m")
    return redirect(url_for(".month", unit_id=entry.unit_id, month=month))


@bp.get("/incidents/<int:incident_id>")
def incident(incident_id: int) -> str:
    """What to do now, whom to call, and (for managers) closing it with what was done."""
    found = get_for_clinic_or_404(LogIncident, incident_id)
    clinic = current_membership().clinic
    return render_template(
        "logs/incident.html",
        incident=found,
        log=catalog().log(found.unit.log_id),
        phone=daily.duty_settings(clinic).public_health_phone,
        form=CloseIncidentForm(),
    )


@bp.post("/incidents/<int:incident_id>/close")
@allowed(policy.can_manage_clinic)
def close_incident(incident_id: int) -> Response:
    found = get_for_clinic_or_404(LogIncident, incident_id)
    form = CloseIncidentForm()
    if found.closed_at is not None:
        flash(_("This incident is already closed."), "info")
    elif not form.validate_on_submit():
        flash(_("Say what was done before closing the incident."), "error")
    else:
        try:
            daily_logs.close_incident(found, form.action.data, current_membership())
            db.session.commit()
            flash(_("The incident is closed."), "success")
        except RecordConflict:
            db.session.rollback()
            flash(_("Someone else changed this log at the same moment. Try again."), "error")
    return redirect(url_for(".incident", incident_id=found.id))
