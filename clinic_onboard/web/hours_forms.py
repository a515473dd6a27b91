"""The clinic's clock and open days: shape only; ``operations.clinic_profile`` applies them."""

from datetime import date, timedelta

from babel.dates import get_day_names
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired

from clinic_onboard.local_time import TIME_ZONES
from clinic_onboard.models import Clinic
from clinic_onboard.planner.workdays import statutory_holidays
from clinic_onboard.services.i18n import LOCALES, interface_language
from clinic_onboard.web.forms import CheckboxesField, Form

HOLIDAYS_AHEAD = timedelta(days=366)


class ClinicHoursForm(Form):
    time_zone = SelectField(_l("Time zone"), validators=[DataRequired()])
    open_weekdays = CheckboxesField(
        _l("Days the clinic is open"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose at least one day the clinic is open."))],
    )
    open_holidays = CheckboxesField(_l("Statutory holidays the clinic opens anyway"))

    def use_clinic(self, clinic: Clinic, today: date) -> None:
        """Choices in the reader's language; the holidays are the coming year's, plus any
        already chosen, so a saved choice never silently drops off the form."""
        lang = interface_language()
        self.time_zone.choices = [(zone, _(label)) for zone, label in TIME_ZONES.items()]
        days = get_day_names("wide", locale=LOCALES[lang])
        self.open_weekdays.choices = [(n, days[n].capitalize()) for n in range(7)]
        coming = statutory_holidays(clinic.province, today, today + HOLIDAYS_AHEAD, lang)
        chosen = {date.fromisoformat(d) for d in clinic.open_holidays} - {d for d, _n in coming}
        self.open_holidays.choices = [
            (d.isoformat(), f"{d.isoformat()} · {name}") for d, name in coming
        ] + [(d.isoformat(), d.isoformat()) for d in sorted(chosen)]

    def fill_from(self, clinic: Clinic) -> None:
        self.time_zone.data = clinic.time_zone
        self.open_weekdays.data = list(clinic.open_weekdays)
        self.open_holidays.data = list(clinic.open_holidays)
