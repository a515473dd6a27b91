"""Clinics (the tenants) and the memberships that give a person an app role in one."""

from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.models.user import User
from clinic_onboard.policy import AppRole


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

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="clinic", cascade="all, delete-orphan"
    )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


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

    user: Mapped[User] = relationship(back_populates="memberships")
    clinic: Mapped[Clinic] = relationship(back_populates="memberships")
    onboardings: Mapped[list["Onboarding"]] = relationship(viewonly=True)  # noqa: F821
