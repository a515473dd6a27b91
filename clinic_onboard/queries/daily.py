"""Reads for the clinic's daily work: today's duties and ticks, the logs and their entries,
open incidents and the month grid. Each read is scoped to one clinic and runs a fixed number of
queries, however many entries the logs hold."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from clinic_onboard.catalog import Catalog, ClinicLog
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    DutySettings,
    DutyTick,
    LogEntry,
    LogIncident,
    LogUnit,
    Membership,
    Onboarding,
    OnboardingDuty,
    User,
)
from clinic_onboard.models.daily import CLOSES_AT, OPENS_AT
from clinic_onboard.planner.daily import ClinicDay
from clinic_onboard.record.chain import Finding
from clinic_onboard.record.keys import KeyRing
from clinic_onboard.record.log_chain import verify_log


def duty_settings(clinic: Clinic) -> DutySettings:
    """The clinic's saved settings, or the defaults (not added to the session) before any."""
    found = db.session.scalar(select(DutySettings).where(DutySettings.clinic_id == clinic.id))
    return found or default_settings(clinic)


def all_duty_settings() -> dict[int, DutySettings]:
    """Every clinic's saved settings by clinic id (the reminder run reads all clinics)."""
    return {s.clinic_id: s for s in db.session.scalars(select(DutySettings))}


def all_clinics() -> list[Clinic]:
    return list(db.session.scalars(select(Clinic).order_by(Clinic.id)))


def default_settings(clinic: Clinic) -> DutySettings:
    """What a clinic that never saved its duty settings uses."""
    return DutySettings(
        clinic_id=clinic.id,
        weekly_weekday=0,
        monthly_day=1,
        opens_at=OPENS_AT,
        closes_at=CLOSES_AT,
        public_health_phone="",
    )


def clinic_of(clinic_id: int) -> Clinic:
    return db.session.get_one(Clinic, clinic_id)


def clinic_day(clinic: Clinic, settings: DutySettings) -> ClinicDay:
    return ClinicDay(
        clinic.calendar,
        settings.weekly_weekday,
        settings.monthly_day,
        settings.opens_at,
        settings.closes_at,
    )


def my_duties(membership: Membership) -> list[OnboardingDuty]:
    """The duty checklist of the member's latest onboarding (their role's, as generated)."""
    latest = (
        select(Onboarding.id)
        .where(Onboarding.membership_id == membership.id)
        .order_by(Onboarding.start_date.desc(), Onboarding.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(OnboardingDuty)
        .where(OnboardingDuty.onboarding_id == latest)
        .order_by(OnboardingDuty.position)
    )
    return list(db.session.scalars(query))


def my_ticks(membership: Membership, day: date) -> dict[str, DutyTick]:
    query = select(DutyTick).where(DutyTick.membership_id == membership.id, DutyTick.day == day)
    return {tick.duty_id: tick for tick in db.session.scalars(query)}


def clinic_logs(library: Catalog, clinic: Clinic) -> list[ClinicLog]:
    """The library's logs that apply to this clinic (its province, setting and options)."""
    return [log for log in library.logs if _applies(log, clinic)]


def _applies(log: ClinicLog, clinic: Clinic) -> bool:
    wanted = log.applies
    return (
        (wanted.provinces is None or clinic.province in wanted.provinces)
        and (wanted.settings is None or clinic.setting in wanted.settings)
        and (wanted.options is None or bool(set(wanted.options) & set(clinic.options)))
    )


def units(clinic_id: int) -> list[LogUnit]:
    query = select(LogUnit).where(LogUnit.clinic_id == clinic_id).order_by(LogUnit.name)
    return list(db.session.scalars(query))


def last_entry(unit_id: int) -> LogEntry | None:
    query = select(LogEntry).where(LogEntry.unit_id == unit_id).order_by(LogEntry.seq.desc())
    return db.session.scalar(query.limit(1))


def entries_between(unit_ids: Sequence[int], first: date, last: date) -> list[LogEntry]:
    """Every entry of these units recorded for a day from ``first`` to ``last``: one query."""
    query = (
        select(LogEntry)
        .where(LogEntry.unit_id.in_(unit_ids), LogEntry.day.between(first, last))
        .order_by(LogEntry.unit_id, LogEntry.seq)
    )
    return list(db.session.scalars(query)) if unit_ids else []


def chain_of(unit_id: int) -> list[LogEntry]:
    query = select(LogEntry).where(LogEntry.unit_id == unit_id).order_by(LogEntry.seq)
    return list(db.session.scalars(query))


def every_unit() -> list[LogUnit]:
    """Every clinic's units, for the verification command."""
    return list(db.session.scalars(select(LogUnit).order_by(LogUnit.clinic_id, LogUnit.id)))


def open_incidents(clinic_id: int) -> list[LogIncident]:
    query = (
        select(LogIncident)
        .where(LogIncident.clinic_id == clinic_id, LogIncident.closed_at.is_(None))
        .options(selectinload(LogIncident.unit), selectinload(LogIncident.entry))
        .order_by(LogIncident.opened_at)
    )
    return list(db.session.scalars(query))


def incidents_between(unit_id: int, first: date, last: date) -> list[LogIncident]:
    query = (
        select(LogIncident)
        .join(LogEntry, LogIncident.entry_id == LogEntry.id)
        .where(LogIncident.unit_id == unit_id, LogEntry.day.between(first, last))
        .options(contains_eager(LogIncident.entry))
        .order_by(LogIncident.opened_at)
    )
    return list(db.session.scalars(query))


def manager_emails(clinic_id: int) -> list[str]:
    query = (
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.clinic_id == clinic_id, Membership.role == AppRole.MANAGER)
        .order_by(User.email)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class LogReport:
    """One unit's chain: how many entries, and the first break (None when it holds)."""

    unit: LogUnit
    entries: int
    finding: Finding | None


def verify_logs(ring: KeyRing) -> Iterator[LogReport]:
    """Every clinic log's chain walked under the record keys, one unit at a time."""
    for unit in every_unit():
        chain = [entry.sealed() for entry in chain_of(unit.id)]
        yield LogReport(unit, len(chain), verify_log(chain, ring))
