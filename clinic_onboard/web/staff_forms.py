"""Form shapes for the staff pages and the set-password page.

Like ``forms.py`` they check types, lengths and choices only. Role and supervisor choices are
this clinic's own, so another clinic's id fails as "Not a valid choice"; whether a start date is
plausible or the person already has a plan is for ``operations.onboarding`` to say.
"""

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from clinic_onboard.models import ClinicRole, Membership
from clinic_onboard.operations import csv_import
from clinic_onboard.services.i18n import role_label
from clinic_onboard.web.forms import PASSWORD_RULE, Form, within_date_bounds

NO_SUPERVISOR = ""


class IsoDateField(DateField):
    """A date field whose message for an unreadable date shows the expected form."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Enter a real date, like 2026-09-08.")) from error


class AddHireForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    role = SelectField(_l("Role"), validators=[DataRequired(message=_l("Choose a role."))])
    start_date = IsoDateField(
        _l("Start date"),
        validators=[
            InputRequired(message=_l("Enter the first day of work.")),
            within_date_bounds,
        ],
    )
    supervisor = SelectField(_l("Supervisor"), validators=[Optional()])
    language = SelectField(
        _l("Language of the plan"),
        choices=[
            SelectChoice("", _l("The clinic's language")),
            SelectChoice("en", "English"),
            SelectChoice("fr", "Français"),
        ],
        validators=[Optional()],
    )

    def use_choices(self, roles: Iterable[ClinicRole], supervisors: Iterable[Membership]) -> None:
        """Only this clinic's roles and supervisors can be chosen."""
        self.role.choices = [("", _("Choose a role")), *((str(r.id), r.name) for r in roles)]
        self.supervisor.choices = supervisor_choices(supervisors)


def supervisor_choices(supervisors: Iterable[Membership]) -> list[tuple[str, str]]:
    """The choices of a Supervisor drop-down: none yet, or one of the clinic's supervisors."""
    return [
        (NO_SUPERVISOR, _("No supervisor yet")),
        *((str(m.id), _supervisor_label(m)) for m in supervisors),
    ]


class ApplyDifferencesForm(Form):
    """Names the differences the manager saw, so a stale page cannot apply newer ones."""

    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])


class NewLinkForm(Form):
    """A button: make a new set-password link (older links stop working)."""


class AnswerInvitationForm(Form):
    """The Accept and Decline buttons of an invitation from a clinic."""


class WithdrawInvitationForm(Form):
    """A button: take back an invitation."""


class CsvImportForm(Form):
    upload = FileField(_l("CSV file"))
    text = TextAreaField(
        _l("Or paste the rows here"),
        validators=[Optional()],
    )

    def validate_text(self, field: TextAreaField) -> None:
        """The pasted rows fit the same limit as a file (in UTF-8 bytes, as a file is counted)."""
        if field.data and len(field.data.encode()) > csv_import.max_bytes():
            raise ValidationError(_("That is too much text."))

    def validate(self, extra_validators: dict | None = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.upload.data and not (self.text.data or "").strip():
            self.upload.errors.append(_("Choose a CSV file, or paste the rows in the box."))
            return False
        return True


class SetPasswordForm(Form):
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), PASSWORD_RULE])
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


def _supervisor_label(member: Membership) -> str:
    """ "Dana Manager (manager)": the role in lower case, as it reads inside a sentence."""
    return f"{member.user.display_name} ({role_label(member.role).lower()})"
