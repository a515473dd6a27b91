"""A duty done by recording a log ("Check and log the vaccine fridge temperature at opening")
shows as done on Today once that session is recorded on every fridge: it used to offer
"Record the readings" all day, however many readings were taken."""

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership
from clinic_onboard.operations import daily_logs
from clinic_onboard.services.library import catalog
from tests.conftest import Auth
from tests.web.onboarding_factory import build_onboarding, staff_with_duty

FRIDGE = "ipac.log.vaccine_fridge"
VALUES = {"current": 4.0, "minimum": 3.0, "maximum": 5.0}


def _fridge_duty(client: FlaskClient) -> str:
    """The text of the opening fridge duty's line on Today."""
    page = client.get("/today/").get_data(as_text=True)
    found = re.search(
        r'<li id="duty-\d+"[^>]*>\s*<span class="duty-title">Check and log.*?</li>', page, re.S
    )
    assert found, "the fridge duty is on Today"
    return found.group(0)


def test_the_fridge_duty_is_done_once_every_fridge_has_its_opening_reading(
    client: FlaskClient,
    auth: Auth,
    make_clinic: Callable[..., Clinic],
    make_member: Callable[..., Membership],
) -> None:
    title = "Check and log the vaccine fridge temperature at opening"
    _, staff = staff_with_duty(
        make_clinic, make_member, "ipac.duty.vaccine_fridge_open", title, "ipac"
    )
    clinic = staff.clinic
    log = catalog().log(FRIDGE)
    fridges = [daily_logs.add_unit(clinic, log, name) for name in ("Room 2", "Room 5")]
    db.session.commit()
    auth.login_as(staff)
    assert "Record the readings" in _fridge_duty(client)

    daily_logs.record_reading(fridges[0], log, "opening", VALUES, staff)
    daily_logs.record_reading(fridges[1], log, "closing", VALUES, staff)
    db.session.commit()
    assert "Record the readings" in _fridge_duty(client)  # room 5 has no opening reading

    daily_logs.record_reading(fridges[1], log, "opening", VALUES, staff)
    db.session.commit()
    line = _fridge_duty(client)
    assert "✓ Readings recorded" in line and "duty--done" in line


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", r"✓ Done at \d{2}:\d{2} A[DS]T "), ("fr", r"✓ Fait à \d{2} h \d{2} H[NA]A ")],
)
def test_a_ticked_duty_says_the_time_alone(
    client: FlaskClient,
    auth: Auth,
    make_clinic: Callable[..., Clinic],
    make_member: Callable[..., Membership],
    language: str,
    said: str,
) -> None:
    """Today is about one day: a tick shows its time on the clinic's clock, not the date again
    on every line (on a phone that was a second line per duty)."""
    clinic = make_clinic("Harbour Clinic", province="NS")
    clinic.language = language
    clinic.open_weekdays = list(range(7))
    clinic.open_holidays = [clinic.today().isoformat()]
    staff = make_member(AppRole.STAFF, clinic)
    build_onboarding(staff, make_member(AppRole.MANAGER, clinic).user_id)
    auth.login_as(staff)
    assert client.post("/today/duties/ipac.wipe_down/tick").status_code == 302
    page = client.get("/today/").get_data(as_text=True)
    done = re.search(r"✓ [^<·]*", page)
    assert done and re.fullmatch(said, done.group(0)), page
