"""Telling the clinic's managers at once that a log reading opened an incident.

Sent in the clinic's language when SMTP is configured (``services.mail``); a failure is logged
and does not undo the reading: the incident shows on the dashboard either way.
"""

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext

from clinic_onboard.catalog import ClinicLog
from clinic_onboard.models import LogIncident
from clinic_onboard.queries import daily
from clinic_onboard.services import mail
from clinic_onboard.services.i18n import LOCALES


def tell_managers(incident: LogIncident, log: ClinicLog) -> int:
    """Email every manager of the clinic; the number of messages handed to the server."""
    if not mail.mail_configured():
        return 0
    unit = incident.unit
    clinic = daily.clinic_of(unit.clinic_id)
    context = {
        "incident": incident,
        "unit": unit,
        "log": log,
        "lang": clinic.language,
        "url": url_for("logs.incident", incident_id=incident.id, _external=True),
        "phone": daily.duty_settings(clinic).public_health_phone,
    }
    with force_locale(LOCALES[clinic.language]):
        subject = gettext("Out of range: %(unit)s", unit=unit.name)
        text = render_template("logs/incident_email.txt", **context)
        html = render_template("logs/incident_email.html", **context)
    sent = 0
    for address in daily.manager_emails(unit.clinic_id):
        try:
            sent += mail.send_email(address, subject, text, html)
        except mail.MailError as error:
            current_app.logger.warning("Incident email to %s failed: %s", address, error)
    return sent
