"""A hire's onboarding: a snapshot of the plan generated for them, never rewritten by later
library or role edits (differences are applied deliberately, see ``operations.onboarding``)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.clinic import Membership
from clinic_onboard.models.role import ClinicRole
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.models.user import User


class OnboardingStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    # The hire left the clinic before finishing: the record stays, read-only.
    LEFT = "left"


# What an onboarding row tracks: a hire's onboarding, or the checklist of someone leaving.
ONBOARDING, OFFBOARDING = "onboarding", "offboarding"


class Onboarding(db.Model):
    __tablename__ = "onboardings"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int] = mapped_column(ForeignKey("clinic_roles.id"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    start_date: Mapped[date]
    status: Mapped[OnboardingStatus] = mapped_column(
        Enum(
            OnboardingStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=OnboardingStatus.ACTIVE,
    )
    kind: Mapped[str] = mapped_column(String(20), default=ONBOARDING, server_default=ONBOARDING)
    # What the plan was generated from, so it can be compared with what the role gives today.
    catalog_version: Mapped[str] = mapped_column(String(80))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # One more after every flush that changes this row, its tasks, duties or events
    # (web/plan_cache.py): what a rendered plan is cached by.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # Whether the snapshot differs from the plan its role gives (``queries.plans.behind_ids``)
    # when the plan's inputs digest to ``behind_inputs``: kept, so the staff list reads its
    # page's verdicts instead of building their plans, even on a worker's first visit.
    # ``operations.plan_verdicts`` keeps them and clears them when the snapshot changes;
    # ``verify-plan-verdicts`` compares them with the plans again.
    behind_inputs: Mapped[str | None] = mapped_column(String(64))
    behind: Mapped[bool | None]

    @hybrid_property
    def is_onboarding(self) -> bool:
        """A hire's onboarding, not an offboarding checklist: the one test hire lists, counts,
        reminders and plan updates filter by (also as SQL: ``where(Onboarding.is_onboarding)``)."""
        return self.kind == ONBOARDING

    membership: Mapped[Membership] = relationship()
    role: Mapped[ClinicRole] = relationship()
    supervisor: Mapped[User | None] = relationship()
    tasks: Mapped[list["OnboardingTask"]] = relationship(
        back_populates="onboarding",
        cascade="all, delete-orphan",
        order_by="OnboardingTask.position",
    )
    duties: Mapped[list["OnboardingDuty"]] = relationship(
        back_populates="onboarding",
        cascade="all, delete-orphan",
        order_by="OnboardingDuty.position",
    )


# Spelled out as SQL: an index's condition is the database's, written once here and in its
# migration; ``queries.task_states`` spells the pages' conditions the same way, so PostgreSQL
# sees they imply it. Waiting for a signature: done by the hire, on an item that needs one.
AWAITING = (
    "state_kind IN ('completed', 'acknowledged', 'credential_recorded') "
    "AND signoff <> 'none' AND withdrawn_at IS NULL"
)
# What the sign-off queue reads of a waiting item, its hire and sign-off rule first.
AWAITING_COLUMNS = (
    "clinic_id",
    "onboarding_id",
    "kind",
    "signoff",
    "renewal_of_id",
    "due_date",
    "state_event_id",
    "id",
)
# The hire still has to act on an item of the plan (renewals aside): nothing counted yet,
# undone, or sent back.
TO_ACT = (
    "(state_kind IS NULL OR state_kind IN ('policy_revised', 'undone', 'needs_practice', "
    "'rejected')) AND renewal_of_id IS NULL AND withdrawn_at IS NULL"
)


class PlanLine:
    """Columns every line of a plan snapshot has: where it belongs and its text as given."""

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    onboarding_id: Mapped[int] = mapped_column(
        ForeignKey("onboardings.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(120))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text)


class OnboardingTask(PlanLine, db.Model):
    """One dated item of the snapshot, with every text as the hire was given it."""

    __tablename__ = "onboarding_tasks"
    __table_args__ = (
        UniqueConstraint("onboarding_id", "item_id"),
        # The clinic's items waiting for a signature (``queries.task_states.awaiting``, the
        # hire's completions of ``record.states.DONE_KINDS`` but a carried-over card): the
        # sign-off queue and the waiting counts read these few entries, not every task, and
        # find in them every column they need (an index-only scan).
        Index(
            "ix_onboarding_tasks_awaiting",
            *AWAITING_COLUMNS,
            postgresql_where=text(AWAITING),
            sqlite_where=text(AWAITING),
        ),
        # The plan items the hire still has to act on, by due date: the dashboard counts the
        # clinic's overdue ones from these entries (narrow, index only), not its every task.
        Index(
            "ix_onboarding_tasks_to_act",
            "clinic_id",
            "due_date",
            "onboarding_id",
            postgresql_where=text(TO_ACT),
            sqlite_where=text(TO_ACT),
        ),
    )

    module: Mapped[str] = mapped_column(String(60))
    module_title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str | None] = mapped_column(String(20))
    due_date: Mapped[date]
    signoff: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(String(20))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    validity_months: Mapped[int | None]
    renews: Mapped[bool | None]
    custom: Mapped[bool] = mapped_column(default=False)
    # Set when a later plan dropped the item and the manager applied that difference.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A renewal (next BLS card, yearly privacy re-attestation) points at the item it renews;
    # renewals live on after the onboarding is complete and never hold up the final sign-off.
    renewal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("onboarding_tasks.id", ondelete="CASCADE"), index=True
    )
    # The task's events folded (``record.states.kept_state``), kept by ``operations.task_states``
    # as each event is appended, so pages count states without reading events; the
    # ``verify-task-states`` command checks them against the events. Plain ids, no foreign key:
    # events already point at their task, and a cycle would leave backups no table order.
    state_event_id: Mapped[int | None]
    state_kind: Mapped[str | None] = mapped_column(String(30))
    # Indexed: the dashboard finds the clinic's standing cards from their events.
    done_event_id: Mapped[int | None] = mapped_column(index=True)

    onboarding: Mapped[Onboarding] = relationship(back_populates="tasks")


class OnboardingDuty(PlanLine, db.Model):
    """One line of the hire's duty checklist, as generated for them."""

    __tablename__ = "onboarding_duties"
    __table_args__ = (UniqueConstraint("onboarding_id", "item_id"),)

    frequency: Mapped[str] = mapped_column(String(20))
    module: Mapped[str] = mapped_column(String(60))
    module_title: Mapped[str] = mapped_column(String(200))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)

    onboarding: Mapped[Onboarding] = relationship(back_populates="duties")
