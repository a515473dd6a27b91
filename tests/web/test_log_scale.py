"""A fridge's month costs the same statements at any age of the log: a clinic with three years
of twice-daily readings for five refrigerators and one with two months of them open the same
month grid, and download the same month's PDF, in the same number of queries."""

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient

from bench.log_size import seed_fridges
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, LogEntry, Membership
from tests.conftest import Auth, counting_queries


def _clinic_with_history(
    make_clinic: Callable[..., Clinic], make_member: Callable[..., Membership], days: int
) -> tuple[Membership, int]:
    """A clinic whose five fridges have ``days`` of readings up to today; its manager and the
    first fridge's id."""
    clinic = make_clinic("Harbour Family Health", province="NS", options=["vaccine_storage"])
    manager = make_member(AppRole.MANAGER, clinic)
    staff = make_member(AppRole.STAFF, clinic)
    today = clinic.today()
    units = seed_fridges(clinic, staff, manager, today - timedelta(days=days), today)
    db.session.commit()
    return manager, units[0].id


def _month_statements(
    client: FlaskClient, auth: Auth, manager: Membership, unit_id: int, month: str
) -> tuple[int, int, str]:
    """The statements of the month page and of the month PDF, and the page's text."""
    auth.login_as(manager)
    with counting_queries() as page_statements:
        page = client.get(f"/logs/units/{unit_id}?month={month}")
    with counting_queries() as pdf_statements:
        pdf = client.get(f"/exports/logs/{unit_id}/month.pdf?month={month}")
    assert page.status_code == 200 and pdf.status_code == 200
    auth.logout()
    return len(page_statements), len(pdf_statements), page.get_data(as_text=True)


def test_a_month_of_three_years_of_readings_costs_the_queries_of_two_months(
    client: FlaskClient,
    auth: Auth,
    make_clinic: Callable[..., Clinic],
    make_member: Callable[..., Membership],
) -> None:
    young_manager, young_fridge = _clinic_with_history(make_clinic, make_member, 60)
    old_manager, old_fridge = _clinic_with_history(make_clinic, make_member, 3 * 365)
    month = (young_manager.clinic.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    young = _month_statements(client, auth, young_manager, young_fridge, month)
    old = _month_statements(client, auth, old_manager, old_fridge, month)
    entries = db.session.query(LogEntry).filter(LogEntry.unit_id == old_fridge).count()
    assert entries > 3 * 250 * 2  # twice on every open day of three years, and the closings
    this_month = _month_statements(
        client, auth, old_manager, old_fridge, old_manager.clinic.today().strftime("%Y-%m")
    )
    assert young[:2] == old[:2] == this_month[:2]  # and whatever the month holds
    # The same month, read from both: the same readings, however much history surrounds it.
    recorded = old[2].count("✓ recorded")
    assert recorded > 30 and young[2].count("✓ recorded") == recorded
