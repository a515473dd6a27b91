"""The append-only record of an onboarding: completions, sign-offs and corrections.

Rows are only ever inserted (``operations.record``); a correction is a new VOIDED event. Each
row carries an HMAC-SHA256 (``hash``, under the key named by ``key_id``) chained to the previous
event of the same onboarding (``record/chain.py``), and the unique (onboarding, seq) pair makes
two simultaneous writers collide instead of both landing. Only ``reseal-records`` rewrites the
MAC columns, once, of events written before the record was keyed (their ``key_id`` is NULL).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.onboarding import Onboarding, OnboardingTask
from clinic_onboard.models.types import UTCDateTime
from clinic_onboard.record.chain import EventFacts, SealedEvent

CREDENTIALS = "kind IN ('credential_recorded', 'carried_over')"


class OnboardingEvent(db.Model):
    __tablename__ = "onboarding_events"
    __table_args__ = (
        UniqueConstraint("onboarding_id", "seq"),
        # The clinic's cards (the dashboard's expiring credentials start from these few events,
        # not from every event of the clinic). Spelled out as SQL, as in its migration.
        Index(
            "ix_onboarding_events_credentials",
            "clinic_id",
            postgresql_where=text(CREDENTIALS),
            sqlite_where=text(CREDENTIALS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    onboarding_id: Mapped[int] = mapped_column(
        ForeignKey("onboardings.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("onboarding_tasks.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    # Who acted, copied in so the record stays readable if the account changes later.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The record key that made ``hash``; NULL for a legacy unkeyed SHA-256 (never trusted).
    key_id: Mapped[str | None] = mapped_column(String(32))

    onboarding: Mapped[Onboarding] = relationship()
    task: Mapped[OnboardingTask | None] = relationship()

    def facts(self, task_item_id: str | None) -> EventFacts:
        """The event's own part of what the MAC covers; ``task_item_id`` is passed in to avoid
        a query per event."""
        return EventFacts(
            seq=self.seq,
            onboarding_id=self.onboarding_id,
            task_item_id=task_item_id,
            kind=self.kind,
            actor_id=self.actor_id,
            actor_name=self.actor_name,
            actor_role=self.actor_role,
            payload=self.payload,
            created_at=self.created_at,
            prev_hash=self.prev_hash,
        )

    def sealed(self, task_item_id: str | None) -> SealedEvent:
        return SealedEvent(self.facts(task_item_id), self.key_id, self.hash)
