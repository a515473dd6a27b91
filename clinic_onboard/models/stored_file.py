"""The bytes of each uploaded credential copy, kept in the database that every instance shares.

A copy written to one server's disk could not be served by another server behind the same
proxy; in the database it can, and it travels with the clinic's rows in backups. Rows are
written and read only through ``services.uploads``, which checks, sanitises and counts them.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clinic_onboard.extensions import db
from clinic_onboard.models.types import UTCDateTime


class StoredFileRow(db.Model):
    """One stored file; ``stored_name`` is the random name event payloads use to point at it."""

    __tablename__ = "stored_files"
    __table_args__ = (UniqueConstraint("clinic_id", "stored_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    stored_name: Mapped[str] = mapped_column(String(32))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))
    # Deferred: quota sums, pruning and backups' listings read the other columns only.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
