"""What a member's Today page shows: their role's duties due today with their ticks, the
standing per-patient instructions, and each clinic log due today with the readings taken."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from clinic_onboard.catalog import Catalog, ClinicLog
from clinic_onboard.catalog.schema import DutyLog
from clinic_onboard.models import DutyTick, LogEntry, LogUnit, Membership, OnboardingDuty
from clinic_onboard.planner.daily import ClinicDay
from clinic_onboard.queries import daily

TIMED = ("start_of_day", "end_of_day", "weekly", "monthly")


@dataclass(frozen=True)
class DutyLine:
    duty: OnboardingDuty
    tick: DutyTick | None
    log_id: str | None  # done by recording this log rather than by a tick
    logged: bool = False  # that log's session for this duty is recorded on every unit


@dataclass(frozen=True)
class UnitDue:
    """One unit of a log due today, and which of its sessions have a reading."""

    log: ClinicLog
    unit: LogUnit
    recorded: frozenset[str]

    @property
    def done(self) -> bool:
        return {s.id for s in self.log.sessions} <= self.recorded


@dataclass(frozen=True)
class TodayPage:
    day: date
    open: bool
    due: dict[str, list[DutyLine]] = field(default_factory=dict)
    standing: list[OnboardingDuty] = field(default_factory=list)
    logs: list[UnitDue] = field(default_factory=list)


def today_page(member: Membership, library: Catalog) -> TodayPage:
    clinic = member.clinic
    clinic_day = daily.clinic_day(clinic, daily.duty_settings(clinic))
    day = clinic.today()
    duties = daily.my_duties(member)
    ticks = daily.my_ticks(member, day)
    links = duty_logs(library)
    logs = logs_due(library, member, clinic_day, day)
    due: dict[str, list[DutyLine]] = defaultdict(list)
    for duty in duties:
        if duty.frequency in TIMED and clinic_day.is_due(duty.frequency, day):
            link = links.get(duty.item_id)
            logged = link is not None and is_logged(logs, link)
            log_id = link.id if link else None
            due[duty.frequency].append(DutyLine(duty, ticks.get(duty.item_id), log_id, logged))
    standing = [duty for duty in duties if duty.frequency == "per_patient"]
    return TodayPage(day, clinic.calendar.is_open(day), dict(due), standing, logs)


def is_logged(logs: list[UnitDue], link: DutyLog) -> bool:
    """Whether a duty done by recording a log is done today: the session the library names
    for it (the opening reading, the closing one) is recorded on every unit of that log."""
    units = [due for due in logs if due.log.id == link.id]
    return bool(units) and all(link.session in due.recorded for due in units)


def duty_logs(library: Catalog) -> dict[str, DutyLog]:
    """Duty id -> the log and session a duty is done by recording (the fridge's opening
    reading, the kit check)."""
    return {d.id: d.log for m in library.modules for d in m.duties if d.log is not None}


def logs_due(
    library: Catalog, member: Membership, clinic_day: ClinicDay, day: date
) -> list[UnitDue]:
    """Each unit whose log falls due on ``day``, with the sessions recorded: two queries."""
    logs = {log.id: log for log in daily.clinic_logs(library, member.clinic)}
    units = [u for u in daily.units(member.clinic_id) if u.log_id in logs]
    due = [u for u in units if clinic_day.is_due(logs[u.log_id].cadence, day)]
    taken = recorded_sessions(daily.entries_between([u.id for u in due], day, day))
    return [UnitDue(logs[u.log_id], u, frozenset(taken[u.id].get(day, ()))) for u in due]


def recorded_sessions(entries: Sequence[LogEntry]) -> dict[int, dict[date, set[str]]]:
    """unit id -> day -> the sessions with a reading that is not voided."""
    voided = {(e.unit_id, e.payload.get("voids")) for e in entries if e.kind == "void"}
    found: dict[int, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entry in entries:
        if entry.kind == "reading" and (entry.unit_id, entry.seq) not in voided:
            found[entry.unit_id][entry.day].add(entry.session)
    return found
