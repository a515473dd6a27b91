"""Which duties and log readings fall on a clinic's day, when each is expected, and the gaps.

Pure: the clinic's calendar, its weekly weekday and monthly day and its hours come in as plain
values. A weekly duty falls on the clinic's chosen weekday, or on the next open day of that
week when the clinic is closed then (a holiday Monday moves it to Tuesday); a monthly one the
same way within its month. A day the clinic is closed has nothing due, so it is never a gap.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from clinic_onboard.planner.workdays import ClinicCalendar

# How long after opening (start of day) or closing (end of day) a tick still counts as on time.
GRACE = timedelta(minutes=30)
DAILY = frozenset({"start_of_day", "end_of_day", "daily"})


@dataclass(frozen=True)
class ClinicDay:
    """What a clinic decided about its duties' days and hours."""

    calendar: ClinicCalendar
    weekly_weekday: int = 0
    monthly_day: int = 1
    opens_at: time = time(8, 0)
    closes_at: time = time(17, 0)

    def is_due(self, frequency: str, day: date) -> bool:
        """Whether a duty or log of this frequency or cadence falls on ``day``."""
        if not self.calendar.is_open(day):
            return False
        if frequency in DAILY:
            return True
        if frequency == "weekly":
            return self._first_open(day, _week_day(day, self.weekly_weekday), _week_end(day))
        if frequency == "monthly":
            return self._first_open(day, day.replace(day=self.monthly_day), _month_end(day))
        return False  # per patient, per use: standing instructions, never a gap

    def _first_open(self, day: date, chosen: date, last: date) -> bool:
        if chosen > last:
            return False
        open_days = self.calendar.open_days(chosen, min(last, day))
        return bool(open_days) and open_days[0] == day

    def expected_by(self, frequency: str, day: date) -> datetime:
        """The clinic-local moment after which doing it counts as late."""
        if frequency == "start_of_day":
            return datetime.combine(day, self.opens_at) + GRACE
        if frequency == "end_of_day":
            return datetime.combine(day, self.closes_at) + GRACE
        return datetime.combine(day, self.closes_at)

    def is_late(self, frequency: str, day: date, local_moment: datetime) -> bool:
        """``local_moment`` is naive or aware clinic-local time; only its wall clock counts."""
        return local_moment.replace(tzinfo=None) > self.expected_by(frequency, day)


def _week_day(day: date, weekday: int) -> date:
    return day - timedelta(days=day.weekday()) + timedelta(days=weekday)


def _week_end(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def gaps(
    clinic_day: ClinicDay,
    cadence: str,
    sessions: Iterable[str],
    days: Iterable[date],
    recorded: set[tuple[date, str]],
) -> list[tuple[date, str]]:
    """Each (day, session) due among ``days`` with no reading recorded."""
    wanted = list(sessions)
    return [
        (day, session)
        for day in days
        if clinic_day.is_due(cadence, day)
        for session in wanted
        if (day, session) not in recorded
    ]
