"""Form shapes for the roles pages, and the plain words shown for the library's codes.

Like ``forms.py`` they check types, lengths and choices only; whether a template exists, a name is
free or an item applies is for ``operations.roles`` to say.
"""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clinic_onboard.catalog import Catalog
from clinic_onboard.operations.roles import (
    CUSTOM_KINDS,
    GUIDANCE_MAX,
    NAME_MAX,
    REASON_MAX,
    TITLE_MAX,
)

KIND_LABELS = {
    "task": "Task",
    "competency": "Competency",
    "credential": "Credential",
    "reading": "Reading",
    "acknowledgement": "Acknowledgement",
}
PHASE_LABELS = {
    "before_start": "Before the first day",
    "day_1": "First day",
    "week_1": "First week",
    "first_30_days": "First 30 days",
    "first_90_days": "First 90 days",
}
SIGNOFF_LABELS = {
    "none": "No sign-off",
    "supervisor": "A supervisor signs off",
    "manager": "A manager signs off",
}
FREQUENCY_LABELS = {
    "start_of_day": "Start of day",
    "per_patient": "With every patient",
    "end_of_day": "End of day",
    "weekly": "Weekly",
    "monthly": "Monthly",
}
LABELS = {
    "kind": KIND_LABELS,
    "phase": PHASE_LABELS,
    "signoff": SIGNOFF_LABELS,
    "frequency": FREQUENCY_LABELS,
}
# Outside this range the planner's working-day arithmetic would run off the calendar.
EARLIEST_START, LATEST_START = date(2000, 1, 1), date(2099, 12, 31)


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class AddRoleForm(FlaskForm):
    # The operation, not the form, rejects an unknown template, with a message that says so.
    template = SelectField(
        "Role template", validate_choice=False, validators=[DataRequired("Choose a template.")]
    )
    name = StringField("Name in your clinic", validators=[Optional(), Length(max=NAME_MAX)])

    def use_catalog(self, catalog: Catalog) -> None:
        roles = [SelectChoice(slug, role.name) for slug, role in catalog.roles.items()]
        self.template.choices = [SelectChoice("", "Choose a role template"), *roles]


class RenameRoleForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the role a name."), Length(max=NAME_MAX)]
    )


class SwitchOffForm(FlaskForm):
    """One per library item on the role page, each with its own prefix so field ids differ."""

    reason = StringField(
        "Reason",
        validators=[
            DataRequired("Give a reason, such as a clinic policy or work outside this role here."),
            Length(max=REASON_MAX),
        ],
    )


class CustomItemForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the item a title."), Length(max=TITLE_MAX)]
    )
    guidance = TextAreaField(
        "Guidance for the hire",
        validators=[DataRequired("Say what the hire should do."), Length(max=GUIDANCE_MAX)],
    )
    kind = SelectField(
        "Kind", choices=_choices({kind: KIND_LABELS[kind] for kind in CUSTOM_KINDS}), default="task"
    )
    phase = SelectField("When it is due", choices=_choices(PHASE_LABELS), default="week_1")
    signoff = SelectField("Sign-off", choices=_choices(SIGNOFF_LABELS), default="none")


def _in_range(form: FlaskForm, field: DateField) -> None:
    if field.data is not None and not EARLIEST_START <= field.data <= LATEST_START:
        raise ValidationError(
            f"Choose a date between {EARLIEST_START.year} and {LATEST_START.year}."
        )


class PreviewForm(FlaskForm):
    """The preview's start date, read from the query string (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField("Start date", validators=[Optional(), _in_range])
