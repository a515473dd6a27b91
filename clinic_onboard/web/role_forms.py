"""Form shapes for the roles pages, and the plain words shown for the library's codes.

Like ``forms.py`` they check types, lengths and choices only; whether a template exists, a name is
free or an item applies is for ``operations.roles`` to say.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from clinic_onboard.catalog import Catalog
from clinic_onboard.operations.roles import (
    CUSTOM_KINDS,
    GUIDANCE_MAX,
    NAME_MAX,
    REASON_MAX,
    TITLE_MAX,
)
from clinic_onboard.services.i18n import interface_language
from clinic_onboard.web.forms import Form, within_date_bounds

KIND_LABELS = {
    "task": _l("Task"),
    "competency": _l("Competency"),
    "credential": _l("Credential"),
    "document_check": _l("Document check"),
    "reading": _l("Reading"),
    "acknowledgement": _l("Acknowledgement"),
}
PHASE_LABELS = {
    "before_start": _l("Before the first day"),
    "day_1": _l("First day"),
    "week_1": _l("First week"),
    "first_30_days": _l("First 30 days"),
    "first_90_days": _l("First 90 days"),
}
SIGNOFF_LABELS = {
    "none": _l("No sign-off"),
    "supervisor": _l("A supervisor signs off"),
    "manager": _l("A manager signs off"),
}
FREQUENCY_LABELS = {
    "start_of_day": _l("Start of day"),
    "per_patient": _l("With every patient"),
    "end_of_day": _l("End of day"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
}
LABELS = {
    "kind": KIND_LABELS,
    "phase": PHASE_LABELS,
    "signoff": SIGNOFF_LABELS,
    "frequency": FREQUENCY_LABELS,
}


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class AddRoleForm(Form):
    # The operation, not the form, rejects an unknown template, with a message that says so.
    template = SelectField(
        _l("Role template"),
        validate_choice=False,
        validators=[DataRequired(_l("Choose a template."))],
    )
    name = StringField(_l("Name in your clinic"), validators=[Optional(), Length(max=NAME_MAX)])

    def use_catalog(self, catalog: Catalog) -> None:
        lang = interface_language()
        choices = catalog.roles.items()
        roles = [SelectChoice(slug, role.name.get(lang)) for slug, role in choices]
        self.template.choices = [SelectChoice("", _l("Choose a role template")), *roles]


class RenameRoleForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the role a name.")), Length(max=NAME_MAX)]
    )


class SwitchOffForm(Form):
    """One per library item on the role page, each with its own prefix so field ids differ."""

    reason = StringField(
        _l("Reason"),
        validators=[
            DataRequired(
                _l("Give a reason, such as a clinic policy or work outside this role here.")
            ),
            Length(max=REASON_MAX),
        ],
    )


class CustomItemForm(Form):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the item a title.")), Length(max=TITLE_MAX)]
    )
    guidance = TextAreaField(
        _l("Guidance for the hire"),
        validators=[DataRequired(_l("Say what the hire should do.")), Length(max=GUIDANCE_MAX)],
    )
    kind = SelectField(
        _l("Kind"),
        choices=_choices({kind: KIND_LABELS[kind] for kind in CUSTOM_KINDS}),
        default="task",
    )
    phase = SelectField(_l("When it is due"), choices=_choices(PHASE_LABELS), default="week_1")
    signoff = SelectField(_l("Sign-off"), choices=_choices(SIGNOFF_LABELS), default="none")


class PolicyDocumentForm(Form):
    """One per acknowledgement item on the role page (its own prefix): the clinic's PDF.
    Whether the bytes are a PDF, and small enough, is for ``services.uploads`` to say."""

    file = FileField(_l("The clinic's document (PDF)"))


class PreviewForm(Form):
    """A plan's start date read from the query string, for the preview and the blank PDFs
    (a GET form needs no CSRF token)."""

    class Meta:
        csrf = False

    start = DateField(_l("Start date"), validators=[Optional(), within_date_bounds])
