"""Writing the clinic's daily work: ticks of duties, units, chained log entries and incidents.

Every log entry is appended to its unit's keyed chain (``record/log_chain.py``) under the app's
record key, never updated or deleted: a correction is a VOID entry naming the seq it voids, and
closing an incident adds a CLOSED entry stating what was done. Changes to the clinic's settings
and units, corrections and closed incidents are audit-logged too, so the clinic's audit log
shows who changed what its logs are measured against. Verbs flush; the caller commits.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.exc import IntegrityError

from clinic_onboard.catalog import ClinicLog
from clinic_onboard.extensions import db, record_keys
from clinic_onboard.local_time import local
from clinic_onboard.models import (
    Clinic,
    DutySettings,
    DutyTick,
    LogEntry,
    LogIncident,
    LogUnit,
    Membership,
    User,
)
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import audit
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.planner.daily import ClinicDay
from clinic_onboard.planner.readings import out_of_range, session_frequencies
from clinic_onboard.queries import daily as daily_reads
from clinic_onboard.record.chain import GENESIS
from clinic_onboard.record.log_chain import entry_message
from clinic_onboard.services.library import catalog

READING, VOID, CLOSED = "reading", "void", "closed"


class LogRefused(ValueError):
    """The change cannot be made; the message says why, in the person's language."""


# --- duties -----------------------------------------------------------------------------------


def tick_duty(
    member: Membership, duty_id: str, frequency: str, clinic_day: ClinicDay
) -> DutyTick | None:
    """Record that ``member`` did a duty today, and whether it was late; None if already done."""
    now = utcnow()
    moment = local(now, member.clinic.time_zone)
    tick = DutyTick(
        clinic_id=member.clinic_id,
        membership_id=member.id,
        duty_id=duty_id,
        day=moment.date(),
        ticked_at=now,
        late=clinic_day.is_late(frequency, moment.date(), moment),
    )
    try:
        with db.session.begin_nested():
            db.session.add(tick)
    except IntegrityError:
        return None  # a second tap, or another tab: the first tick stands
    return tick


# --- settings and units -----------------------------------------------------------------------


@dataclass(frozen=True)
class DutyHours:
    weekly_weekday: int
    monthly_day: int
    opens_at: time
    closes_at: time
    public_health_phone: str


def save_settings(
    clinic: Clinic, settings: DutySettings, hours: DutyHours, actor: User
) -> DutySettings:
    """Save the duty days, hours and public health number; ``settings`` may be the defaults a
    clinic had until now (not yet in the session): the audit's "before" is what was in force."""
    before = _settings_facts(settings)
    if settings not in db.session:
        db.session.add(settings)
    for name, value in hours.__dict__.items():
        setattr(settings, name, value)
    settings.clinic_id = clinic.id
    after = _settings_facts(settings)
    if after != before:
        audit.record(clinic.id, actor, "log.settings", clinic.name, before, after)
    db.session.flush()
    return settings


def _settings_facts(settings: DutySettings) -> dict[str, object]:
    return {
        "weekly_weekday": settings.weekly_weekday,
        "monthly_day": settings.monthly_day,
        "opens_at": settings.opens_at.strftime("%H:%M"),
        "closes_at": settings.closes_at.strftime("%H:%M"),
        "public_health_phone": settings.public_health_phone,
    }


def add_unit(clinic: Clinic, log: ClinicLog, name: str, actor: User | None = None) -> LogUnit:
    """Name a unit the clinic keeps ``log`` for; ``actor`` is None when the app names it
    itself (the demo seed)."""
    unit = LogUnit(clinic_id=clinic.id, log_id=log.id, name=name.strip())
    try:
        with db.session.begin_nested():
            db.session.add(unit)
    except IntegrityError:
        raise LogRefused(name) from None
    audit.record(clinic.id, actor, "log.add_unit", unit.name, None, {"log": log.id})
    return unit


