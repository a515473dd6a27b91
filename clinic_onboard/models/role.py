"""A clinic's roles: a library role template, renamed and tailored by the clinic."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.types import UTCDateTime, utcnow


class ClinicRole(db.Model):
    __tablename__ = "clinic_roles"
    __table_args__ = (UniqueConstraint("clinic_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    template: Mapped[str] = mapped_column(String(60))  # a role slug of the content library
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # An archived role takes no new hires; the plans of those it has keep going unchanged.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    switched_off: Mapped[list["SwitchedOffItem"]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="SwitchedOffItem.item_id"
    )
    custom_items: Mapped[list["RoleCustomItem"]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="RoleCustomItem.id"
    )


class SwitchedOffItem(db.Model):
    """A library item this role does not do here, and the clinic's reason."""

    __tablename__ = "switched_off_items"
    __table_args__ = (UniqueConstraint("role_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(
        ForeignKey("clinic_roles.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    role: Mapped[ClinicRole] = relationship(back_populates="switched_off")


class RoleCustomItem(db.Model):
    """An item the clinic adds to a role; planned like a library item."""

    __tablename__ = "role_custom_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(
        ForeignKey("clinic_roles.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(20))
    signoff: Mapped[str] = mapped_column(String(20))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    role: Mapped[ClinicRole] = relationship(back_populates="custom_items")

    @property
    def item_id(self) -> str:
        """Stable id in plans; library ids never start with ``custom.``."""
        return f"custom.{self.id}"
