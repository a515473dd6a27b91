"""What the day-grid PDFs print, read from the database: a log's blank sheet for a week or a
month, its filled month for an inspection, and a role's duty grid for a period.

A sheet is printed in the clinic's language (the log and its labels are the clinic's); the
filled month reads its entries and incidents in three queries whatever their number.
"""

from datetime import UTC, date, datetime, timedelta

from clinic_onboard.local_time import local
from clinic_onboard.models import Clinic, ClinicRole, LogUnit
from clinic_onboard.pdf.day_grid import (
    DutyGridInput,
    DutyLine,
    EntryLine,
    IncidentLine,
    MonthInput,
    SheetInput,
    period_days,
)
from clinic_onboard.queries import daily, log_pages
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.services.library import catalog

PERIODS = ("week", "month")


def period_of(kind: str, start: date) -> tuple[date, date]:
    """The Monday-to-Sunday week holding ``start``, or its calendar month."""
    if kind == "week":
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=6)
    first = start.replace(day=1)
    return first, log_pages.month_end(first)


def log_sheet(clinic: Clinic, unit: LogUnit, first: date, last: date) -> SheetInput:
    log = catalog().log(unit.log_id)
    clinic_day = daily.clinic_day(clinic, daily.duty_settings(clinic))
    days = period_days(first, last)
    return SheetInput(
        clinic_name=clinic.name,
        unit_name=unit.name,
        log=log,
        first=first,
        last=last,
        due_days=frozenset(d for d in days if clinic_day.is_due(log.cadence, d)),
        closed_days=frozenset(d for d in days if not clinic.calendar.is_open(d)),
        language=clinic.language,
        printed_on=clinic.today(),
    )


def log_month(clinic: Clinic, unit: LogUnit, first: date, now: datetime) -> MonthInput:
    month = log_pages.unit_month(catalog(), clinic, unit, first)
    zone = clinic.time_zone
    entries = tuple(
        EntryLine(
            day=e.day,
            session=e.session,
            values=dict(e.payload.get("values", {})),
            out_of_range=tuple(e.payload.get("out_of_range", ())),
            actor_name=e.actor_name,
            recorded_at=local(e.created_at, zone),
            late=bool(e.payload.get("late")),
            voided_reason=month.voided[e.seq].payload["reason"] if e.seq in month.voided else None,
        )
        for e in month.entries
        if e.kind == "reading"
    )
    incidents = tuple(
        IncidentLine(
            day=i.entry.day,
            opened_at=local(i.opened_at, zone),
            opened_by=i.entry.actor_name,
            closed_at=local(i.closed_at, zone) if i.closed_at else None,
            closed_by=i.closed_by,
            action_taken=i.action_taken,
        )
        for i in month.incidents
    )
    gaps = tuple((cell.day, session) for cell in month.days for session in cell.missing)
    return MonthInput(
        clinic.name,
        unit.name,
        month.log,
        first,
        entries,
        incidents,
        gaps,
        local(now.astimezone(UTC), zone),
        clinic.language,
    )


def duty_grid(role: ClinicRole, first: date, last: date) -> DutyGridInput:
    """The role's duties as a new hire's plan would list them, against the period's open days."""
    clinic = daily.clinic_of(role.clinic_id)
    plan = plan_for(catalog(), clinic, role, first)
    duties = tuple(DutyLine(d.title, d.frequency) for d in plan.duties)
    return DutyGridInput(
        clinic_name=clinic.name,
        role_name=role.name,
        duties=duties,
        open_days=tuple(clinic.calendar.open_days(first, last)),
        first=first,
        last=last,
        language=plan.language,
        printed_on=clinic.today(),
    )
