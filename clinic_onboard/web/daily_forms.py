"""Forms of the daily pages: shape only. A reading's form is built from the log's fields in the
library, so a new log needs no new form; ``planner.readings`` types and judges the values."""

from babel.dates import get_day_names
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from clinic_onboard.catalog import ClinicLog
from clinic_onboard.catalog.schema import LogField
from clinic_onboard.planner.readings import FAIL, PASS
from clinic_onboard.services.i18n import LOCALES, interface_language
from clinic_onboard.web.forms import Form

TEXT_MAX = 200


class TickForm(Form):
    """One tap: the duty is in the URL, the token is all the form carries."""


class UnitForm(Form):
    log_id = SelectField(_l("Log"), validators=[DataRequired()])
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example: Vaccine fridge, room 2"),
    )


class DutySettingsForm(Form):
    weekly_weekday = SelectField(_l("Weekly duties fall on"), coerce=int)
    monthly_day = IntegerField(
        _l("Monthly duties fall on day"), validators=[InputRequired(), NumberRange(1, 28)]
    )
    opens_at = TimeField(_l("The clinic opens at"), validators=[InputRequired()])
    closes_at = TimeField(_l("The clinic closes at"), validators=[InputRequired()])
    public_health_phone = StringField(
        _l("Phone number of the local public health unit"),
        validators=[Optional(), Length(max=40)],
    )

    def use_language(self) -> None:
        days = get_day_names("wide", locale=LOCALES[interface_language()])
        self.weekly_weekday.choices = [SelectChoice(n, days[n].capitalize()) for n in range(7)]


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class CloseIncidentForm(Form):
    action = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=2000)])


class ReadingForm(Form):
    """The fields are added per log by ``reading_form``; ``confirmed`` is set by the
    "Yes, it is out of range" button."""

    session = SelectField(_l("When"), validators=[DataRequired()])
    confirmed = HiddenField()


def reading_form(log: ClinicLog, lang: str) -> ReadingForm:
    """A form with one input per field of the log, labelled in ``lang``."""

    class LogReadingForm(ReadingForm):
        pass

    for log_field in log.fields:
        setattr(LogReadingForm, log_field.id, _input(log_field, lang))
    form = LogReadingForm()
    form.session.choices = [SelectChoice(s.id, s.label.get(lang)) for s in log.sessions]
    return form


def _input(log_field: LogField, lang: str) -> Field:
    label = log_field.label.get(lang)
    if log_field.kind == "number":
        unit = f" ({log_field.unit})" if log_field.unit else ""
        return StringField(
            label + unit,
            validators=[DataRequired(), Length(max=20)],
            render_kw={"inputmode": "decimal", "autocomplete": "off"},
        )
    if log_field.kind == "pass_fail":
        return RadioField(
            label,
            choices=[SelectChoice(PASS, _l("Pass")), SelectChoice(FAIL, _l("Fail"))],
            validators=[InputRequired()],
        )
    if log_field.kind == "expiry":
        return DateField(label, validators=[InputRequired()])
    return StringField(label, validators=[DataRequired(), Length(max=TEXT_MAX)])


def raw_values(form: ReadingForm, log: ClinicLog) -> dict[str, str]:
    """What was typed, as text, for ``planner.readings.read_values``."""
    values = {}
    for log_field in log.fields:
        data = form[log_field.id].data
        values[log_field.id] = data.isoformat() if hasattr(data, "isoformat") else str(data or "")
    return values
