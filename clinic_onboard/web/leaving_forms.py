"""Form shapes for the leaving pages: types and choices only; whether the dates make sense
is for ``operations.leaving`` to say."""

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from clinic_onboard.models import ClinicRole, Membership
from clinic_onboard.operations.leaving import REASONS
from clinic_onboard.web.forms import Form, within_date_bounds
from clinic_onboard.web.staff_forms import NO_SUPERVISOR, IsoDateField
from clinic_onboard.web.staff_forms import _supervisor_label as supervisor_label


class LeaveForm(Form):
    last_day = IsoDateField(
        _l("Last day of work"),
        validators=[InputRequired(message=_l("Enter their last day of work.")), within_date_bounds],
    )
    reason = SelectField(
        _l("Reason"),
        choices=[SelectChoice("", _l("Choose a reason"))]
        + [SelectChoice(code, label) for code, label in REASONS.items()],
        validators=[InputRequired(message=_l("Choose a reason from the list."))],
    )


class ReturnForm(Form):
    """Bring someone back; a role (and its first day) gives them a new onboarding."""

    role = SelectField(_l("New onboarding in the role"), validators=[Optional()])
    start_date = IsoDateField(_l("First day back"), validators=[Optional(), within_date_bounds])
    supervisor = SelectField(_l("Supervisor"), validators=[Optional()])

    def use_choices(self, roles: Iterable[ClinicRole], supervisors: Iterable[Membership]) -> None:
        """Only roles that take hires, and this clinic's supervisors."""
        no_plan = SelectChoice("", _("No new onboarding (a manager or supervisor coming back)"))
        self.role.choices = [no_plan, *(SelectChoice(str(r.id), r.name) for r in roles)]
        self.supervisor.choices = [
            SelectChoice(NO_SUPERVISOR, _("No supervisor yet")),
            *(SelectChoice(str(m.id), supervisor_label(m)) for m in supervisors),
        ]

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)
        if self.role.data and self.start_date.data is None and not self.start_date.errors:
            self.start_date.errors.append(_("Enter the first day back for the new onboarding."))
            return False
        return valid
