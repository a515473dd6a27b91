"""A reading is late as the duty it does is late: the opening fridge reading taken in the
afternoon is chained as late and says so on the month page and in the month's PDF."""

import io
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.local_time import local
from clinic_onboard.models import AppRole, Clinic, LogEntry, Membership
from clinic_onboard.operations import daily_logs
from clinic_onboard.planner.readings import session_frequencies
from clinic_onboard.services.library import catalog
from tests.conftest import Auth

FRIDGE = "ipac.log.vaccine_fridge"
READING = {"current": "4.5", "minimum": "3.1", "maximum": "6.0"}


@pytest.fixture
def people(make_clinic: Callable[..., Clinic], make_member: Callable[..., Membership]) -> Any:
    clinic = make_clinic("Harbour Clinic", province="NS", options=["vaccine_storage"])
    clinic.open_weekdays = list(range(7))  # today is open, whatever day the tests run
    clinic.open_holidays = [clinic.today().isoformat()]
    manager, staff = make_member(AppRole.MANAGER, clinic), make_member(AppRole.STAFF, clinic)
    fridge = daily_logs.add_unit(clinic, catalog().log(FRIDGE), "Fridge, room 2", manager.user)
    db.session.commit()
    return clinic, manager, staff, fridge


def _at_local(clinic: Clinic, hour: int) -> datetime:
    """Today at ``hour`` o'clock on the clinic's clock, in UTC."""
    offset = local(datetime.now(UTC), clinic.time_zone).utcoffset() or timedelta(0)
    return (datetime.combine(clinic.today(), time(hour)) - offset).replace(tzinfo=UTC)


def test_the_fridge_sessions_are_the_start_and_end_of_day_duties(app: Flask) -> None:
    frequencies = session_frequencies(catalog(), FRIDGE)
    assert frequencies == {"opening": "start_of_day", "closing": "end_of_day"}


@pytest.mark.parametrize(
    ("session", "hour", "late"),
    [("opening", 8, False), ("opening", 15, True), ("closing", 15, False), ("closing", 18, True)],
)
def test_a_reading_after_its_duty_time_is_chained_as_late(
    client: FlaskClient,
    auth: Auth,
    people: Any,
    monkeypatch: pytest.MonkeyPatch,
    session: str,
    hour: int,
    late: bool,
) -> None:
    clinic, manager, staff, fridge = people
    monkeypatch.setattr(daily_logs, "utcnow", lambda: _at_local(clinic, hour))
    auth.login_as(staff)
    assert client.post(f"/logs/units/{fridge.id}/record", data={**READING, "session": session})
    entry = db.session.scalars(select(LogEntry)).one()
    assert entry.payload["late"] is late
    auth.logout()
    auth.login_as(manager)
    page = client.get(f"/logs/units/{fridge.id}").get_data(as_text=True)
    assert ("(late)" in page) is late
    pdf = client.get(f"/exports/logs/{fridge.id}/month.pdf").data
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(pdf)).pages)
    assert ("late" in text.split()) is late
