"""A clinic's open days: its open weekdays, less its province's statutory holidays, plus the
holidays it chooses to open anyway.

One calendar serves every date the product computes for a clinic: plan due dates, re-dating a
plan when a start date moves, and which days a daily duty log is expected. A clinic that never
changed its days is open Monday to Friday.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

_DAY = timedelta(days=1)
WEEKDAYS = frozenset(range(5))  # Monday (0) to Friday (4)
HOLIDAY_LANGUAGES = {"en": "en_CA", "fr": "fr"}  # the holidays package's language codes


@lru_cache(maxsize=256)
def _holidays(province: str, year: int, lang: str = "en") -> dict[date, str]:
    # Building a holiday calendar is slow next to everything else a plan does: build each once.
    found = holidays.country_holidays(
        "CA", subdiv=province, years=year, language=HOLIDAY_LANGUAGES[lang]
    )
    return dict(found.items())


def statutory_holidays(
    province: str, first: date, last: date, lang: str = "en"
) -> list[tuple[date, str]]:
    """The province's statutory holidays from ``first`` to ``last``, named in ``lang``."""
    found = []
    for year in range(first.year, last.year + 1):
        found += [(d, n) for d, n in _holidays(province, year, lang).items() if first <= d <= last]
    return sorted(found)


@dataclass(frozen=True)
class ClinicCalendar:
    """When one clinic is open. ``open_holidays`` are statutory holidays it opens anyway."""

    province: str
    open_weekdays: frozenset[int] = WEEKDAYS
    open_holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Every walk below looks for the next open day: with no open weekday it would never end.
        if not self.open_weekdays or not self.open_weekdays <= frozenset(range(7)):
            raise ValueError("a clinic is open on at least one weekday (0 = Monday ... 6 = Sunday)")
        object.__setattr__(self, "open_weekdays", frozenset(self.open_weekdays))
        object.__setattr__(self, "open_holidays", frozenset(self.open_holidays))

    def is_holiday(self, day: date) -> bool:
        return day in _holidays(self.province, day.year)

    def is_open(self, day: date) -> bool:
        if day.weekday() not in self.open_weekdays:
            return False
        return day in self.open_holidays or not self.is_holiday(day)

    def open_on_or_after(self, day: date) -> date:
        while not self.is_open(day):
            day += _DAY
        return day

    def open_on_or_before(self, day: date) -> date:
        while not self.is_open(day):
            day -= _DAY
        return day

    def add_open_days(self, day: date, count: int) -> date:
        """The open day ``count`` open days after ``day``."""
        for _ in range(count):
            day = self.open_on_or_after(day + _DAY)
        return day

    def open_days(self, first: date, last: date) -> list[date]:
        """Every open day from ``first`` to ``last``, both included."""
        days, day = [], first
        while day <= last:
            if self.is_open(day):
                days.append(day)
            day += _DAY
        return days
