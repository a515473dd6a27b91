"""Form shapes for the leaving pages: types and choices only; whether the dates make sense
is for ``operations.leaving`` to say."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from clinic_onboard.operations.leaving import REASONS
from clinic_onboard.web.forms import Form, within_date_bounds
from clinic_onboard.web.staff_forms import IsoDateField


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
