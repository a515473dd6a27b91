"""Due dates on working days: weekends, national and provincial statutory holidays.

The holiday premises are asserted against the holidays package rather than assumed.
"""

from collections import Counter
from datetime import date, timedelta

import holidays
import pytest

from clinic_onboard.planner.schedule import Schedule, after_requirements
from clinic_onboard.planner.spread import CrowdedDay, Window, spread
from clinic_onboard.planner.workdays import ClinicCalendar, statutory_holidays


def is_holiday(day: date, province: str) -> bool:
    return day in holidays.country_holidays("CA", subdiv=province, years=day.year)


def test_holiday_premises() -> None:
    assert is_holiday(date(2026, 7, 1), "ON")  # Canada Day, a Wednesday
    assert is_holiday(date(2026, 4, 3), "ON") and is_holiday(date(2026, 4, 3), "QC")  # Good Friday
    assert is_holiday(date(2026, 2, 16), "ON")  # Family Day, a Monday
    assert not is_holiday(date(2026, 2, 16), "QC")  # Quebec has no Family Day
    assert is_holiday(date(2026, 6, 24), "QC") and not is_holiday(date(2026, 6, 24), "ON")
    assert is_holiday(date(2026, 12, 28), "ON")  # Boxing Day observed (26th is a Saturday)


@pytest.mark.parametrize(
    ("day", "province", "expected"),
    [
        (date(2026, 12, 1), "ON", True),
        (date(2026, 12, 5), "ON", False),  # Saturday
        (date(2026, 7, 1), "QC", False),
        (date(2026, 2, 16), "ON", False),
        (date(2026, 2, 16), "QC", True),
    ],
)
def test_is_working_day(day: date, province: str, expected: bool) -> None:
    assert ClinicCalendar(province).is_open(day) is expected


@pytest.mark.parametrize(
    ("province", "start", "phase", "due_days", "expected"),
    [
        # day_1: the first working day on or after the start
        ("ON", date(2026, 12, 1), "day_1", None, date(2026, 12, 1)),
        ("ON", date(2026, 12, 5), "day_1", None, date(2026, 12, 7)),  # weekend start
        ("ON", date(2026, 7, 1), "day_1", None, date(2026, 7, 2)),  # Canada Day start
        ("ON", date(2026, 4, 3), "day_1", None, date(2026, 4, 6)),  # Good Friday start
        ("ON", date(2026, 2, 16), "day_1", None, date(2026, 2, 17)),  # Family Day in ON
        ("QC", date(2026, 2, 16), "day_1", None, date(2026, 2, 16)),  # an ordinary Monday in QC
        ("QC", date(2026, 6, 24), "day_1", None, date(2026, 6, 25)),  # Saint-Jean-Baptiste
        ("ON", date(2026, 12, 25), "day_1", None, date(2026, 12, 29)),  # Christmas to Boxing Day
        # before_start: the last working day strictly before day 1
        ("ON", date(2026, 12, 7), "before_start", None, date(2026, 12, 4)),
        ("ON", date(2026, 12, 5), "before_start", None, date(2026, 12, 4)),  # weekend start
        ("ON", date(2026, 2, 17), "before_start", None, date(2026, 2, 13)),  # skips Family Day
        ("QC", date(2026, 2, 17), "before_start", None, date(2026, 2, 16)),
        ("ON", date(2026, 4, 6), "before_start", None, date(2026, 4, 2)),  # skips Good Friday
        # week_1: day 1 plus four more working days
        ("ON", date(2026, 11, 30), "week_1", None, date(2026, 12, 4)),
        ("ON", date(2026, 6, 29), "week_1", None, date(2026, 7, 6)),  # over Canada Day
        ("ON", date(2026, 12, 5), "week_1", None, date(2026, 12, 11)),  # weekend start
        ("ON", date(2026, 12, 24), "week_1", None, date(2027, 1, 4)),  # over Christmas, New Year
        # due_days: calendar days, back to a working day, never before day 1
        ("ON", date(2026, 12, 1), None, 14, date(2026, 12, 15)),
        ("ON", date(2026, 11, 30), None, 5, date(2026, 12, 4)),  # lands on Saturday
        ("ON", date(2026, 6, 1), None, 30, date(2026, 6, 30)),  # lands on Canada Day
        ("ON", date(2026, 12, 5), None, 0, date(2026, 12, 7)),  # Friday is before day 1
        ("ON", date(2026, 12, 5), None, 1, date(2026, 12, 7)),
        ("ON", date(2026, 1, 17), None, 30, date(2026, 2, 13)),  # Family Day in ON ...
        ("QC", date(2026, 1, 17), None, 30, date(2026, 2, 16)),  # ... a working day in QC
        # first_30_days and first_90_days are due_days 30 and 90
        ("ON", date(2026, 6, 1), "first_30_days", None, date(2026, 6, 30)),
        ("ON", date(2026, 12, 1), "first_90_days", None, date(2027, 3, 1)),
        ("ON", date(2026, 1, 3), "first_90_days", None, date(2026, 4, 2)),  # Good Friday
    ],
)
def test_due_date(
    province: str, start: date, phase: str | None, due_days: int | None, expected: date
) -> None:
    assert Schedule.starting(ClinicCalendar(province), start).due(phase, due_days) == expected


def test_add_working_days_skips_holidays() -> None:
    assert ClinicCalendar("ON").add_open_days(date(2026, 4, 2), 1) == date(2026, 4, 6)
    assert ClinicCalendar("ON").add_open_days(date(2026, 4, 2), 0) == date(2026, 4, 2)


D1, D2, D3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


