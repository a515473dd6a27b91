"""Work done off the request (a CSV import, a batch of invitation emails): the job and what
happened to each line, kept in the database so any instance shows the progress."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.types import UTCDateTime, utcnow
from clinic_onboard.models.user import User


class JobKind(StrEnum):
    IMPORT_HIRES = "import_hires"
    SEND_INVITATIONS = "send_invitations"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class LineOutcome(StrEnum):
    """What became of one line: a hire imported or invited, an email sent, or a refusal."""

    IMPORTED = "imported"
    INVITED = "invited"
    SENT = "sent"
    NOT_SENT = "not_sent"
    REFUSED = "refused"


def _enum(kind: type[StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_clinic_id_created_at", "clinic_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"))
    kind: Mapped[JobKind] = mapped_column(_enum(JobKind))
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.QUEUED)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "thread" or "rq": a queued job waits for RQ's worker, a thread's starts at once.
    runner: Mapped[str] = mapped_column(String(10))
    # The input (a CSV's text, membership ids), the link base URL and the messages' language.
    # Deferred: an upload of up to 5 MB, read once when the job starts, not on every poll.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    # Why a job failed as a whole: operations.jobs.FailReason's code.
    message: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moved on at each batch: a running job whose heartbeat is old has lost its worker.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The job this one started (an import's invitation emails).
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))

    started_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class JobLine(db.Model):
    __tablename__ = "job_lines"
    __table_args__ = (UniqueConstraint("job_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    # The line of the file (the header is line 1), or the recipient's place in the batch.
    line: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[LineOutcome] = mapped_column(_enum(LineOutcome))
    # Whom the line is about (an email address) and what happened, in the starter's language.
    label: Mapped[str] = mapped_column(String(254), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    onboarding_id: Mapped[int | None] = mapped_column(
        ForeignKey("onboardings.id", ondelete="SET NULL")
    )
