"""Form shapes. They check types, lengths and choices only; business rules live in operations."""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from clinic_onboard.catalog import Catalog
from clinic_onboard.models import Clinic
from clinic_onboard.operations.accounts import ClinicDetails

PASSWORD_RULE = Length(
    min=10, max=128, message="Use between 10 and 128 characters; a short sentence works well."
)
NO_EMR = ""


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes, one per choice."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PersonFieldsMixin:
    """Who is signing up. Declared before the clinic fields so forms list them first."""

    display_name = StringField("Your full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        "Work email",
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    password = PasswordField("Choose a password", validators=[DataRequired(), PASSWORD_RULE])
    confirm = PasswordField(
        "Type the password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class ClinicFieldsMixin:
    """The clinic profile fields; choices come from the content library."""

    clinic_name = StringField("Clinic name", validators=[DataRequired(), Length(max=160)])
    province = SelectField("Province or territory", validators=[DataRequired()])
    setting = SelectField("Type of clinic", validators=[DataRequired()])
    emr = SelectField("EMR product", validators=[Optional()])
    options = CheckboxesField("What your clinic does on site", validators=[Optional()])

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
        self.province.choices = _choices(catalog.jurisdictions, "Choose a province or territory")
        self.setting.choices = _choices(catalog.settings, "Choose a type of clinic")
        emr_choices = [(slug, p.name) for slug, p in catalog.emr_products.items()]
        self.emr.choices = [(NO_EMR, "No EMR yet / paper charts"), *emr_choices]
        self.options.choices = [(slug, o.name) for slug, o in catalog.options.items()]


def _choices(items: dict, prompt: str) -> list[tuple[str, str]]:
    return [("", prompt), *((key, item.name) for key, item in items.items())]


class SignUpForm(PersonFieldsMixin, ClinicFieldsMixin, FlaskForm):
    """A manager and their first clinic."""


class ClinicProfileForm(ClinicFieldsMixin, FlaskForm):
    """Edit the clinic; ``confirmed`` is set by the preview page's "Apply" button."""

    confirmed = HiddenField(default="")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=128)])
    password = PasswordField("New password", validators=[DataRequired(), PASSWORD_RULE])
    confirm = PasswordField(
        "Type the new password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class SwitchClinicForm(FlaskForm):
    clinic_id = IntegerField(widget=widgets.HiddenInput(), validators=[DataRequired()])
