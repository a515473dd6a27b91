"""Jobs on RQ (JOB_QUEUE_URL set): the request only enqueues, and RQ's own worker, run here in
burst mode against the real Redis at 127.0.0.1:6379, does the work. Each test has a queue
name of its own, deleted afterwards."""

import secrets
import socket
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, ClinicRole, Job, JobStatus, Membership, Onboarding
from clinic_onboard.services import job_queue
from tests.conftest import Auth, finished_job, job_id_of

REDIS_URL = "redis://127.0.0.1:6379/0"
START = (date.today() + timedelta(days=30)).isoformat()


def _redis_answers() -> bool:
    with closing(socket.socket()) as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    name = f"clinic-onboard-test-{secrets.token_hex(6)}"
    return {**app_config, "JOB_QUEUE_URL": REDIS_URL, "JOB_QUEUE_NAME": name}


@pytest.fixture
def queue_emptied(app: Flask) -> Iterator[None]:
    yield
    job_queue.queue(app).delete(delete_jobs=True)


@pytest.fixture
def signed_in(auth: Auth, make_member: Callable[..., Membership]) -> Membership:
    manager = make_member(AppRole.MANAGER)
    db.session.add(ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA"))
    db.session.commit()
    auth.login_as(manager)
    return manager


def test_the_request_enqueues_and_rqs_worker_imports(
    app: Flask, client: FlaskClient, signed_in: Membership, queue_emptied: None
) -> None:
    text = f"name,email,role,start_date\nJo,jo@example.com,MA,{START}\nBad,x,MA,{START}\n"
    job_id = job_id_of(client.post("/staff/import", data={"text": text}))
    queue = job_queue.queue(app)
    assert queue.name == app.config["JOB_QUEUE_NAME"] and queue.count == 1
    stored = db.session.get_one(Job, job_id)
    assert (stored.status, stored.runner) == (JobStatus.QUEUED, "rq")
    assert "Waiting to start" in client.get(f"/jobs/{job_id}").get_data(as_text=True)

    assert SimpleWorker([queue], connection=queue.connection).work(burst=True)
    job = finished_job(job_id, timeout=10)
    assert (job.status, job.done, job.succeeded, job.refused) == (JobStatus.DONE, 2, 1, 1)
    assert db.session.scalar(select(func.count()).select_from(Onboarding)) == 1
    assert queue.count == 0
    assert "Done" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_worker_command_runs_the_queue_in_burst_mode(
    app: Flask, client: FlaskClient, signed_in: Membership, queue_emptied: None
) -> None:
    from clinic_onboard.cli.main import cli

    text = f"name,email,role,start_date\nJo,jo@example.com,MA,{START}\n"
    job_id = job_id_of(client.post("/staff/import", data={"text": text}))
    result = app.test_cli_runner().invoke(cli, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert finished_job(job_id, timeout=10).succeeded == 1


def test_a_job_that_cannot_be_queued_fails_and_says_so(
    app: Flask, client: FlaskClient, signed_in: Membership
) -> None:
    """Redis gone when the job is handed over: no 500 and no job "waiting" for ever."""
    app.config["JOB_QUEUE_URL"] = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    app.extensions.pop(job_queue.QUEUE, None)
    text = f"name,email,role,start_date\nJo,jo@example.com,MA,{START}\n"
    response = client.post("/staff/import", data={"text": text})
    job = finished_job(job_id_of(response), timeout=10)
    assert job.status == JobStatus.FAILED and job.message == "error"
    assert "Something went wrong" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    app.extensions.pop(job_queue.QUEUE, None)
