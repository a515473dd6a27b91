"""Reads for the clinic logs pages: the logs with their units, one unit's month, an incident.

The month of a unit is three queries whatever the number of entries (its entries of the month,
its incidents, the settings): the grid and the inspection PDF read the same ``UnitMonth``.
"""

import calendar as months
from dataclasses import dataclass
from datetime import date, timedelta

from clinic_onboard.catalog import Catalog, ClinicLog
from clinic_onboard.local_time import local
from clinic_onboard.models import Clinic, LogEntry, LogIncident, LogUnit
from clinic_onboard.planner.daily import ClinicDay, gaps
from clinic_onboard.queries import daily
from clinic_onboard.queries.today import recorded_sessions


@dataclass(frozen=True)
class LogWithUnits:
    log: ClinicLog
    units: list[LogUnit]


def clinic_log_list(library: Catalog, clinic: Clinic) -> list[LogWithUnits]:
    units = daily.units(clinic.id)
    return [
        LogWithUnits(log, [u for u in units if u.log_id == log.id])
        for log in daily.clinic_logs(library, clinic)
    ]


def first_of_month(text: str | None, today: date) -> date:
    """``YYYY-MM`` from the URL, or this month; a bad value falls back to this month."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@dataclass(frozen=True)
class DayCell:
    day: date
    open: bool
    due: bool
    recorded: frozenset[str]
    missing: tuple[str, ...]  # sessions due that day and not recorded (a gap), up to today


@dataclass(frozen=True)
class UnitMonth:
    log: ClinicLog
    unit: LogUnit
    first: date
    days: list[DayCell]
    entries: list[LogEntry]
    voided: dict[int, LogEntry]  # seq of a voided reading -> the entry that voided it
    incidents: list[LogIncident]

    @property
    def previous(self) -> str:
        return (self.first - timedelta(days=1)).strftime("%Y-%m")

    @property
    def following(self) -> str:
        return (month_end(self.first) + timedelta(days=1)).strftime("%Y-%m")

    @property
    def gap_count(self) -> int:
        return sum(len(cell.missing) for cell in self.days)


def unit_month(library: Catalog, clinic: Clinic, unit: LogUnit, first: date) -> UnitMonth:
    log = library.log(unit.log_id)
    last = month_end(first)
    entries = daily.entries_between([unit.id], first, last)
    clinic_day = daily.clinic_day(clinic, daily.duty_settings(clinic))
    taken = recorded_sessions(entries)[unit.id]
    cells = month_cells(clinic, clinic_day, log, first, taken, named_on(clinic, unit))
    voided = {e.payload["voids"]: e for e in entries if e.kind == "void"}
    incidents = daily.incidents_between(unit.id, first, last)
    return UnitMonth(log, unit, first, cells, entries, voided, incidents)


def named_on(clinic: Clinic, unit: LogUnit) -> date:
    """The clinic's date the unit was named on."""
    return local(unit.created_at, clinic.time_zone).date()


def month_end(first: date) -> date:
    return first.replace(day=months.monthrange(first.year, first.month)[1])


def month_cells(
    clinic: Clinic,
    clinic_day: ClinicDay,
    log: ClinicLog,
    first: date,
    taken: dict[date, set[str]],
    since: date,
) -> list[DayCell]:
    """A cell per day of ``first``'s month; the gaps are counted from ``since`` (the day the
    unit was named: nothing was asked of it before) up to the clinic's today."""
    today = clinic.today()
    days = [first.replace(day=n) for n in range(1, month_end(first).day + 1)]
    sessions = [s.id for s in log.sessions]
    past = [d for d in days if since <= d <= today]
    missing = gaps(clinic_day, log.cadence, sessions, past, _as_set(taken))
    return [
        DayCell(
            day,
            clinic_day.calendar.is_open(day),
            clinic_day.is_due(log.cadence, day),
            frozenset(taken.get(day, ())),
            tuple(s for d, s in missing if d == day),
        )
        for day in days
    ]


def _as_set(taken: dict[date, set[str]]) -> set[tuple[date, str]]:
    return {(day, session) for day, sessions in taken.items() for session in sessions}


def voided_seqs(unit_id: int) -> set[int]:
    """The seqs of a unit's readings already voided."""
    return {e.payload.get("voids") for e in daily.chain_of(unit_id) if e.kind == "void"}
