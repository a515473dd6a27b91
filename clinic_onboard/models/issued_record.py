"""Each record PDF a clinic issued, by the SHA-256 of its exact bytes.

An auditor holding a printout's file proves it is the one the clinic issued by its hash alone:
the public verification page looks the hash up here and tells only the clinic and the date.
Rows are only inserted, one per download (``operations.issued_records``).
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.clinic import Clinic
from clinic_onboard.models.types import UTCDateTime


class IssuedRecord(db.Model):
    __tablename__ = "issued_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    onboarding_id: Mapped[int] = mapped_column(
        ForeignKey("onboardings.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    clinic: Mapped[Clinic] = relationship()
