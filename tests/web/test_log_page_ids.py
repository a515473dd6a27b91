"""Pages with a form per line (a Done button per duty, a Void form per reading) give each
element its own id: the forms used to repeat ``id="csrf_token"`` once per line, which a page
may not (``getElementById`` and labels find only the first)."""

import re
from collections import Counter
from collections.abc import Callable

from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, Membership
from clinic_onboard.operations import daily_logs
from clinic_onboard.services.library import catalog
from tests.conftest import Auth
from tests.web.onboarding_factory import staff_with_duty

FRIDGE = "ipac.log.vaccine_fridge"


def _repeated_ids(page: str) -> list[str]:
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    return [name for name, count in ids.items() if count > 1]


def test_today_and_the_month_repeat_no_id(
    client: FlaskClient,
    auth: Auth,
    make_clinic: Callable[..., Clinic],
    make_member: Callable[..., Membership],
) -> None:
    title = "Check that exits and walkways are clear"
    manager, staff = staff_with_duty(make_clinic, make_member, "ohs.duty.exits_clear", title, "ohs")
    clinic = staff.clinic
    fridge = daily_logs.add_unit(clinic, catalog().log(FRIDGE), "Fridge, room 2")
    values = {"current": 4.0, "minimum": 3.0, "maximum": 5.0}
    for session in ("opening", "closing"):
        daily_logs.record_reading(fridge, catalog().log(FRIDGE), session, values, staff)
    db.session.commit()

    auth.login_as(staff)
    today = client.get("/today/").get_data(as_text=True)
    assert today.count('class="button duty-tick"') == 2
    assert _repeated_ids(today) == []
    auth.logout()
    auth.login_as(manager)
    month = client.get(f"/logs/units/{fridge.id}").get_data(as_text=True)
    assert month.count("Void this entry") == 2
    assert _repeated_ids(month) == []
