"""The demo clinic's vaccine fridges: two months of twice-daily readings, written through the
logs' chain, so the month grid and the month PDF show a real month out of the box."""

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.cli.demo import DEMO_PEOPLE, FRIDGES, LOG_DAYS, WARM_ACTION
from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, LogEntry, LogIncident, LogUnit
from tests.conftest import Auth


def test_the_demo_fridges_have_two_months_of_readings_that_verify(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    clinic = db.session.scalars(select(Clinic)).one()
    units = db.session.scalars(select(LogUnit).order_by(LogUnit.id)).all()
    assert [u.name for u in units] == list(FRIDGES)
    today = clinic.today()
    days = clinic.calendar.open_days(today - timedelta(days=LOG_DAYS), today - timedelta(days=1))
    entries = db.session.scalars(select(LogEntry)).all()
    kinds = [e.kind for e in entries]
    # two fridges, two sessions a day, two missed, one misread read again
    assert kinds.count("reading") == 2 * 2 * len(days) - 2 + 1
    assert (kinds.count("void"), kinds.count("closed")) == (1, 1)
    assert not any(e.day >= today for e in entries)  # today's readings are left to do
    (incident,) = db.session.scalars(select(LogIncident)).all()
    assert incident.closed_at is not None and incident.action_taken == WARM_ACTION
    assert incident.entry.payload["out_of_range"] == ["maximum"]

    result = runner.invoke(cli, ["verify-logs"])
    assert result.output == "All 2 clinic logs verify.\n"  # and anchored: nothing lags

    auth.login(DEMO_PEOPLE[0].email, DEMO_PEOPLE[0].password)
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    pages = [
        client.get(f"/logs/units/{u.id}?month={last_month}").get_data(as_text=True) for u in units
    ]
    assert all("✓ recorded" in page for page in pages)
    incident_month = incident.entry.day.strftime("%Y-%m")
    warm = client.get(f"/exports/logs/{units[0].id}/month.pdf?month={incident_month}")
    assert warm.status_code == 200 and warm.mimetype == "application/pdf"
