"""The clinic's clock and open days: chosen on one page, used for "today", due dates and times."""

import re
from datetime import UTC, date, datetime

from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, ClinicRole
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.services.i18n import day_of, moment
from clinic_onboard.services.library import catalog
from tests.conftest import Auth

WEEK = {"time_zone": "America/Halifax", "open_weekdays": ["0", "1", "2", "3", "4"]}


def _signed_in_manager(client: FlaskClient, auth: Auth, make_member, make_clinic):
    clinic = make_clinic(
        "Harbour Community Health Centre", province="NS", setting="community_health_centre"
    )
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    auth.login_as(manager)
    return manager


def test_a_new_clinic_gets_its_provinces_time_zone(make_clinic) -> None:
    assert make_clinic("Harbour", province="NS").time_zone == "America/Halifax"
    assert make_clinic("Coast", province="BC").time_zone == "America/Vancouver"
    assert make_clinic("Harbour", province="NS").open_weekdays == [0, 1, 2, 3, 4]


def test_the_manager_sets_zone_and_open_days_with_an_audit_entry(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager = _signed_in_manager(client, auth, make_member, make_clinic)
    saturdays = {"time_zone": "America/Halifax", "open_weekdays": ["1", "2", "3", "4", "5"]}
    assert client.post("/clinic/hours", data=saturdays).status_code == 302
    db.session.expire_all()
    assert manager.clinic.open_weekdays == [1, 2, 3, 4, 5]
    entry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "clinic.update_hours")
    ).one()
    assert entry.after["open_weekdays"] == [1, 2, 3, 4, 5]
    page = client.get("/clinic/").get_data(as_text=True)
    assert "Saturday" in page and "Atlantic (Nova Scotia, Prince Edward Island)" in page


def test_no_open_day_or_an_unknown_zone_is_refused_with_values_kept(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager = _signed_in_manager(client, auth, make_member, make_clinic)
    response = client.post("/clinic/hours", data={**WEEK, "open_weekdays": []})
    assert response.status_code == 200
    assert "Choose at least one day the clinic is open." in response.get_data(as_text=True)
    response = client.post("/clinic/hours", data={**WEEK, "time_zone": "Europe/Paris"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not a valid choice." in page
    ticked = re.findall(r'<input checked[^>]*name="open_weekdays"[^>]*value="(\d)"', page)
    assert ticked == ["0", "1", "2", "3", "4"]  # what was typed is kept
    db.session.expire_all()
    assert manager.clinic.time_zone == "America/Halifax"


def test_a_holiday_the_clinic_opens_on_is_offered_and_kept(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager = _signed_in_manager(client, auth, make_member, make_clinic)
    page = client.get("/clinic/hours").get_data(as_text=True)
    assert "Christmas Day" in page
    christmas = f"{manager.clinic.today().year}-12-25"
    if christmas < manager.clinic.today().isoformat():
        christmas = f"{manager.clinic.today().year + 1}-12-25"
    client.post("/clinic/hours", data={**WEEK, "open_holidays": [christmas]})
    db.session.expire_all()
    assert manager.clinic.open_holidays == [christmas]
    assert manager.clinic.calendar.is_open(date.fromisoformat(christmas)) == (
        date.fromisoformat(christmas).weekday() < 5
    )


def test_due_dates_fall_on_the_clinics_open_days(make_clinic) -> None:
    clinic = make_clinic("Harbour", province="NS")
    clinic.open_weekdays = [1, 2, 3, 4, 5]  # Tuesday to Saturday
    role = ClinicRole(clinic_id=clinic.id, template="medical_assistant", name="Medical assistant")
    db.session.add(role)
    db.session.commit()
    plan = plan_for(catalog(), clinic, role, date(2026, 12, 7))
    weekdays = {task.due_date.weekday() for task in plan.tasks}
    assert weekdays <= {1, 2, 3, 4, 5} and 5 in weekdays


def test_times_on_pages_are_the_clinics_own(app: Flask, make_member, make_clinic) -> None:
    member = make_member(AppRole.STAFF, clinic=make_clinic("Harbour", province="NS"))
    late_evening = datetime(2026, 12, 8, 2, 30, tzinfo=UTC)  # 22:30 on the 7th in Halifax
    with app.test_request_context():
        assert moment(late_evening).endswith("UTC")  # no clinic chosen: said as UTC
        g.membership = member
        assert moment(late_evening) == "2026-12-07 22:30 AST"
        assert day_of(late_evening) == "2026-12-07"
