"""The dashboard's clinic-logs section: open incidents, today's gaps, this month per unit.

Four queries whatever the number of units and entries (settings, units, the month's entries of
every unit at once, open incidents), so three years of twice-daily readings cost the same.
"""

from dataclasses import dataclass

from clinic_onboard.catalog import Catalog, ClinicLog
from clinic_onboard.models import Clinic, LogIncident, LogUnit
from clinic_onboard.queries import daily
from clinic_onboard.queries.log_pages import DayCell, month_cells, month_end, named_on
from clinic_onboard.queries.today import recorded_sessions


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
