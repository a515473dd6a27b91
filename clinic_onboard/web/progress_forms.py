"""Form shapes for the hire's page and for sign-offs: types, lengths and choices only."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

try:  # wtforms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - wtforms < 3.3

    def _Choice(value: str, label: str) -> tuple[str, str]:  # type: ignore[misc]
        return (value, label)


METHODS = {
    "observed": "Observed",
    "demonstrated": "Demonstrated",
    "discussed": "Discussed",
    "document reviewed": "Document reviewed",
}
OUTCOMES = {"competent": "Competent", "needs_practice": "Needs practice"}


def _choices(labels: dict[str, str]) -> list:
    return [_Choice(value, label) for value, label in labels.items()]


class ActionForm(FlaskForm):
    """A button with nothing to fill in (CSRF only)."""


class NoteForm(FlaskForm):
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=1000)])


class AcknowledgeForm(FlaskForm):
    typed_name = StringField(
        "Type your full name to sign", validators=[DataRequired(), Length(max=120)]
    )


class CredentialForm(FlaskForm):
    issuer = StringField("Issued by", validators=[DataRequired(), Length(max=200)])
    number = StringField("Certificate or licence number", validators=[Length(max=100)])
    issued_on = DateField("Issue date", validators=[DataRequired()])
    expires_on = DateField("Expiry date", validators=[Optional()])
    file = FileField("Copy of the certificate (optional)")

    def validate_expires_on(self, field: DateField) -> None:
        if field.data and self.issued_on.data and field.data <= self.issued_on.data:
            raise ValidationError("The expiry date must be after the issue date.")


class PasswordForm(FlaskForm):
    password = PasswordField(
        "Your password, to confirm it is you", validators=[DataRequired(), Length(max=128)]
    )


class SignOffForm(PasswordForm):
    method = SelectField(
        "How you verified it", choices=_choices(METHODS), validators=[DataRequired()]
    )
    outcome = SelectField("Outcome", choices=_choices(OUTCOMES), validators=[DataRequired()])
    comment = TextAreaField("Comment", validators=[Length(max=1000)])

    def validate_comment(self, field: TextAreaField) -> None:
        if self.outcome.data == "needs_practice" and not (field.data or "").strip():
            raise ValidationError("Say what the person should practise.")


class VoidForm(FlaskForm):
    reason = StringField("Reason for the correction", validators=[DataRequired(), Length(max=500)])
