"""Working days: Monday to Friday, less the province's statutory holidays."""

from datetime import date, timedelta
from functools import lru_cache

import holidays

_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _holidays(province: str, year: int) -> frozenset[date]:
    # Building a holiday calendar is slow next to everything else a plan does: build each once.
    return frozenset(holidays.country_holidays("CA", subdiv=province, years=year))


def is_working_day(day: date, province: str) -> bool:
    return day.weekday() < 5 and day not in _holidays(province, day.year)


def working_day_on_or_after(day: date, province: str) -> date:
    while not is_working_day(day, province):
        day += _DAY
    return day


def working_day_on_or_before(day: date, province: str) -> date:
    while not is_working_day(day, province):
        day -= _DAY
    return day


def add_working_days(day: date, count: int, province: str) -> date:
    """The working day ``count`` working days after ``day``."""
    for _ in range(count):
        day = working_day_on_or_after(day + _DAY, province)
    return day
