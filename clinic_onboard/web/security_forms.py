"""Form shapes for two-factor sign-in, the clinic's security setting and a manager's actions
on a member's sign-in. Shape only: whether a code is right is for ``operations.two_factor``."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from clinic_onboard.web.forms import Form

CODE_FIELD_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}


def _code_field() -> StringField:
    return StringField(
        _l("Six-digit code from your authenticator app"),
        validators=[DataRequired(message=_l("Type the code your app shows.")), Length(max=20)],
        render_kw=CODE_FIELD_ATTRS,
    )


class TwoFactorCodeForm(Form):
    """The second step of signing in, confirming enrolment, and turning two-factor off."""

    code = _code_field()


class EnrolTwoFactorForm(Form):
    """Setting up: the password again, then a code that proves the app holds the secret."""

    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=128)])
    code = _code_field()


class ClinicSecurityForm(Form):
    require_two_factor = BooleanField(_l("Require two-factor sign-in for managers and supervisors"))


class EndSessionsForm(Form):
    """A button: nothing to fill in but the CSRF token."""


class ResetTwoFactorForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=128)])
