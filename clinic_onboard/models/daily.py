"""The clinic's daily work: its duty settings, the ticks of each person's duties, and the logs
it keeps (each unit it names, the chained entries of each, and the incidents they opened).

Log entries are only ever inserted (``operations.daily_logs``): a correction is a new VOID entry,
a closed incident a new CLOSED entry. Each row carries an HMAC (``hash``, under ``key_id``)
chained to the previous entry of the same unit (``record/log_chain.py``); the unique
(unit, seq) pair makes two simultaneous writers collide instead of both landing.
"""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.record.log_chain import EntryFacts, SealedEntry

# A clinic that never set its hours: what "late" is measured from until it does.
OPENS_AT, CLOSES_AT = time(8, 0), time(17, 0)


class DutySettings(db.Model):
    """When a clinic's weekly and monthly duties fall, its hours, and whom to call."""

    __tablename__ = "duty_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(
        ForeignKey("clinics.id", ondelete="CASCADE"), unique=True
    )
    weekly_weekday: Mapped[int] = mapped_column(default=0)  # Monday
    monthly_day: Mapped[int] = mapped_column(default=1)  # 1..28: every month has it
    opens_at: Mapped[time] = mapped_column(default=OPENS_AT)
    closes_at: Mapped[time] = mapped_column(default=CLOSES_AT)
    public_health_phone: Mapped[str] = mapped_column(String(40), default="")


class DutyTick(db.Model):
    """A person did one of their duties on one of the clinic's days."""

    __tablename__ = "duty_ticks"
    __table_args__ = (UniqueConstraint("membership_id", "duty_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    duty_id: Mapped[str] = mapped_column(String(120))
    day: Mapped[date]
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)


class LogUnit(db.Model):
    """One thing a log is kept for, as the clinic names it ("Vaccine fridge, room 2")."""

    __tablename__ = "log_units"
    __table_args__ = (UniqueConstraint("clinic_id", "log_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    log_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LogEntry(db.Model):
    __tablename__ = "log_entries"
    # (unit, day): a month of one log is read by its days, whatever the log's age.
    __table_args__ = (
        UniqueConstraint("unit_id", "seq"),
        Index("ix_log_entries_unit_id_day", "unit_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("log_units.id", ondelete="CASCADE"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # reading, void, closed
    day: Mapped[date] = mapped_column(index=True)  # the clinic's date it was recorded for
    session: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Who recorded it, copied in so the log stays readable if the account changes later.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))

    unit: Mapped[LogUnit] = relationship()

    def facts(self) -> EntryFacts:
        return EntryFacts(
            seq=self.seq,
            unit_id=self.unit_id,
            kind=self.kind,
            day=self.day,
            session=self.session,
            payload=self.payload,
            actor_id=self.actor_id,
            actor_name=self.actor_name,
            created_at=self.created_at,
            prev_hash=self.prev_hash,
        )

    def sealed(self) -> SealedEntry:
        return SealedEntry(self.facts(), self.key_id, self.hash)


class LogIncident(db.Model):
    """An out-of-range reading: open on the dashboard until a manager closes it."""

    __tablename__ = "log_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("log_units.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("log_entries.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(120))
    action_taken: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[LogUnit] = relationship()
    entry: Mapped[LogEntry] = relationship()
