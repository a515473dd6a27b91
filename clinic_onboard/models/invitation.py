"""A clinic's invitation to a person who already has an account: joining is their choice.

Adding an email that already has an account never makes that person a member. The clinic's
details for the hire (the name it typed, role, start date, supervisor) wait here; the plan is
made only when the person, signed in, accepts, so until then nothing of it reaches any page of
theirs and no other table holds a row for it. Accepting deletes the invitation (the audit log
keeps the history); a declined one stays, marked declined, until the clinic withdraws it.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.clinic import Clinic
from clinic_onboard.models.role import ClinicRole
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.models.user import User
from clinic_onboard.policy import AppRole


class InvitationStatus(StrEnum):
    PENDING = "pending"
    DECLINED = "declined"


class ClinicInvitation(db.Model):
    __tablename__ = "clinic_invitations"
    __table_args__ = (UniqueConstraint("clinic_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The name the clinic typed: what its pages show until the person accepts.
    name: Mapped[str] = mapped_column(String(120))
    # The app role the person gets on accepting; a staff hire's invitation also names the
    # clinic role and start date of the plan made then (a supervisor or manager needs none).
    app_role: Mapped[AppRole] = mapped_column(
        Enum(AppRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=AppRole.STAFF,
        server_default=AppRole.STAFF.value,
    )
    role_id: Mapped[int | None] = mapped_column(ForeignKey("clinic_roles.id"), index=True)
    start_date: Mapped[date | None] = mapped_column(Date())
    # The plan's language ("en" or "fr"); None is the clinic's.
    language: Mapped[str | None] = mapped_column(String(5))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[InvitationStatus] = mapped_column(
        Enum(
            InvitationStatus,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=InvitationStatus.PENDING,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    clinic: Mapped[Clinic] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id], back_populates="invitations")
    role: Mapped[ClinicRole | None] = relationship()
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def pending(self) -> bool:
        return self.status == InvitationStatus.PENDING
