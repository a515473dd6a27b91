"""Recording a reading: the form built from the log, typed values, the out-of-range question.

Kept apart from ``web/logs.py`` so each view stays short; the values are judged by
``planner.readings`` and written by ``operations.daily_logs``.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from clinic_onboard.catalog import ClinicLog
from clinic_onboard.extensions import db
from clinic_onboard.local_time import local
from clinic_onboard.models import LogUnit, Membership
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import daily_logs, incident_mail
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.planner.readings import out_of_range, range_text, read_values
from clinic_onboard.queries.log_pages import LogWithUnits
from clinic_onboard.services.library import catalog
from clinic_onboard.web.daily_forms import (
    DutySettingsForm,
    ReadingForm,
    UnitForm,
    raw_values,
    reading_form,
)
from clinic_onboard.web.tenancy import current_membership

PROBLEMS = {
    "required": _l("Enter a value."),
    "number": _l("Enter a number, like 4.5."),
    "pass_fail": _l("Choose pass or fail."),
    "expiry": _l("Enter a date."),
}
NOON = 12


def unit_form(logs: list[LogWithUnits]) -> UnitForm:
    form = UnitForm()
    lang = _content_language()
    form.log_id.choices = [SelectChoice(entry.log.id, entry.log.title.get(lang)) for entry in logs]
    return form


def hours_of(form: DutySettingsForm) -> daily_logs.DutyHours:
    return daily_logs.DutyHours(
        form.weekly_weekday.data,
        form.monthly_day.data,
        form.opens_at.data,
        form.closes_at.data,
        (form.public_health_phone.data or "").strip(),
    )


def record(unit: LogUnit, member: Membership) -> str | Response:
    log = catalog().log(unit.log_id)
    form = reading_form(log, member.clinic.language)
    if request.method == "GET":
        form.session.data = _likely_session(log, member)
        return _page(unit, log, form)
    if not form.validate_on_submit():
        return _page(unit, log, form)
    reading = read_values(log, raw_values(form, log))
    for field_id, problem in reading.problems.items():
        form[field_id].errors = [*form[field_id].errors, str(PROBLEMS[problem])]
    if reading.problems:
        return _page(unit, log, form)
    outside = out_of_range(log, reading.values, member.clinic.today())
    if outside and form.confirmed.data != "yes":
        return _page(unit, log, form, outside)
    return _save(unit, log, form.session.data, reading.values, member)


def _save(
    unit: LogUnit, log: ClinicLog, session: str, values: dict, member: Membership
) -> str | Response:
    try:
        _entry, incident = daily_logs.record_reading(unit, log, session, values, member)
        db.session.commit()
    except RecordConflict:
        db.session.rollback()
        flash(_("Someone else recorded in this log at the same moment. Try again."), "error")
        return redirect(url_for("logs.record", unit_id=unit.id))
    if incident is None:
        flash(_("The reading is recorded."), "success")
        return redirect(url_for("today.index"))
    incident_mail.tell_managers(incident, log)
    return redirect(url_for("logs.incident", incident_id=incident.id))


def _likely_session(log: ClinicLog, member: Membership) -> str:
    """The morning's session before noon, the last one after (opening / closing)."""
    hour = local(utcnow(), member.clinic.time_zone).hour
    return log.sessions[0].id if hour < NOON else log.sessions[-1].id


def _page(
    unit: LogUnit, log: ClinicLog, form: ReadingForm, outside: list[str] | None = None
) -> str:
    lang = _content_language()
    ranges = {f.id: range_text(f, lang) for f in log.fields}
    labels = {f.id: f.label.get(lang) for f in log.fields}
    return render_template(
        "logs/record.html",
        unit=unit,
        log=log,
        form=form,
        ranges=ranges,
        outside=[labels[field_id] for field_id in outside or []],
    )


def _content_language() -> str:
    """Library texts (labels, ranges) in the clinic's language, as the plans show them."""
    return current_membership().clinic.language
