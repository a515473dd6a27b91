"""Due dates: phases and day counts turned into the clinic's open days for one start date."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from clinic_onboard.planner.workdays import ClinicCalendar


@dataclass(frozen=True)
class Schedule:
    """The dates a plan hangs on: a start date may fall on a weekend, day 1 never does."""

    calendar: ClinicCalendar
    start: date
    day_1: date
    created_on: date | None = None

    @classmethod
    def starting(
        cls, calendar: ClinicCalendar, start: date, created_on: date | None = None
    ) -> "Schedule":
        return cls(calendar, start, calendar.open_on_or_after(start), created_on)

    @property
    def before_start(self) -> date:
        """The last open day before day 1, or the plan's first open day when that has passed:
        a plan made on the eve of the start (or after it) never dates a task in the past."""
        day = self.calendar.open_on_or_before(self.day_1 - timedelta(days=1))
        if self.created_on is None:
            return day
        return max(day, self.calendar.open_on_or_after(self.created_on))

    def earliest(self, phase: str | None, due_days: int | None) -> date:
        """The first day of the task's phase: spreading never moves a task into an earlier one.

        Tasks timed by a day count may go as early as day 1.
        """
        if phase in (None, "before_start", "day_1", "week_1"):
            return self.day_1 if phase != "before_start" else self.before_start
        previous = {"first_30_days": "week_1", "first_90_days": "first_30_days"}[phase]
        return self.calendar.add_open_days(_PHASES[previous](self), 1)

    def after_days(self, days: int) -> date:
        """``days`` calendar days after the start, back to an open day but never before day 1."""
        day = self.calendar.open_on_or_before(self.start + timedelta(days=days))
        return max(day, self.day_1)

    def due(self, phase: str | None, due_days: int | None) -> date:
        """The due date of an item timed by a phase or by a day count (the other is None)."""
        if phase is None:
            return self.after_days(due_days or 0)
        return _PHASES[phase](self)


_PHASES: Mapping[str, Callable[[Schedule], date]] = {
    "before_start": lambda schedule: schedule.before_start,
    "day_1": lambda schedule: schedule.day_1,
    "week_1": lambda schedule: schedule.calendar.add_open_days(schedule.day_1, 4),
    "first_30_days": lambda schedule: schedule.after_days(30),
    "first_90_days": lambda schedule: schedule.after_days(90),
}


def after_requirements(
    due: Mapping[str, date], requires: Mapping[str, Sequence[str]]
) -> dict[str, date]:
    """Move each item to no earlier than the items it requires (those not in ``due`` are ignored).

    The loader rejects cycles, so following requirements always ends.
    """
    settled: dict[str, date] = {}

    def settle(item_id: str) -> date:
        if item_id not in settled:
            firsts = [settle(other) for other in requires.get(item_id, ()) if other in due]
            settled[item_id] = max([due[item_id], *firsts])
        return settled[item_id]

    for item_id in due:
        settle(item_id)
    return settled
