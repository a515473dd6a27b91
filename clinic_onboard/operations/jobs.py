"""A job's life in the database: stored queued, claimed by one runner, moved on batch by batch
with a line per input line, then done or failed. Flushes, never commits: the runner
(services/job_queue.py) commits after each batch so every instance sees the progress.

A runner that dies (a restarted process took its thread along, a worker was killed) leaves its
job "running". Such a job is failed, not resumed: its heartbeat, moved on at every batch, is
older than JOB_STALE_SECONDS. Failing is the safe choice because every finished line is
committed and importing the same file again refuses the lines already imported (their people
are onboarding), so the manager simply imports it again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, request
from flask_babel import get_locale
from sqlalchemy import and_, delete, not_, select, update

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, Job, JobKind, JobLine, JobStatus, LineOutcome, User
from clinic_onboard.models.types import utcnow


class FailReason(StrEnum):
    """Why a job failed as a whole, stored as a code so the page says it in the reader's
    language (queries/jobs.py)."""

    STOPPED = "stopped"  # its runner died: a restarted process, a killed worker
    ERROR = "error"  # a bug or the database went away: logged with its traceback


# A job's page and lines stay this long after it ends, for the manager to read the results.
KEPT_AFTER_THE_END = timedelta(days=30)

SUCCESSES = frozenset({LineOutcome.IMPORTED, LineOutcome.INVITED, LineOutcome.SENT})


def stale_after() -> timedelta:
    return timedelta(seconds=int(current_app.config["JOB_STALE_SECONDS"]))


def runner_name() -> str:
    """Which runner takes a job stored now: RQ's worker when a queue is configured."""
    return "rq" if current_app.config.get("JOB_QUEUE_URL") else "thread"


def add_job(clinic: Clinic, actor: User, kind: JobKind, payload: dict[str, Any], total: int) -> Job:
    """Store a queued job; the caller commits, then hands it to ``job_queue.enqueue``.

    The job keeps the address the manager used, for the links it emails, and their language,
    for its messages.
    """
    language = get_locale().language if get_locale() else "en"
    payload = {**payload, "base_url": request.host_url, "language": language}
    job = Job(
        clinic_id=clinic.id,
        kind=kind,
        status=JobStatus.QUEUED,
        started_by_id=actor.id,
        runner=runner_name(),
        payload=payload,
        total=total,
        done=0,
        succeeded=0,
        refused=0,
        heartbeat_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    return job


def claim(job_id: int) -> Job | None:
    """Mark the job running if it is still queued; None when another runner has it or it
    already ended (RQ may deliver a job twice, a thread may find it failed as stale)."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    return db.session.get(Job, job_id, populate_existing=True)


@dataclass(frozen=True)
class LineResult:
    """What became of one line, kept until its batch is written."""

    line: int
    outcome: LineOutcome
    label: str
    message: str = ""
    onboarding_id: int | None = None


def add_lines(job: Job, results: list[LineResult]) -> None:
    """Write a batch's lines and counts at once: a line's savepoint then flushes nothing of
    the job's, which keeps the statements per line to the line's own."""
    db.session.add_all(
        JobLine(
            job_id=job.id,
            line=result.line,
            outcome=result.outcome,
            label=result.label[:254],
            message=result.message,
            onboarding_id=result.onboarding_id,
        )
        for result in results
    )
    job.done += len(results)
    job.succeeded += sum(result.outcome in SUCCESSES for result in results)
    job.refused += sum(result.outcome == LineOutcome.REFUSED for result in results)


def beat(job: Job) -> None:
    """The job is alive: called after each batch, before the runner commits it."""
    job.heartbeat_at = utcnow()


def finish(job: Job) -> None:
    """Done, unless the job was failed meanwhile as stopped (a batch outran JOB_STALE_SECONDS
    and the manager was told to import again): then it stays failed, as the page said."""
    db.session.refresh(job, ["status"], with_for_update=True)
    if job.status == JobStatus.RUNNING:
        job.status = JobStatus.DONE
        _ended(job)


def fail(job: Job, reason: FailReason) -> None:
    job.status = JobStatus.FAILED
    job.message = reason.value
    _ended(job)


def _ended(job: Job) -> None:
    """Times the end and drops the uploaded file: its names and emails are the clinic's staff
    records now (or refused), and the per-line results say which; nothing reads it again."""
    job.finished_at = job.heartbeat_at = utcnow()
    job.payload = {key: value for key, value in job.payload.items() if key != "text"}


def stale_condition(now: datetime) -> Any:
    """Unfinished jobs whose runner is gone. A job queued for RQ waits for a worker however
    long that takes; a thread's job starts at once, so an old queued one was lost."""
    unfinished = Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
    waiting_for_rq = and_(Job.runner == "rq", Job.status == JobStatus.QUEUED)
    return and_(unfinished, not_(waiting_for_rq), Job.heartbeat_at < now - stale_after())


def fail_stale_jobs(now: datetime | None = None) -> int:
    """Fail every job whose runner is gone, in every clinic, and forget jobs that ended long
    ago (their lines name people and hold what the file said); how many were failed."""
    now = now or utcnow()
    stale = db.session.scalars(select(Job).where(stale_condition(now))).all()
    for job in stale:
        fail(job, FailReason.STOPPED)
    db.session.execute(
        delete(Job)
        .where(Job.finished_at < now - KEPT_AFTER_THE_END)
        .execution_options(synchronize_session=False)
    )
    return len(stale)
