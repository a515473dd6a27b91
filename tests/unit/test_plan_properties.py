"""Properties of build_plan over any clinic, role and start date (minimal fixture library)."""

from collections import Counter
from datetime import date, timedelta
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


REAL = load_catalog(Path(__file__).parents[2] / "checklists")
real_profiles = st.builds(
    ClinicProfile,
    province=st.sampled_from(JURISDICTION_CODES),
    setting=st.sampled_from(SETTING_SLUGS),
    options=st.frozensets(st.sampled_from(list(REAL.options))),
)


@settings(max_examples=40, deadline=None)
@given(
    profile=real_profiles,
    role=st.sampled_from(list(REAL.roles)),
    start=starts,
    created_days_before=st.integers(-3, 20),
    max_per_day=st.integers(1, 12),
)
def test_spread_schedules_keep_phases_requirements_and_report_overflow(
    profile: ClinicProfile, role: str, start: date, created_days_before: int, max_per_day: int
) -> None:
    """On the real library: no task after its unspread due date (its phase end or deadline) or
    before its phase; requirements first; "before you start" never before the creation day; every
    day over the limit is reported with its count, and no other day is."""
    created_on = start - timedelta(days=created_days_before)
    plan = build_plan(REAL, profile, role, start, created_on=created_on, max_per_day=max_per_day)
    unspread = build_plan(REAL, profile, role, start, created_on=created_on, max_per_day=10_000)
    schedule = Schedule.starting(ClinicCalendar(profile.province), start, created_on)
    limit = {task.id: task.due_date for task in unspread.tasks}
    day = {task.id: task.due_date for task in plan.tasks}
    for task in plan.tasks:
        assert schedule.earliest(task.phase, task.due_days) <= task.due_date <= limit[task.id]
        assert ClinicCalendar(profile.province).is_open(task.due_date)
        for required in REAL.item(task.id).requires:
            assert day.get(required, task.due_date) <= task.due_date, (required, task.id)
        if task.phase == "before_start":
            assert task.due_date >= created_on
    load = Counter(t.due_date for t in plan.tasks if t.phase != "before_start")
    crowded = {d: n for d, n in load.items() if n > max_per_day}
    assert dict(plan.crowded_days) == crowded
    assert unspread.crowded_days == ()
