"""Properties of build_plan over any clinic, role and start date (minimal fixture library)."""

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_onboard.catalog import JURISDICTION_CODES, SETTING_SLUGS, load_catalog
from clinic_onboard.planner import ClinicProfile, build_plan
from clinic_onboard.planner.schedule import Schedule
from clinic_onboard.planner.workdays import ClinicCalendar

CATALOG = load_catalog(Path(__file__).parent / "fixtures" / "minimal")

profiles = st.builds(
    ClinicProfile,
    province=st.sampled_from(JURISDICTION_CODES),
    setting=st.sampled_from(SETTING_SLUGS),
    emr=st.none() | st.sampled_from(list(CATALOG.emr_products)),
    options=st.frozensets(st.sampled_from(list(CATALOG.options))),
)
roles = st.sampled_from(list(CATALOG.roles))
starts = st.dates(date(2024, 1, 1), date(2032, 12, 31))


@settings(max_examples=300, deadline=None)
@given(profile=profiles, role=roles, start=starts)
def test_plans_are_deterministic_sorted_and_on_working_days(
    profile: ClinicProfile, role: str, start: date
) -> None:
    plan = build_plan(CATALOG, profile, role, start)
    assert build_plan(CATALOG, profile, role, start) == plan
    due_dates = [task.due_date for task in plan.tasks]
    assert due_dates == sorted(due_dates)
    assert all(ClinicCalendar(profile.province).is_open(day) for day in due_dates)
    earliest = Schedule.starting(ClinicCalendar(profile.province), start).before_start
    assert all(day >= earliest for day in due_dates)
