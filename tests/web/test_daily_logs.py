"""Daily duties and clinic logs: ticking today's duties, readings, incidents, the chain."""

import io
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.local_time import local
from clinic_onboard.models import (
    AppRole,
    Clinic,
    DutySettings,
    DutyTick,
    LogEntry,
    LogIncident,
    Membership,
)
from clinic_onboard.operations import daily_logs
from clinic_onboard.operations import reminders as reminder_operations
from clinic_onboard.services.library import catalog
from tests.conftest import Auth, counting_queries
from tests.web.onboarding_factory import build_onboarding

FRIDGE = "ipac.log.vaccine_fridge"
GOOD = {"session": "opening", "current": "4.5", "minimum": "3.1", "maximum": "6.0"}


def _always_open(clinic: Clinic) -> None:
    """Today is an open day whatever the date the tests run on."""
    clinic.open_weekdays = list(range(7))
    clinic.open_holidays = [clinic.today().isoformat()]
    db.session.commit()


@pytest.fixture
def people(make_clinic: Callable[..., Clinic], make_member: Callable[..., Membership]) -> Any:
    clinic = make_clinic("Harbour Clinic", province="NS", options=["vaccine_storage"])
    _always_open(clinic)
    manager = make_member(AppRole.MANAGER, clinic)
    staff = make_member(AppRole.STAFF, clinic)
    build_onboarding(staff, manager.user_id)
    fridge = daily_logs.add_unit(clinic, catalog().log(FRIDGE), "Fridge, room 2")
    db.session.commit()
    return clinic, manager, staff, fridge


def _at_local(clinic: Clinic, hour: int) -> datetime:
    today = clinic.today()
    moment = datetime.combine(today, time(hour, 0))
    offset = local(datetime.now(UTC), clinic.time_zone).utcoffset() or timedelta(0)
    return (moment - offset).replace(tzinfo=UTC)


@pytest.mark.parametrize(("hour", "late"), [(8, False), (15, True)])
def test_a_tick_records_the_time_and_a_late_one_says_so(
    client: FlaskClient, auth: Auth, people: Any, monkeypatch: pytest.MonkeyPatch, hour, late
) -> None:
    clinic, _manager, staff, _fridge = people
    monkeypatch.setattr(daily_logs, "utcnow", lambda: _at_local(clinic, hour))
    auth.login_as(staff)
    page = client.get("/today/").get_data(as_text=True)
    assert "Wipe down the exam room surfaces" in page
    client.post("/today/duties/ipac.wipe_down/tick")
    tick = db.session.scalar(select(DutyTick))
    assert tick is not None and tick.late is late and tick.day == clinic.today()
    page = client.get("/today/").get_data(as_text=True)
    assert "Done at" in page and ("late" in page) is late


