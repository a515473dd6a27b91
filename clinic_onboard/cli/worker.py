"""``worker``: runs the jobs the app puts on RQ (JOB_QUEUE_URL), for a systemd unit or a
container of its own; without a queue the serving processes run jobs in a thread instead."""

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import SimpleWorker

from clinic_onboard.extensions import db
from clinic_onboard.operations import jobs
from clinic_onboard.services import job_queue


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for tests and cron).")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run the background jobs (CSV imports, invitation emails) queued on JOB_QUEUE_URL."""
    if not current_app.config.get("JOB_QUEUE_URL"):
        raise click.ClickException(
            "JOB_QUEUE_URL is not set, so the app runs its jobs in a thread of each serving "
            "process and needs no worker; set it (redis://127.0.0.1:6379/0) to use one."
        )
    stale = jobs.fail_stale_jobs()
    db.session.commit()
    if stale:
        click.echo(f"Marked {stale} job(s) whose worker stopped as failed.", err=True)
    queue = job_queue.queue(current_app._get_current_object())  # type: ignore[attr-defined]
    # SimpleWorker runs each job in this process, inside the app context pushed here: a forked
    # child would share the database connections of its parent.
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)
