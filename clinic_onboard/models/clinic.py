"""Clinics (the tenants) and the memberships that give a person an app role in one."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.local_time import default_time_zone, today_in
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.models.user import User
from clinic_onboard.planner.workdays import WEEKDAYS, ClinicCalendar
from clinic_onboard.policy import AppRole


def _province_zone(context: Any) -> str:
    return default_time_zone(context.get_current_parameters()["province"])


class Clinic(db.Model):
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    # Codes and slugs from the content library (checklists/), checked by the forms.
    province: Mapped[str] = mapped_column(String(2))
    setting: Mapped[str] = mapped_column(String(40))
    emr: Mapped[str | None] = mapped_column(String(40))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Managers and supervisors must sign in with a second factor (see web.security).
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The default interface language and the language of the clinic's content ("en" or "fr").
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the owner's email was confirmed (a link, or the operator's command). Until then the
    # clinic invites nobody and sends no email: sign-up is open, so anyone could otherwise
    # send invitations in a made-up clinic's name (operations/invitation_quota.py).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The clinic's clock and its open days: "today", late entries and every time shown are the
    # clinic's own; due dates and daily logs fall on its open days (``calendar``).
    time_zone: Mapped[str] = mapped_column(String(40), default=_province_zone)
    open_weekdays: Mapped[list[int]] = mapped_column(JSON, default=lambda: sorted(WEEKDAYS))
    # Statutory holidays (ISO dates) the clinic opens on anyway.
    open_holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The demo clinic ``make run`` seeds: only then does the sign-in page show its logins.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=false())

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="clinic", cascade="all, delete-orphan"
    )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def today(self) -> date:
        """The clinic's own date now (in Halifax, 7 December ends at 03:59 UTC on the 8th)."""
        return today_in(self.time_zone, utcnow())

    @property
    def calendar(self) -> ClinicCalendar:
        return ClinicCalendar(
            self.province,
            frozenset(self.open_weekdays),
            frozenset(date.fromisoformat(day) for day in self.open_holidays),
        )


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "clinic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    role: Mapped[AppRole] = mapped_column(
        Enum(AppRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when a manager marks the person as having left (operations/leaving.py): from then the
    # membership is ended, and tenancy never chooses it; None while they belong here.
    left_on: Mapped[date | None] = mapped_column()
    left_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="memberships")
    clinic: Mapped[Clinic] = relationship(back_populates="memberships")
    onboardings: Mapped[list["Onboarding"]] = relationship(viewonly=True)  # noqa: F821

    @property
    def has_left(self) -> bool:
        return self.left_on is not None