# --- entries ----------------------------------------------------------------------------------


def record_reading(
    unit: LogUnit,
    log: ClinicLog,
    session: str,
    values: dict[str, Any],
    actor: Membership,
    *,
    at: datetime | None = None,
) -> tuple[LogEntry, LogIncident | None]:
    """Append a reading for the clinic's day; open an incident when a value is out of range.
    A reading taken after its duty's time (the opening one after opening) is chained as late.

    ``at`` is now, except for the demo seed, which writes a past month of readings through the
    same chain (a person can only record the clinic's today).
    """
    at = at or utcnow()
    moment = local(at, actor.clinic.time_zone)
    outside = out_of_range(log, values, moment.date())
    payload = {
        "values": values,
        "out_of_range": outside,
        "late": _late(log, session, actor.clinic, moment),
    }
    entry = _append(unit, READING, moment.date(), session, payload, actor, at)
    if not outside:
        return entry, None
    incident = LogIncident(
        clinic_id=unit.clinic_id, unit_id=unit.id, entry_id=entry.id, opened_at=at
    )
    db.session.add(incident)
    db.session.flush()
    return entry, incident


def _late(log: ClinicLog, session: str, clinic: Clinic, moment: datetime) -> bool:
    """Whether a reading comes after its duty's time, by the clinic's hours."""
    frequency = session_frequencies(catalog(), log.id).get(session)
    if frequency is None:
        return False
    hours = daily_reads.clinic_day(clinic, daily_reads.duty_settings(clinic))
    return hours.is_late(frequency, moment.date(), moment)


def void_entry(
    entry: LogEntry,
    reason: str,
    actor: Membership,
    voided: set[int],
    *,
    at: datetime | None = None,
) -> LogEntry:
    """A correction: a new entry cancelling a reading, which stays in the chain as voided."""
    if entry.kind != READING or entry.seq in voided:
        raise LogRefused("not voidable")
    payload = {"voids": entry.seq, "reason": reason.strip()}
    voiding = _append(entry.unit, VOID, entry.day, entry.session, payload, actor, at or utcnow())
    event = audit.record(entry.clinic_id, actor.user, "log.void", entry.unit.name, after=payload)
    event.created_at = voiding.created_at  # the audit and the chain tell the same moment
    return voiding


def close_incident(
    incident: LogIncident, action: str, actor: Membership, *, at: datetime | None = None
) -> LogEntry:
    """A manager states what was done; the statement is chained in the unit's log too."""
    if incident.closed_at is not None:
        raise LogRefused("already closed")
    reading = incident.entry
    payload = {"incident_of": reading.seq, "action": action.strip()}
    closing = _append(
        incident.unit, CLOSED, reading.day, reading.session, payload, actor, at or utcnow()
    )
    incident.closed_at = closing.created_at
    incident.closed_by = actor.user.display_name
    incident.action_taken = action.strip()
    after = {"day": reading.day.isoformat(), "action": payload["action"]}
    event = audit.record(
        incident.clinic_id, actor.user, "log.close_incident", incident.unit.name, None, after
    )
    event.created_at = closing.created_at
    db.session.flush()
    return closing


def _append(
    unit: LogUnit,
    kind: str,
    day: date,
    session: str,
    payload: dict[str, Any],
    actor: Membership,
    at: datetime,
) -> LogEntry:
    last = daily_reads.last_entry(unit.id)
    entry = LogEntry(
        clinic_id=unit.clinic_id,
        unit_id=unit.id,
        seq=(last.seq + 1) if last else 1,
        kind=kind,
        day=day,
        session=session,
        payload=payload,
        actor_id=actor.user_id,
        actor_name=actor.user.display_name,
        created_at=at,
        prev_hash=last.hash if last else GENESIS,
    )
    entry.key_id, entry.hash = record_keys().sign(entry_message(entry.facts()))
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError as error:
        raise RecordConflict("the log changed while you were saving") from error
    return entry