def test_a_duty_not_on_my_checklist_cannot_be_ticked(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    auth.login_as(people[2])
    response = client.post("/today/duties/privacy.duty.other/tick", follow_redirects=True)
    assert "not on your checklist" in response.get_data(as_text=True)
    assert db.session.scalar(select(DutyTick)) is None


def test_a_reading_in_range_is_chained_and_shows_on_today(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    _clinic, _manager, staff, fridge = people
    auth.login_as(staff)
    response = client.post(f"/logs/units/{fridge.id}/record", data=GOOD)
    assert response.status_code == 302
    entry = db.session.scalar(select(LogEntry))
    assert entry.payload["values"] == {"current": 4.5, "minimum": 3.1, "maximum": 6.0}
    assert entry.seq == 1 and entry.key_id == "test1"
    assert db.session.scalar(select(LogIncident)) is None
    page = client.get("/today/").get_data(as_text=True)
    assert "Fridge, room 2" in page


def test_bad_input_keeps_the_values_and_says_what_to_fix(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    auth.login_as(people[2])
    response = client.post(f"/logs/units/{people[3].id}/record", data={**GOOD, "current": "warm"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter a number" in page and 'value="3.1"' in page
    assert db.session.scalar(select(LogEntry)) is None


def test_out_of_range_asks_then_opens_an_incident_and_tells_managers(
    client: FlaskClient, auth: Auth, people: Any, smtp_server: Any
) -> None:
    _clinic, manager, staff, fridge = people
    auth.login_as(staff)
    warm = {**GOOD, "maximum": "9.2"}
    asked = client.post(f"/logs/units/{fridge.id}/record", data=warm)
    assert "Out of range" in asked.get_data(as_text=True)
    assert db.session.scalar(select(LogEntry)) is None
    done = client.post(f"/logs/units/{fridge.id}/record", data={**warm, "confirmed": "yes"})
    incident = db.session.scalar(select(LogIncident))
    assert done.headers["Location"].endswith(f"/logs/incidents/{incident.id}")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Keep the refrigerator door closed" in page and "Call the local public health" in page
    assert [m["To"] for m in smtp_server.messages] == [manager.user.email]
    assert "Fridge, room 2" in smtp_server.messages[0]["Subject"]


def test_a_manager_closes_an_incident_with_what_was_done(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    _clinic, manager, staff, fridge = people
    daily_logs.record_reading(
        fridge,
        catalog().log(FRIDGE),
        "opening",
        {"current": 9.0, "minimum": 3, "maximum": 9},
        staff,
    )
    db.session.commit()
    incident = db.session.scalar(select(LogIncident))
    auth.login_as(staff)
    assert (
        client.post(f"/logs/incidents/{incident.id}/close", data={"action": "x"}).status_code == 403
    )
    auth.logout()
    auth.login_as(manager)
    assert "Fridge, room 2" in client.get("/logs/").get_data(as_text=True)
    client.post(f"/logs/incidents/{incident.id}/close", data={"action": "PHU said use them."})
    db.session.refresh(incident)
    assert incident.closed_at is not None and incident.action_taken == "PHU said use them."
    kinds = [e.kind for e in db.session.scalars(select(LogEntry).order_by(LogEntry.seq))]
    assert kinds == ["reading", "closed"]


def test_a_voided_entry_stays_in_the_chain_marked_voided(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    _clinic, manager, staff, fridge = people
    auth.login_as(staff)
    client.post(f"/logs/units/{fridge.id}/record", data=GOOD)
    entry = db.session.scalar(select(LogEntry))
    assert client.post(f"/logs/entries/{entry.id}/void", data={"reason": "x"}).status_code == 403
    auth.logout()
    auth.login_as(manager)
    client.post(f"/logs/entries/{entry.id}/void", data={"reason": "Read the wrong fridge"})
    entries = list(db.session.scalars(select(LogEntry).order_by(LogEntry.seq)))
    assert [(e.kind, e.payload.get("voids")) for e in entries] == [("reading", None), ("void", 1)]
    page = client.get(f"/logs/units/{fridge.id}").get_data(as_text=True)
    assert "Voided" in page and "Read the wrong fridge" in page
    assert "<title>Fridge, room 2" in page and "Current temperature" in page
    assert f"/exports/logs/{fridge.id}/month.pdf" in page


def test_verify_logs_passes_then_fails_on_a_tampered_reading(app: Flask, people: Any) -> None:
    _clinic, _manager, staff, fridge = people
    values = {"current": 4.0, "minimum": 3.0, "maximum": 5.0}
    for session in ("opening", "closing"):
        daily_logs.record_reading(fridge, catalog().log(FRIDGE), session, values, staff)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "All 1 clinic logs verify" in runner.invoke(cli, ["verify-logs"]).output
    first = db.session.scalar(select(LogEntry).where(LogEntry.seq == 1))
    first.payload = {**first.payload, "values": {**values, "maximum": 7.9}}
    db.session.commit()
    result = runner.invoke(cli, ["verify-logs"])
    assert result.exit_code == 1 and "Fridge, room 2" in result.output


def test_the_month_page_runs_the_same_queries_however_many_entries(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    _clinic, manager, staff, fridge = people
    auth.login_as(manager)

    def queries() -> int:
        with counting_queries() as statements:
            assert client.get(f"/logs/units/{fridge.id}").status_code == 200
        return len(statements)

    log, values = catalog().log(FRIDGE), {"current": 4.0, "minimum": 3.0, "maximum": 5.0}
    daily_logs.record_reading(fridge, log, "opening", values, staff)
    db.session.commit()
    few = queries()
    for _ in range(20):
        daily_logs.record_reading(fridge, log, "closing", {**values, "maximum": 9.0}, staff)
    db.session.commit()
    assert queries() == few


def test_the_dashboard_shows_incidents_gaps_and_the_month_in_constant_queries(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    _clinic, manager, staff, fridge = people
    auth.login_as(manager)

    def dashboard() -> tuple[str, int]:
        with counting_queries() as statements:
            page = client.get("/dashboard/").get_data(as_text=True)
        return page, len(statements)

    log, values = catalog().log(FRIDGE), {"current": 4.0, "minimum": 3.0, "maximum": 9.0}
    daily_logs.record_reading(fridge, log, "opening", values, staff)
    db.session.commit()
    page, few = dashboard()
    assert "1 open incident" in page and "Not recorded yet today" in page
    for session in ("opening", "closing") * 10:
        daily_logs.record_reading(fridge, log, session, values, staff)
    db.session.commit()
    page, many = dashboard()
    assert "21 open incidents" in page and "Not recorded yet today" not in page
    assert many == few


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_month_pdf_shows_every_reading_voided_ones_as_voided_and_incidents(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    _clinic, manager, staff, fridge = people
    log = catalog().log(FRIDGE)
    first, _ = daily_logs.record_reading(
        fridge, log, "opening", {"current": 4.0, "minimum": 3.0, "maximum": 5.0}, staff
    )
    _, incident = daily_logs.record_reading(
        fridge, log, "closing", {"current": 4.0, "minimum": 3.0, "maximum": 9.5}, staff
    )
    daily_logs.void_entry(first, "Wrong fridge", manager, set())
    daily_logs.close_incident(incident, "Public health said the vaccines may be used.", manager)
    db.session.commit()
    auth.login_as(manager)
    response = client.get(f"/exports/logs/{fridge.id}/month.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Voided:" in text and "Wrong fridge" in text  # the reason wraps under its label
    assert "9.5" in text and "out of range" in text
    assert "Public health said the vaccines may be used." in text
    assert "Missed\n1\n" in text  # the voided opening; no gap before the fridge was named


@pytest.mark.parametrize("period", ["week", "month"])
def test_a_blank_sheet_prints_the_period_the_unit_and_the_range(
    client: FlaskClient, auth: Auth, people: Any, period: str
) -> None:
    auth.login_as(people[2])
    response = client.get(f"/exports/logs/{people[3].id}/sheet.pdf?period={period}")
    text = _pdf_text(response.data)
    assert "Fridge, room 2" in text and "+2.0 \u2013 +8.0" in text and "Period" in text


def test_the_managers_digest_names_yesterdays_gaps(people: Any) -> None:
    clinic, manager, staff, fridge = people
    yesterday = clinic.today() - timedelta(days=1)
    clinic.open_holidays = [*clinic.open_holidays, yesterday.isoformat()]
    fridge.created_at -= timedelta(days=3)
    db.session.commit()
    values = {"current": 4.0, "minimum": 3.0, "maximum": 5.0}
    reading, _ = daily_logs.record_reading(fridge, catalog().log(FRIDGE), "opening", values, staff)
    reading.day = yesterday  # recorded yesterday morning; the closing reading was missed
    db.session.commit()
    plans = list(reminder_operations.plan_runs(clinic.today()))
    gaps = [i for plan in plans for d in plan.digests for i in d.items if i.kind == "log_gap"]
    assert [(i.recipient_id, i.title, i.count, i.when) for i in gaps] == [
        (manager.user_id, "Fridge, room 2", 1, yesterday)
    ]


def test_a_manager_sets_the_duty_days_hours_and_the_public_health_number(
    client: FlaskClient, auth: Auth, people: Any
) -> None:
    _clinic, manager, staff, fridge = people
    auth.login_as(manager)
    settings = {
        "weekly_weekday": "2",
        "monthly_day": "15",
        "opens_at": "07:30",
        "closes_at": "18:00",
        "public_health_phone": "902-555-0100",
    }
    assert client.post("/logs/settings", data={**settings, "monthly_day": "31"}).status_code == 200
    assert client.post("/logs/settings", data=settings).status_code == 302
    saved = db.session.scalar(select(DutySettings))
    assert (saved.weekly_weekday, saved.monthly_day, saved.opens_at) == (2, 15, time(7, 30))
    warm = {"current": 9.0, "minimum": 3.0, "maximum": 9.0}
    _, incident = daily_logs.record_reading(fridge, catalog().log(FRIDGE), "opening", warm, staff)
    db.session.commit()
    page = client.get(f"/logs/incidents/{incident.id}").get_data(as_text=True)
    assert 'href="tel:902-555-0100"' in page
