"""Spreading a plan's tasks so no working day holds more than a person can do.

Each task has a window: its due date is the latest day it may have (its phase's end, its day count
or a legal deadline; never moved later), and the start of its phase is the earliest (never moved
into an earlier phase). Tasks are placed as late as their window and the day's room allow, so a
crowded day gives its extra tasks to the days before it. A task that finds no room anywhere in its
window stays on its due date, and that day is reported as crowded rather than hidden. A task is
never placed after a task that requires it.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from clinic_onboard.planner.workdays import ClinicCalendar

# Most orientation items take well under an hour (read, find, sign): eight fit in a working day.
DEFAULT_MAX_PER_DAY = 8


@dataclass(frozen=True)
class Window:
    """When one task may fall: from ``earliest`` to ``latest`` (its due date), both working days."""

    earliest: date
    latest: date
    requires: tuple[str, ...] = ()


class CrowdedDay(NamedTuple):
    """A day that holds more tasks than the limit because they could go nowhere else."""

    day: date
    tasks: int


def spread(
    windows: Mapping[str, Window], max_per_day: int, calendar: ClinicCalendar
) -> tuple[dict[str, date], tuple[CrowdedDay, ...]]:
    """Each task's day, and the days left over the limit; ``windows`` in plan order."""
    if max_per_day < 1:
        raise ValueError(f"max_per_day must be at least 1, got {max_per_day}")
    earliest = _earliest_after_requirements(windows)
    dependents = _dependents(windows)
    placed: dict[str, date] = {}
    load: Counter[date] = Counter()
    for task_id in _latest_first(windows):
        latest = min([windows[task_id].latest, *(placed[d] for d in dependents.get(task_id, ()))])
        day = _latest_free_day(latest, earliest[task_id], load, max_per_day, calendar)
        placed[task_id] = day or latest
        load[placed[task_id]] += 1
    crowded = sorted(CrowdedDay(day, count) for day, count in load.items() if count > max_per_day)
    return placed, tuple(crowded)


def _latest_free_day(
    latest: date, earliest: date, load: Counter[date], max_per_day: int, calendar: ClinicCalendar
) -> date | None:
    day = calendar.open_on_or_before(latest)
    while day >= earliest:
        if load[day] < max_per_day:
            return day
        day = calendar.open_on_or_before(date.fromordinal(day.toordinal() - 1))
    return None


def _depths(windows: Mapping[str, Window]) -> dict[str, int]:
    """How long each task's chain of requirements is; the loader rejects cycles."""
    depths: dict[str, int] = {}

    def depth(task_id: str) -> int:
        if task_id not in depths:
            below = [depth(r) + 1 for r in windows[task_id].requires if r in windows]
            depths[task_id] = max(below, default=0)
        return depths[task_id]

    for task_id in windows:
        depth(task_id)
    return depths


def _latest_first(windows: Mapping[str, Window]) -> list[str]:
    """Latest due first, dependents before what they require; among equals, the later-listed
    first, so the items listed first (the plan's own order) are the ones moved earlier."""
    depths = _depths(windows)
    order = {task_id: index for index, task_id in enumerate(windows)}
    return sorted(windows, key=lambda t: (windows[t].latest, depths[t], order[t]), reverse=True)


def _dependents(windows: Mapping[str, Window]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for task_id, window in windows.items():
        for required in window.requires:
            if required in windows:
                found.setdefault(required, []).append(task_id)
    return found


def _earliest_after_requirements(windows: Mapping[str, Window]) -> dict[str, date]:
    """A task's earliest day is no earlier than that of each task it requires."""
    settled: dict[str, date] = {}

    def settle(task_id: str) -> date:
        if task_id not in settled:
            window = windows[task_id]
            firsts: Sequence[date] = [settle(r) for r in window.requires if r in windows]
            settled[task_id] = max([window.earliest, *firsts])
        return settled[task_id]

    for task_id in windows:
        settle(task_id)
    return settled
