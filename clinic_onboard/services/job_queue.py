"""Running jobs off the request. With JOB_QUEUE_URL set, RQ on that Redis: the request
enqueues the job's id and ``clinic-onboard worker`` runs it. Without (``make run``, one
process), a thread of the serving process runs it: never the request itself.

Either way the job's state lives in the database (operations/jobs.py), so any instance shows
its progress, and a job handed over twice runs once (``jobs.claim``).
"""

import threading
from collections.abc import Callable, Iterator

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from redis import Redis, RedisError
from rq import Queue

from clinic_onboard.extensions import db
from clinic_onboard.models import Job, JobKind
from clinic_onboard.operations import jobs
from clinic_onboard.services.i18n import LOCALES

# In app.extensions: RQ's queue, made on first use in each process.
QUEUE = "clinic_onboard.job_queue"
# No time limit from RQ: a 5 MB import can run for an hour or more, and a job whose worker
# died is found by its heartbeat instead (operations/jobs.py).
RQ_NO_TIMEOUT = -1

Handler = Callable[[Job], Iterator[None]]


def handlers() -> dict[JobKind, Handler]:
    """Each kind's work: a generator that yields after each batch for the runner to commit.
    Imported here, not at the top, because those operations import this module to enqueue."""
    from clinic_onboard.operations import csv_import, invitation_emails

    return {
        JobKind.IMPORT_HIRES: csv_import.run_import,
        JobKind.SEND_INVITATIONS: invitation_emails.run_sending,
    }


def enqueue(job: Job) -> None:
    """Hand a committed job to its runner (the runner reads it from the database)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if job.runner == "rq":
        try:
            queue(app).enqueue(run_queued, job.id, job_timeout=RQ_NO_TIMEOUT)
        except RedisError:  # the job would wait for ever: fail it, and the page says so
            app.logger.exception("Job %s could not be queued", job.id)
            jobs.fail(job, jobs.FailReason.ERROR)
            db.session.commit()
    else:
        # A thread of its own, started now: a thread's job never waits in a queue, so one
        # still queued after JOB_STALE_SECONDS was lost with its process (operations/jobs.py).
        # A daemon, so a stopping server does not wait for it: the job then reads failed.
        name = f"clinic-onboard-job-{job.id}"
        threading.Thread(target=run, args=(app, job.id), name=name, daemon=True).start()


def queue(app: Flask) -> Queue:
    """The app's RQ queue, one connection pool per process."""
    if QUEUE not in app.extensions:
        connection = Redis.from_url(app.config["JOB_QUEUE_URL"])
        app.extensions[QUEUE] = Queue(app.config["JOB_QUEUE_NAME"], connection=connection)
    return app.extensions[QUEUE]


def run_queued(job_id: int) -> None:
    """RQ's entry point: the worker command's app, or a new one in a worker started by hand."""
    if has_app_context():
        run(current_app._get_current_object(), job_id)  # type: ignore[attr-defined]
        return
    from clinic_onboard.app import create_app

    run(create_app(), job_id)


def run(app: Flask, job_id: int) -> None:
    """Claim the job and do its work batch by batch, committing each; a failure fails the job.

    A request context (POST, so the session may write) lets the work build links with
    ``url_for`` against the address the manager used, in the language they read.
    """
    with app.app_context():
        jobs.fail_stale_jobs()
        job = jobs.claim(job_id)
        db.session.commit()
        if job is None:
            return
        base_url, language = job.payload["base_url"], job.payload["language"]
    # An app context of its own (its own session), even where the caller has one (a test).
    context = app.test_request_context("/", base_url=base_url, method="POST")
    with app.app_context(), context, force_locale(LOCALES[language]):
        _work(db.session.get_one(Job, job_id))


def _work(job: Job) -> None:
    try:
        for _batch in handlers()[job.kind](job):
            jobs.beat(job)
            db.session.commit()
        jobs.finish(job)
        db.session.commit()
    except Exception:
        current_app.logger.exception("Job %s (%s) failed", job.id, job.kind)
        db.session.rollback()
        jobs.fail(job, jobs.FailReason.ERROR)
        db.session.commit()
        return
    follow_up = db.session.get(Job, job.follow_up_id) if job.follow_up_id else None
    if follow_up is not None:
        enqueue(follow_up)
