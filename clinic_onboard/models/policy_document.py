"""The clinic's own documents behind an acknowledgement item of a role, every version kept.

A hire signs the version shown to them, and the acknowledgement event names it by number and
SHA-256, so the record says which wording was signed even after a newer one replaces it. Rows
are only inserted (``operations.policy_documents``): a new version is a new row, never an edit.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.role import ClinicRole
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.models.user import User


class PolicyDocument(db.Model):
    __tablename__ = "policy_documents"
    __table_args__ = (UniqueConstraint("role_id", "item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(
        ForeignKey("clinic_roles.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(120))  # the acknowledgement item it stands behind
    version: Mapped[int]  # 1, 2, ... per (role, item)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(200))
    # The name ``services.uploads`` gave the stored bytes (random hex, never the person's).
    stored_name: Mapped[str] = mapped_column(String(32))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    role: Mapped[ClinicRole] = relationship()
    uploader: Mapped[User | None] = relationship()
