"""What the clinic's logs are measured against is audited: naming a unit, the duty days, hours
and public health number, a correction and a closed incident each leave an audit event with the
values before and after, shown on the audit page in the viewer's language."""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, Clinic, LogEntry, LogIncident, Membership
from clinic_onboard.operations import daily_logs
from clinic_onboard.services.library import catalog
from tests.conftest import Auth

FRIDGE = "ipac.log.vaccine_fridge"
SETTINGS = {
    "weekly_weekday": "2",
    "monthly_day": "15",
    "opens_at": "07:30",
    "closes_at": "18:00",
    "public_health_phone": "902-555-0100",
}


@pytest.fixture
def people(make_clinic: Callable[..., Clinic], make_member: Callable[..., Membership]) -> Any:
    clinic = make_clinic("Harbour Clinic", province="NS", options=["vaccine_storage"])
    return make_member(AppRole.MANAGER, clinic), make_member(AppRole.STAFF, clinic)


def _events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def _row(page: str, action: str) -> str:
    """The audit page's row of the (newest) event ``action``."""
    start = page.index(f'data-action="{action}"')
    return page[start : page.index("</tr>", start)]


def test_naming_a_unit_is_audited(client: FlaskClient, auth: Auth, people: Any) -> None:
    manager, _staff = people
    auth.login_as(manager)
    client.post("/logs/units", data={"log_id": FRIDGE, "name": " Fridge, room 2 "})
    (event,) = _events("log.add_unit")
    assert (event.subject, event.actor_id, event.before) == (
        "Fridge, room 2",
        manager.user_id,
        None,
    )
    assert event.after == {"log": FRIDGE}
    refused = client.post("/logs/units", data={"log_id": FRIDGE, "name": "Fridge, room 2"})
    assert "already has a unit of that name" in refused.get_data(as_text=True)
    assert len(_events("log.add_unit")) == 1  # a refused name changes nothing
    row = _row(client.get("/clinic/audit").get_data(as_text=True), "log.add_unit")
    assert "Unit named for a clinic log" in row and "Fridge, room 2" in row
    assert "<dt>Log</dt><dd>Vaccine refrigerator temperatures</dd>" in row


def test_the_settings_are_audited_before_and_after(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    manager, _staff = people
    auth.login_as(manager)
    assert client.post("/logs/settings", data=SETTINGS).status_code == 302
    (event,) = _events("log.settings")
    assert event.before == {
        "weekly_weekday": 0,
        "monthly_day": 1,
        "opens_at": "08:00",
        "closes_at": "17:00",
        "public_health_phone": "",
    }
    assert event.after == {
        "weekly_weekday": 2,
        "monthly_day": 15,
        "opens_at": "07:30",
        "closes_at": "18:00",
        "public_health_phone": "902-555-0100",
    }
    client.post("/logs/settings", data={**SETTINGS, "public_health_phone": "902-555-0199"})
    second = _events("log.settings")[-1]
    assert second.before["public_health_phone"] == "902-555-0100"
    assert second.after["public_health_phone"] == "902-555-0199"
    client.post("/logs/settings", data={**SETTINGS, "public_health_phone": "902-555-0199"})
    assert len(_events("log.settings")) == 2  # saving the same values is no change
    row = _row(client.get("/clinic/audit").get_data(as_text=True), "log.settings")
    assert "Duty days, hours or public health number changed" in row
    assert "<dt>Weekly duties fall on</dt><dd>Wednesday</dd>" in row
    assert "<dt>Phone number of the local public health unit</dt><dd>902-555-0199</dd>" in row


def test_a_refused_settings_form_is_not_audited(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    auth.login_as(people[0])
    assert client.post("/logs/settings", data={**SETTINGS, "monthly_day": "31"}).status_code == 200
    assert _events("log.settings") == []


def test_a_correction_and_a_closed_incident_are_audited(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    manager, staff = people
    log = catalog().log(FRIDGE)
    fridge = daily_logs.add_unit(manager.clinic, log, "Fridge, room 2", manager.user)
    warm = {"current": 4.0, "minimum": 3.0, "maximum": 9.5}
    entry, _ = daily_logs.record_reading(fridge, log, "opening", warm, staff)
    db.session.commit()
    incident = db.session.scalars(select(LogIncident)).one()
    auth.login_as(manager)
    client.post(f"/logs/incidents/{incident.id}/close", data={"action": "PHU: use them."})
    client.post(f"/logs/entries/{entry.id}/void", data={"reason": "Read the wrong fridge"})
    assert [e.kind for e in db.session.scalars(select(LogEntry).order_by(LogEntry.seq))] == [
        "reading",
        "closed",
        "void",
    ]
    (closed,) = _events("log.close_incident")
    assert closed.subject == "Fridge, room 2" and closed.actor_id == manager.user_id
    assert closed.after == {"day": entry.day.isoformat(), "action": "PHU: use them."}
    (voided,) = _events("log.void")
    assert voided.after == {"voids": 1, "reason": "Read the wrong fridge"}
    chain = db.session.scalars(select(LogEntry).order_by(LogEntry.seq)).all()
    assert (closed.created_at, voided.created_at) == (chain[1].created_at, chain[2].created_at)
    page = client.get("/clinic/audit").get_data(as_text=True)
    assert "<dt>What was done</dt><dd>PHU: use them.</dd>" in _row(page, "log.close_incident")
    assert "<dt>Voided entry</dt><dd>1</dd>" in _row(page, "log.void")


def test_the_log_audit_reads_in_french(client: FlaskClient, auth: Auth, people: Any) -> None:
    manager, _staff = people
    manager.user.language = "fr"
    db.session.commit()
    auth.login_as(manager)
    client.post("/logs/units", data={"log_id": FRIDGE, "name": "Frigo A"})
    client.post("/logs/settings", data=SETTINGS)
    page = client.get("/clinic/audit").get_data(as_text=True)
    settings, unit = _row(page, "log.settings"), _row(page, "log.add_unit")
    assert "Duty days" not in settings and "Mercredi" in settings
    assert "Unit named" not in unit and "Frigo A" in unit
