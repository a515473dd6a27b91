"""Reminders: each person's digest preference and calendar secret, and the log of what was sent.

Preferences live in their own table rather than on ``users``: they belong to the reminders
feature, a missing row simply means the defaults (daily digest, no calendar feed), and the
account table stays about signing in.
"""

import secrets
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.models.user import User
from clinic_onboard.reminders.model import Frequency


def new_feed_secret() -> str:
    return secrets.token_urlsafe(32)


class ReminderSettings(db.Model):
    """One row per person who changed a default: digest frequency and calendar feed secret."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[Frequency] = mapped_column(
        Enum(
            Frequency,
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=Frequency.DAILY,
    )
    # The secret in the person's calendar URL; None until they ask for a feed. Kept as is (not
    # hashed) because the person must be able to see and copy their URL again.
    feed_secret: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class SentReminder(db.Model):
    """One item told to one person in one digest: who, what, which situation, when.

    The unique (person, kind, item, stage) makes an item go out once per situation even when
    two runs overlap: a run first claims its rows (``sent_at`` still empty), sends, then sets
    ``sent_at``; a failed send deletes its claims so the next run tries again.
    """

    __tablename__ = "sent_reminders"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "item_key", "stage"),
        Index("ix_sent_reminders_clinic_id_sent_at", "clinic_id", "sent_at"),
        Index("ix_sent_reminders_sent_on", "sent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    item_key: Mapped[str] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(60))
    # What the item is, in names as typed ("Noor Haddad: BLS certificate (Harbour Clinic)"), and
    # its date (due, completed or expiry): the log words the rest in the reader's language.
    # Rows sent before ``item_on`` existed have no date and keep a whole English sentence.
    summary: Mapped[str] = mapped_column(String(300))
    item_on: Mapped[date | None]
    # Which run claimed the row: a run confirms or releases only its own claims.
    run: Mapped[str] = mapped_column(String(16))
    # The run's day (``--today``): what daily and weekly rhythms are measured by.
    sent_on: Mapped[date]
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
