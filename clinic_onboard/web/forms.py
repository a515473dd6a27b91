"""Form shapes. They check types, lengths and choices only; business rules live in operations."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    EmailField,
    FileField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from clinic_onboard.catalog import Catalog
from clinic_onboard.models import Clinic
from clinic_onboard.operations.accounts import ClinicDetails
from clinic_onboard.services import plain_text
from clinic_onboard.services.i18n import interface_language

NUL = "\x00"
NUL_MESSAGE = _l("Remove the invisible NUL character: it cannot be stored.")
PASSWORD_RULE = Length(
    min=10, max=128, message=_l("Use between 10 and 128 characters; a short sentence works well.")
)
NO_EMR = ""
# Every date a person gives, in a form or a query string, is held to these years: far outside
# them the planner's working-day arithmetic and the renewal and reminder dates run off the
# calendar (9999-12-31 answered 500), and no clinic has a real date there.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2099, 12, 31)


def within_date_bounds(form: FlaskForm, field: Any) -> None:
    """A date field's validator: the one rule for the years a date may fall in."""
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(
            _(
                "Choose a date between %(first)s and %(last)s.",
                first=EARLIEST_DATE.year,
                last=LATEST_DATE.year,
            )
        )


class Form(FlaskForm):
    """The base of every form: odd input gets the form back with a message, never a server
    error. A NUL character in any answer (no keyboard types one, and PostgreSQL cannot store
    it) is an error on that field, and a file sent in place of text is not given to the field.
    Text fields drop other control characters (see ``plain_text``): a name typed here can end
    up in an email's subject, where a line break would start a header of its own."""

    class Meta:
        def bind_field(self, form: FlaskForm, unbound_field: Any, options: dict) -> Any:
            """Every text field but a password gets the control-character filter last."""
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, PasswordField):
                clean = (
                    plain_text.multi_line
                    if issubclass(kind, TextAreaField)
                    else plain_text.one_line
                )
                filters = (*unbound_field.kwargs.get("filters", ()), _text_filter(clean))
                options = {**options, "filters": filters}
            return super().bind_field(form, unbound_field, options)  # type: ignore[misc]

        def wrap_formdata(self, form: FlaskForm, formdata: Any) -> Any:
            """Files reach file fields only: a text or date field handed a file would fail
            with a TypeError while reading it."""
            wrapped = super().wrap_formdata(form, formdata)  # type: ignore[misc]
            if not isinstance(wrapped, CombinedMultiDict):
                return wrapped
            wanted = {field.name for field in form if isinstance(field, FileField)}
            sent = request.files.items(multi=True)
            files = MultiDict([(name, file) for name, file in sent if name in wanted])
            return CombinedMultiDict((files, request.form))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if any(NUL in value for value in field.raw_data or () if isinstance(value, str)):
                field.errors = [*field.errors, NUL_MESSAGE]
                valid = False
        return valid


def _text_filter(clean: Callable[[str], str]) -> Callable[[Any], Any]:
    """``clean`` for the field's text; None (nothing sent) stays None."""
    return lambda value: clean(value) if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes, one per choice."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PersonFieldsMixin:
    """Who is signing up. Declared before the clinic fields so forms list them first."""

    display_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Work email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), PASSWORD_RULE])
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ClinicFieldsMixin:
    """The clinic profile fields; choices come from the content library."""

    clinic_name = StringField(_l("Clinic name"), validators=[DataRequired(), Length(max=160)])
    province = SelectField(_l("Province or territory"), validators=[DataRequired()])
    setting = SelectField(_l("Type of clinic"), validators=[DataRequired()])
    emr = SelectField(_l("EMR product"), validators=[Optional()])
    options = CheckboxesField(_l("What your clinic does on site"), validators=[Optional()])

    def details(self) -> ClinicDetails:
        """The clinic as the operations take it."""
        return ClinicDetails(
            name=self.clinic_name.data,
            province=self.province.data,
            setting=self.setting.data,
            emr=None if self.emr.data == NO_EMR else self.emr.data,
            options=tuple(self.options.data or ()),
        )

    def fill_from(self, clinic: Clinic) -> None:
        self.clinic_name.data, self.province.data = clinic.name, clinic.province
        self.setting.data, self.emr.data = clinic.setting, clinic.emr or NO_EMR
        self.options.data = list(clinic.options)

    def use_catalog(self, catalog: Catalog) -> None:
        self.province.choices = _choices(
            catalog.jurisdictions, _l("Choose a province or territory")
        )
        self.setting.choices = _choices(catalog.settings, _l("Choose a type of clinic"))
        lang = interface_language()
        emr_choices = [(slug, p.name.get(lang)) for slug, p in catalog.emr_products.items()]
        self.emr.choices = [(NO_EMR, _l("No EMR yet / paper charts")), *emr_choices]
        self.options.choices = [(slug, o.name.get(lang)) for slug, o in catalog.options.items()]


def _choices(items: dict, prompt: str) -> list[tuple[str, str]]:
    lang = interface_language()
    return [("", prompt), *((key, item.name.get(lang)) for key, item in items.items())]


class SignUpForm(PersonFieldsMixin, ClinicFieldsMixin, Form):
    """A manager and their first clinic."""


class ClinicProfileForm(ClinicFieldsMixin, Form):
    """Edit the clinic; ``confirmed`` is set by the preview page's "Apply" button."""

    language = SelectField(
        _l("Language of the clinic"),
        choices=[SelectChoice("en", "English"), SelectChoice("fr", "Français")],
        # Not sent, or only white space (an older form, a script): the clinic keeps its language.
        validate_choice=False,
        filters=[lambda value: (value or "").strip()],
        validators=[Optional(), AnyOf(("en", "fr"), message=_l("Choose English or French."))],
    )
    confirmed = HiddenField(default="")

    def details(self) -> ClinicDetails:
        return replace(super().details(), language=self.language.data or "")

    def fill_from(self, clinic: Clinic) -> None:
        super().fill_from(clinic)
        self.language.data = clinic.language


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])


class ChangePasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), PASSWORD_RULE])
    confirm = PasswordField(
        _l("Type the new password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class LanguageForm(Form):
    """The person's own interface language; empty follows the clinic's."""

    language = SelectField(
        _l("Language of the interface"),
        choices=[
            SelectChoice("", _l("The clinic's language")),
            SelectChoice("en", "English"),
            SelectChoice("fr", "Français"),
        ],
        # No Optional(): it would pass white space through as a language ("" is a choice).
    )


class SwitchClinicForm(Form):
    clinic_id = IntegerField(widget=widgets.HiddenInput(), validators=[DataRequired()])


class ConfirmEmailForm(Form):
    """A button: confirm the email address the link was sent to."""


class SendConfirmationForm(Form):
    """A button: email the confirmation link again."""
