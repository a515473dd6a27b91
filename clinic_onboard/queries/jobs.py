"""What a job's progress page shows: its state, counts and one page of its lines."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import Job, JobLine, JobStatus
from clinic_onboard.operations.jobs import FailReason, stale_condition

LINES_PER_PAGE = 100
RECENT = 5


@dataclass(frozen=True)
class JobState:
    """The job as a reader should see it: a job whose runner died reads failed at once,
    before any runner gets to mark it so (operations/jobs.py)."""

    job: Job
    status: JobStatus
    reason: FailReason | None

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 * self.job.done // self.job.total if self.job.total else 100


@dataclass(frozen=True)
class JobPage:
    state: JobState
    lines: list[JobLine]
    page: int
    pages: int
    follow_up: JobState | None


def job_state(job: Job, now: datetime) -> JobState:
    stale = db.session.scalar(select(stale_condition(now)).where(Job.id == job.id))
    if stale:
        return JobState(job, JobStatus.FAILED, FailReason.STOPPED)
    reason = FailReason(job.message) if job.message else None
    return JobState(job, job.status, reason)


def job_page(job: Job, page: int, now: datetime) -> JobPage:
    """The job's state, its lines in file order a page at a time, and its follow-up job's."""
    pages = max(1, -(-job.done // LINES_PER_PAGE))
    page = min(max(page, 1), pages)
    lines = db.session.scalars(
        select(JobLine)
        .where(JobLine.job_id == job.id)
        .order_by(JobLine.line)
        .offset((page - 1) * LINES_PER_PAGE)
        .limit(LINES_PER_PAGE)
    )
    follow_up = db.session.get(Job, job.follow_up_id) if job.follow_up_id else None
    return JobPage(
        job_state(job, now),
        list(lines),
        page,
        pages,
        job_state(follow_up, now) if follow_up else None,
    )


def recent_jobs(clinic_id: int) -> list[Job]:
    """The clinic's latest jobs, so a manager who left a progress page finds it again."""
    query = (
        select(Job)
        .where(Job.clinic_id == clinic_id)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(RECENT)
    )
    return list(db.session.scalars(query))
