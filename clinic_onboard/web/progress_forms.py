"""Form shapes for the hire's page and for sign-offs: types, lengths and choices only."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from clinic_onboard.record.states import EventKind
from clinic_onboard.record.words import EVENT_WORDS, METHOD_WORDS
from clinic_onboard.web.forms import Form, within_date_bounds
from clinic_onboard.web.staff_forms import IsoDateField

try:  # wtforms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - wtforms < 3.3

    def _Choice(value: str, label: str) -> tuple[str, str]:  # type: ignore[misc]
        return (value, label)


METHODS = {method: _l(word) for method, word in METHOD_WORDS.items()}
OUTCOMES = {
    "competent": _l("Competent"),
    EventKind.NEEDS_PRACTICE.value: _l(EVENT_WORDS[EventKind.NEEDS_PRACTICE]),
}


def _choices(labels: dict[str, str]) -> list:
    return [_Choice(value, label) for value, label in labels.items()]


class ActionForm(Form):
    """A button with nothing to fill in (CSRF only)."""


class NoteForm(Form):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class AcknowledgeForm(Form):
    typed_name = StringField(
        _l("Type your full name to sign"), validators=[DataRequired(), Length(max=120)]
    )


class CredentialForm(Form):
    issuer = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=200)])
    number = StringField(_l("Certificate or licence number"), validators=[Length(max=100)])
    # An unreadable date says how to write one, not "This field is required."
    issued_on = IsoDateField(
        _l("Issue date"),
        validators=[InputRequired(message=_l("Enter the issue date.")), within_date_bounds],
    )
    expires_on = IsoDateField(_l("Expiry date"), validators=[Optional(), within_date_bounds])
    file = FileField(_l("Copy of the certificate (optional)"))

    def validate_expires_on(self, field: IsoDateField) -> None:
        if field.data and self.issued_on.data and field.data <= self.issued_on.data:
            raise ValidationError(_("The expiry date must be after the issue date."))


class PasswordForm(Form):
    password = PasswordField(
        _l("Your password, to confirm it is you"), validators=[DataRequired(), Length(max=128)]
    )


class SignOffForm(PasswordForm):
    method = SelectField(
        _l("How you verified it"), choices=_choices(METHODS), validators=[DataRequired()]
    )
    outcome = SelectField(_l("Outcome"), choices=_choices(OUTCOMES), validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=1000)])

    def validate_comment(self, field: TextAreaField) -> None:
        if self.outcome.data == EventKind.NEEDS_PRACTICE and not (field.data or "").strip():
            raise ValidationError(_("Say what the person should practise."))


class VoidForm(Form):
    reason = StringField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=500)]
    )
