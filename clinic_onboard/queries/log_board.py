"""The dashboard's clinic-logs section: open incidents, today's gaps, this month per unit.

Four queries whatever the number of units and entries (settings, units, the month's entries of
every unit at once, open incidents), so three years of twice-daily readings cost the same.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from clinic_onboard.catalog import Catalog, ClinicLog
from clinic_onboard.models import Clinic, LogIncident, LogUnit
from clinic_onboard.planner.daily import ClinicDay, gaps
from clinic_onboard.queries import daily
from clinic_onboard.queries.log_pages import DayCell, month_cells, month_end, named_on
from clinic_onboard.queries.today import recorded_sessions
from clinic_onboard.reminders import LogGap


@dataclass(frozen=True)
class BoardUnit:
    log: ClinicLog
    unit: LogUnit
    days: list[DayCell]
    missing_today: tuple[str, ...]  # session ids due today and not recorded yet


@dataclass(frozen=True)
class LogBoard:
    incidents: list[LogIncident]
    units: list[BoardUnit]

    @property
    def gaps_today(self) -> list[BoardUnit]:
        return [unit for unit in self.units if unit.missing_today]


def log_board(library: Catalog, clinic: Clinic) -> LogBoard:
    logs = {log.id: log for log in daily.clinic_logs(library, clinic)}
    units = [u for u in daily.units(clinic.id) if u.log_id in logs]
    today = clinic.today()
    first = today.replace(day=1)
    entries = daily.entries_between([u.id for u in units], first, month_end(first))
    taken = recorded_sessions(entries)
    clinic_day = daily.clinic_day(clinic, daily.duty_settings(clinic))
    rows = []
    for unit in units:
        since = named_on(clinic, unit)
        cells = month_cells(clinic, clinic_day, logs[unit.log_id], first, taken[unit.id], since)
        today_cell = next(cell for cell in cells if cell.day == today)
        rows.append(BoardUnit(logs[unit.log_id], unit, cells, today_cell.missing))
    return LogBoard(daily.open_incidents(clinic.id), rows)


def yesterday_gaps(library: Catalog) -> list[LogGap]:
    """Every clinic's logs not fully recorded on its own yesterday (if it was open), for the
    managers' digest: four queries whatever the number of clinics, units and entries."""
    clinics = {clinic.id: clinic for clinic in daily.all_clinics()}
    settings = daily.all_duty_settings()
    units = daily.every_unit()
    days = {clinic_id: clinic.today() - timedelta(days=1) for clinic_id, clinic in clinics.items()}
    if not units:
        return []
    entries = daily.entries_between([u.id for u in units], min(days.values()), max(days.values()))
    taken = recorded_sessions(entries)
    found = []
    for unit in units:
        clinic = clinics[unit.clinic_id]
        clinic_day = daily.clinic_day(
            clinic, settings.get(clinic.id) or daily.default_settings(clinic)
        )
        missing = _missing(library, clinic, clinic_day, unit, days[clinic.id], taken[unit.id])
        if missing:
            day = days[clinic.id]
            found.append(LogGap(clinic.id, clinic.name, unit.id, unit.name, day, missing))
    return found


def _missing(
    library: Catalog,
    clinic: Clinic,
    clinic_day: ClinicDay,
    unit: LogUnit,
    day: date,
    taken: dict[date, set[str]],
) -> int:
    """How many of ``day``'s readings of the unit are missing (0 when none was due)."""
    log = next(
        (found for found in daily.clinic_logs(library, clinic) if found.id == unit.log_id), None
    )
    if log is None or named_on(clinic, unit) > day:
        return 0
    recorded = {(day, session) for session in taken.get(day, ())}
    return len(gaps(clinic_day, log.cadence, [s.id for s in log.sessions], [day], recorded))