@pytest.mark.parametrize(
    ("due", "requires", "expected"),
    [
        ({"a": D1, "b": D2}, {"a": ["b"]}, {"a": D2, "b": D2}),  # moved to the later date
        ({"a": D3, "b": D2}, {"a": ["b"]}, {"a": D3, "b": D2}),  # already after it
        ({"a": D1}, {"a": ["gone"]}, {"a": D1}),  # a requirement that does not apply
        ({"a": D1, "b": D1, "c": D3}, {"a": ["b"], "b": ["c"]}, {"a": D3, "b": D3, "c": D3}),
    ],
    ids=["later", "earlier", "absent", "chain"],
)
def test_after_requirements(
    due: dict[str, date], requires: dict[str, list[str]], expected: dict[str, date]
) -> None:
    assert after_requirements(due, requires) == expected


# ---- before you start, and spreading a crowded day --------------------------------------------


@pytest.mark.parametrize(
    ("created_on", "expected"),
    [
        (None, date(2026, 12, 4)),  # the Friday before a Monday start
        (date(2026, 11, 20), date(2026, 12, 4)),  # made in good time: the eve
        (date(2026, 12, 5), date(2026, 12, 7)),  # made on the Saturday: never the past Friday
        (date(2026, 12, 9), date(2026, 12, 9)),  # made after the start: the day it is made
    ],
)
def test_before_start_is_never_before_the_plan_is_made(
    created_on: date | None, expected: date
) -> None:
    schedule = Schedule.starting(ClinicCalendar("ON"), date(2026, 12, 7), created_on)
    assert schedule.due("before_start", None) == expected


def test_phase_windows_start_where_the_previous_phase_ends() -> None:
    schedule = Schedule.starting(ClinicCalendar("ON"), date(2026, 12, 1))
    assert schedule.earliest("week_1", None) == schedule.earliest("day_1", None) == schedule.day_1
    assert schedule.earliest("first_30_days", None) == date(2026, 12, 8)  # after week 1
    assert schedule.earliest("first_90_days", None) > schedule.due("first_30_days", None)
    assert schedule.earliest(None, 14) == schedule.day_1


ONTARIO = ClinicCalendar("ON")
MON, TUE, WED, THU, FRI = (date(2026, 11, 30) + timedelta(days=n) for n in range(5))


def week_1(*ids: str, requires: dict[str, tuple[str, ...]] | None = None) -> dict[str, Window]:
    return {i: Window(MON, FRI, (requires or {}).get(i, ())) for i in ids}


def test_a_crowded_day_gives_tasks_to_the_days_before() -> None:
    placed, crowded = spread(week_1(*"abcdefgh"), 3, ONTARIO)
    assert Counter(placed.values()) == {FRI: 3, THU: 3, WED: 2}
    assert {placed[i] for i in "fgh"} == {FRI}, "the last-listed keep the due date"
    assert crowded == ()


def test_tasks_with_nowhere_to_go_stay_and_the_day_is_reported() -> None:
    windows = {i: Window(MON, MON) for i in "abcd"} | {"e": Window(MON, TUE)}
    placed, crowded = spread(windows, 2, ONTARIO)
    assert set(placed.values()) == {MON, TUE} and placed["e"] == TUE
    assert crowded == (CrowdedDay(MON, 4),)


def test_a_task_never_moves_after_its_due_date_or_before_its_phase() -> None:
    windows = {"late": Window(WED, FRI), **{f"x{n}": Window(FRI, FRI) for n in range(3)}}
    placed, _ = spread(windows, 1, ONTARIO)
    assert WED <= placed["late"] <= FRI
    assert all(day <= FRI for day in placed.values())


def test_requirements_come_first_after_spreading() -> None:
    windows = week_1("fit_test", "airborne", "c", "d", requires={"airborne": ("fit_test",)})
    placed, _ = spread(windows, 1, ONTARIO)
    assert placed["fit_test"] < placed["airborne"]
    assert len(set(placed.values())) == 4


def test_spreading_skips_holidays() -> None:
    # 24 December 2026 is a Thursday, 25 and 28 December are holidays in Ontario
    windows = {i: Window(date(2026, 12, 21), date(2026, 12, 29)) for i in "abc"}
    placed, _ = spread(windows, 1, ONTARIO)
    assert sorted(placed.values()) == [date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 29)]


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        spread(week_1("a"), 0, ONTARIO)


def test_a_clinic_open_on_saturdays_gets_saturday_due_dates() -> None:
    """The clinic's own open days decide due dates, not a fixed Monday-to-Friday week."""
    weekend_clinic = ClinicCalendar("NS", open_weekdays=frozenset({1, 2, 3, 4, 5}))
    assert weekend_clinic.is_open(date(2026, 12, 5))  # a Saturday
    assert not weekend_clinic.is_open(date(2026, 12, 7))  # a Monday
    assert weekend_clinic.open_on_or_after(date(2026, 12, 6)) == date(2026, 12, 8)


def test_a_holiday_the_clinic_opens_on_is_an_open_day() -> None:
    boxing_day_observed = date(2026, 12, 28)
    assert not ClinicCalendar("ON").is_open(boxing_day_observed)
    opens = ClinicCalendar("ON", open_holidays=frozenset({boxing_day_observed}))
    assert opens.is_open(boxing_day_observed)


def test_a_clinic_is_open_on_at_least_one_weekday() -> None:
    with pytest.raises(ValueError, match="at least one weekday"):
        ClinicCalendar("ON", open_weekdays=frozenset())


def test_statutory_holidays_are_named_in_both_languages() -> None:
    first, last = date(2027, 6, 30), date(2027, 7, 2)
    assert statutory_holidays("NS", first, last) == [(date(2027, 7, 1), "Canada Day")]
    assert statutory_holidays("NS", first, last, "fr") == [(date(2027, 7, 1), "Fête du Canada")]
