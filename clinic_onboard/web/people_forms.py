"""Form shapes for the People pages: inviting someone in any app role, and changing a member's
app role. They check types, lengths and choices only (``operations.people`` owns the rules)."""

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from clinic_onboard.models import AppRole, ClinicRole, Membership
from clinic_onboard.services.i18n import role_label
from clinic_onboard.web.forms import Form, within_date_bounds
from clinic_onboard.web.staff_forms import IsoDateField, supervisor_choices

NO_ROLE = ""


def app_role_choices() -> list[tuple[str, str]]:
    return [(role.value, role_label(role)) for role in AppRole]


class InvitePersonForm(Form):
    """Someone who joins the clinic; a clinic role and start date also give them a plan."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    app_role = SelectField(
        _l("What they may do here"),
        validators=[DataRequired(message=_l("Choose manager, supervisor or staff."))],
    )
    role = SelectField(_l("Onboarding role"), validators=[Optional()])
    start_date = IsoDateField(_l("Start date"), validators=[Optional(), within_date_bounds])
    supervisor = SelectField(_l("Supervisor"), validators=[Optional()])

    def use_choices(self, roles: Iterable[ClinicRole], supervisors: Iterable[Membership]) -> None:
        """Only the three app roles, this clinic's roles and its supervisors can be chosen."""
        self.app_role.choices = app_role_choices()
        self.role.choices = [
            (NO_ROLE, _("No onboarding plan")),
            *((str(r.id), r.name) for r in roles),
        ]
        self.supervisor.choices = supervisor_choices(supervisors)

    def validate(self, extra_validators: dict | None = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.role.data and self.start_date.data is None:
            self.start_date.errors.append(_("Enter the first day of work for their plan."))
            return False
        return True


class AppRoleForm(Form):
    """What a member may do in the clinic: manager, supervisor or staff."""

    app_role = SelectField(
        _l("Role in this clinic"),
        validators=[DataRequired(message=_l("Choose manager, supervisor or staff."))],
    )

    def use_choices(self) -> None:
        self.app_role.choices = app_role_choices()


LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("fr", "Français")]


class ChangeHireForm(Form):
    """A hire's details, filled with what they are now."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    role = SelectField(_l("Role"), validators=[DataRequired(message=_l("Choose a role."))])
    start_date = IsoDateField(
        _l("Start date"),
        validators=[InputRequired(message=_l("Enter the first day of work.")), within_date_bounds],
    )
    supervisor = SelectField(_l("Supervisor"), validators=[Optional()])
    language = SelectField(_l("Language of the plan"), choices=LANGUAGE_CHOICES)

    def use_choices(self, roles: Iterable[ClinicRole], supervisors: Iterable[Membership]) -> None:
        self.role.choices = [(str(r.id), r.name) for r in roles]
        self.supervisor.choices = supervisor_choices(supervisors)


class ReassignForm(Form):
    """Move every hire of one supervisor to another (or to nobody yet)."""

    old = SelectField(_l("Hires supervised by"), validators=[DataRequired()])
    new = SelectField(_l("Move them to"), validators=[Optional()])

    def use_choices(
        self, supervising_now: Iterable[Membership], supervisors: Iterable[Membership]
    ) -> None:
        """From anyone with hires in progress, to anyone who may supervise (or nobody yet)."""
        self.old.choices = supervisor_choices(supervising_now)[1:]
        self.new.choices = supervisor_choices(supervisors)


class DeleteHireForm(Form):
    """A button: delete a hire added by mistake (only while nothing is recorded)."""
