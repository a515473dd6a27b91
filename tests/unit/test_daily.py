"""A clinic's day: what falls due, when it is late, and which days are gaps."""

from datetime import date, datetime, time

from clinic_onboard.planner.daily import ClinicDay, gaps
from clinic_onboard.planner.workdays import ClinicCalendar

NS = ClinicDay(ClinicCalendar("NS"), weekly_weekday=0, monthly_day=1, opens_at=time(8, 30))
MON, TUE, SAT = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 12)
CHRISTMAS = date(2026, 12, 25)  # a Friday


def test_daily_duties_fall_on_open_days_only() -> None:
    assert NS.is_due("start_of_day", MON)
    assert not NS.is_due("start_of_day", SAT)
    assert not NS.is_due("end_of_day", CHRISTMAS)
    assert not NS.is_due("per_patient", MON)


def test_a_weekly_duty_moves_to_the_next_open_day_of_its_week() -> None:
    assert NS.is_due("weekly", MON) and not NS.is_due("weekly", TUE)
    boxing_week = ClinicDay(ClinicCalendar("NS"), weekly_weekday=4)  # Friday = Christmas
    assert not boxing_week.is_due("weekly", CHRISTMAS)
    assert not boxing_week.is_due("weekly", date(2026, 12, 26))  # Saturday: closed
    assert boxing_week.is_due("weekly", date(2026, 12, 18))


def test_a_monthly_duty_falls_on_the_first_open_day_from_its_day() -> None:
    january = ClinicDay(ClinicCalendar("NS"), monthly_day=1)  # 1 January: a holiday
    assert not january.is_due("monthly", date(2027, 1, 1))
    assert january.is_due("monthly", date(2027, 1, 4))  # Monday
    assert not january.is_due("monthly", date(2027, 1, 5))


def test_a_tick_after_the_expected_time_is_late() -> None:
    assert not NS.is_late("start_of_day", MON, datetime(2026, 12, 7, 8, 55))
    assert NS.is_late("start_of_day", MON, datetime(2026, 12, 7, 9, 5))
    assert not NS.is_late("end_of_day", MON, datetime(2026, 12, 7, 17, 20))
    assert NS.is_late("end_of_day", MON, datetime(2026, 12, 7, 17, 45))


def test_a_closed_day_is_not_a_gap() -> None:
    days = [date(2026, 12, d) for d in range(24, 29)]
    recorded = {(date(2026, 12, 24), "opening"), (date(2026, 12, 24), "closing")}
    found = gaps(NS, "daily", ["opening", "closing"], days, recorded)
    # 25 and 26 are holidays in Nova Scotia... 26 and 27 the weekend; 28 is the observed
    # Boxing Day holiday; none of those is a gap.
    assert all(NS.calendar.is_open(day) for day, _ in found)
    assert (CHRISTMAS, "opening") not in found
    assert (date(2026, 12, 24), "opening") not in found


def test_a_missed_reading_on_an_open_day_is_a_gap() -> None:
    found = gaps(NS, "daily", ["opening", "closing"], [MON], {(MON, "opening")})
    assert found == [(MON, "closing")]
    assert gaps(NS, "per_use", ["cycle"], [MON], set()) == []
