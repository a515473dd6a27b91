"""Jobs off the request, run by a thread of the serving process (no JOB_QUEUE_URL): the
import's progress page, its follow-up invitation emails, jobs whose runner died, and the
statements each imported hire costs."""

import socketserver
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    ClinicRole,
    Job,
    JobKind,
    JobLine,
    JobStatus,
    Membership,
    Onboarding,
)
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import csv_import, jobs
from clinic_onboard.services import job_queue
from tests.conftest import Auth, counting_queries, finished_job, job_id_of

START = (date.today() + timedelta(days=30)).isoformat()
HEADER = "name,email,role,start_date,supervisor_email"


def rows(first: int, count: int, domain: str = "example.com") -> str:
    lines = [f"Hire {n},hire{n}@{domain},MA,{START}," for n in range(first, first + count)]
    return "\n".join([HEADER, *lines]) + "\n"


@pytest.fixture
def manager(make_member: Callable[..., Membership]) -> Membership:
    manager = make_member(AppRole.MANAGER)
    db.session.add(ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA"))
    db.session.commit()
    return manager


@pytest.fixture
def signed_in(auth: Auth, manager: Membership) -> Membership:
    auth.login_as(manager)
    return manager


def outcomes(job: Job) -> list[tuple[int, str, str]]:
    query = select(JobLine).where(JobLine.job_id == job.id).order_by(JobLine.line)
    return [(line.line, line.outcome.value, line.label) for line in db.session.scalars(query)]


def test_the_request_stores_the_job_and_the_page_shows_its_progress(
    client: FlaskClient, signed_in: Membership
) -> None:
    response = client.post("/staff/import", data={"text": rows(1, 3) + "Bad,nope,MA,x,\n"})
    job = finished_job(job_id_of(response))
    assert (job.kind, job.status, job.runner) == (JobKind.IMPORT_HIRES, JobStatus.DONE, "thread")
    assert (job.total, job.done, job.succeeded, job.refused) == (4, 4, 3, 1)
    assert job.started_by_id == signed_in.user_id and job.clinic_id == signed_in.clinic_id
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert outcomes(job)[-1] == (5, "refused", "nope")
    listed = client.get("/staff/import").get_data(as_text=True)  # found again from the form
    assert f'href="/jobs/{job.id}"' in listed and "4 of 4 lines done" in listed
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'role="status" aria-live="polite"' in page and "Done" in page
    assert "4 of 4 lines done" in page and "job-progress.js" not in page  # nothing to poll
    assert client.get(f"/jobs/{job.id}/progress").get_json() == {
        "status": "done",
        "finished": True,
        "done": 4,
        "total": 4,
        "succeeded": 3,
        "refused": 1,
        "percent": 100,
    }


def test_a_running_job_page_polls_and_says_so(
    app: Flask, client: FlaskClient, signed_in: Membership
) -> None:
    job = stored_import(app, signed_in, rows(1, 2))  # stored, never handed to a runner
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Waiting to start" in page and "job-progress.js" in page
    assert "0 of 2 lines done" in page and "updates itself" in page
    assert client.get(f"/jobs/{job.id}/progress").get_json()["finished"] is False


def test_another_clinics_manager_gets_404_and_a_supervisor_403(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    manager: Membership,
    make_member: Callable[..., Membership],
    make_clinic: Callable[..., Any],
) -> None:
    job = stored_import(app, manager, rows(1, 1))
    auth.login_as(make_member(AppRole.MANAGER, clinic=make_clinic("Other Clinic")))
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}/progress").status_code == 404
    auth.logout()
    auth.login_as(make_member(AppRole.SUPERVISOR, clinic=manager.clinic))
    assert client.get(f"/jobs/{job.id}").status_code == 403


def test_a_job_whose_runner_died_reads_failed_and_is_marked_failed(
    app: Flask, client: FlaskClient, signed_in: Membership
) -> None:
    """A thread's job lost with its process: the page says so at once, and the next runner
    to start (or ``clinic-onboard worker``) marks it failed; RQ's queued jobs wait on."""
    lost, waiting = (
        stored_import(app, signed_in, rows(1, 2)),
        stored_import(app, signed_in, rows(3, 1)),
    )
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    db.session.execute(
        update(Job).where(Job.id == lost.id).values(status="running", heartbeat_at=long_ago)
    )
    db.session.execute(
        update(Job).where(Job.id == waiting.id).values(runner="rq", heartbeat_at=long_ago)
    )
    db.session.commit()
    page = client.get(f"/jobs/{lost.id}").get_data(as_text=True)
    assert "Stopped" in page and "import the same file again" in page
    assert client.get(f"/jobs/{waiting.id}/progress").get_json()["status"] == "queued"
    assert jobs.fail_stale_jobs() == 1
    db.session.commit()
    db.session.refresh(lost)
    assert (lost.status, lost.message) == (JobStatus.FAILED, "stopped")
    assert "text" not in lost.payload  # the file's names and emails go with the runner
    # Importing the file again does the rest; a line done before is refused, not doubled.
    again = finished_job(job_id_of(client.post("/staff/import", data={"text": rows(1, 2)})))
    assert [outcome for _line, outcome, _label in outcomes(again)] == ["imported", "imported"]
    rerun = finished_job(job_id_of(client.post("/staff/import", data={"text": rows(1, 2)})))
    assert [outcome for _line, outcome, _label in outcomes(rerun)] == ["refused", "refused"]


def test_a_job_failed_as_stopped_stays_failed_when_its_late_runner_finishes(
    app: Flask, manager: Membership
) -> None:
    """A batch outran JOB_STALE_SECONDS: the page told the manager to import again, so the
    runner's late finish must not turn it into "Done"."""
    job = stored_import(app, manager, rows(1, 1))
    job.status = JobStatus.RUNNING
    jobs.fail(job, jobs.FailReason.STOPPED)
    db.session.commit()
    jobs.finish(job)
    db.session.commit()
    assert (finished_job(job.id).status, job.message) == (JobStatus.FAILED, "stopped")


def test_jobs_are_forgotten_a_month_after_they_end(app: Flask, manager: Membership) -> None:
    old, recent = stored_import(app, manager, rows(1, 1)), stored_import(app, manager, rows(2, 1))
    for job in (old, recent):
        job_queue.run(app, job.id)
    ended = utcnow() - jobs.KEPT_AFTER_THE_END
    db.session.execute(
        update(Job).where(Job.id == old.id).values(finished_at=ended - timedelta(hours=1))
    )
    db.session.commit()
    jobs.fail_stale_jobs()
    db.session.commit()
    assert db.session.scalars(select(Job.id)).all() == [recent.id]
    assert {line.job_id for line in db.session.scalars(select(JobLine))} == {recent.id}


def test_pasted_rows_past_flasks_form_limit_reach_the_form(
    app: Flask, client: FlaskClient, signed_in: Membership
) -> None:
    """600 kB of pasted rows is under the 5 MB import limit: the form answers (here, that the
    clinic may not invite so many), never Flask's bare 413 for a large form field."""
    big = rows(1, 12_000)
    assert len(big.encode()) > 500_000
    response = client.post("/staff/import", data={"text": big})
    assert response.status_code == 200 and "hire1@example.com" in response.get_data(as_text=True)
    app.config["CSV_IMPORT_MAX_BYTES"] = 1000
    response = client.post("/staff/import", data={"text": big})
    assert "That is too much text." in response.get_data(as_text=True)


def test_a_job_runs_once_however_often_it_is_handed_over(app: Flask, manager: Membership) -> None:
    job = stored_import(app, manager, rows(1, 2))
    job_queue.run(app, job.id)
    job_queue.run(app, job.id)  # RQ may deliver twice; the second finds it done
    assert finished_job(job.id).done == 2 and count(Onboarding) == 2


def test_a_job_that_breaks_fails_with_a_message(
    app: Flask, client: FlaskClient, signed_in: Membership
) -> None:
    job = stored_import(app, signed_in, rows(1, 2))
    job.payload = {**job.payload, "text": "not,the,columns\n1,2,3\n"}
    db.session.commit()
    job_queue.run(app, job.id)
    assert finished_job(job.id).status == JobStatus.FAILED
    assert "Something went wrong" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_new_hires_get_their_links_by_email_in_a_follow_up_job(
    client: FlaskClient,
    signed_in: Membership,
    make_member: Callable[..., Membership],
    make_clinic: Callable[..., Any],
    smtp_server: socketserver.ThreadingTCPServer,
) -> None:
    elsewhere = make_member(AppRole.MANAGER, clinic=make_clinic("Elsewhere"))
    text = rows(1, 2) + f"Known,{elsewhere.user.email},MA,{START},\n"
    job = finished_job(job_id_of(client.post("/staff/import", data={"text": text})))
    assert [o for _l, o, _e in outcomes(job)] == ["imported", "imported", "invited"]
    sending = finished_job(job.follow_up_id)
    assert sending.kind == JobKind.SEND_INVITATIONS and sending.status == JobStatus.DONE
    assert outcomes(sending) == [
        (1, "sent", "hire1@example.com"),
        (2, "sent", "hire2@example.com"),
    ]
    sent = sorted(message["To"] for message in smtp_server.messages)  # type: ignore[attr-defined]
    assert sent == ["hire1@example.com", "hire2@example.com"]
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/jobs/{sending.id}" in page and "Invitation emails to the new hires" in page
    assert "Emailed" in client.get(f"/jobs/{sending.id}").get_data(as_text=True)


def test_a_large_file_is_accepted_whole_with_no_row_cap(
    app: Flask, client: FlaskClient, signed_in: Membership
) -> None:
    app.config.update(INVITATIONS_PER_HOUR=1000, INVITATIONS_PER_DAY=1000)
    response = client.post("/staff/import", data={"text": rows(1, 201)})  # the old cap was 200
    job = finished_job(job_id_of(response), timeout=600)
    assert (job.done, job.succeeded) == (201, 201) and count(Onboarding) == 201
    page = client.get(f"/jobs/{job.id}?page=3").get_data(as_text=True)
    assert "Page 3 of 3 (201 lines)" in page and "hire201@example.com" in page
    assert "text" not in job.payload  # the uploaded names and emails are not kept


def test_statements_per_imported_hire_do_not_grow_with_the_file(
    app: Flask, manager: Membership
) -> None:
    app.config.update(INVITATIONS_PER_HOUR=1000, INVITATIONS_PER_DAY=1000)
    counts = []
    for size, first in ((50, 1), (100, 100), (150, 300)):
        job = stored_import(app, manager, rows(first, size))
        with counting_queries() as statements:
            job_queue.run(app, job.id)
        assert finished_job(job.id).succeeded == size
        counts.append(len(statements))
    # Each 50 more lines cost the same: a fixed number of statements per hire, a plan's tasks
    # and duties written by one executemany each on both databases, and the plan compared with
    # its role once to keep the staff list's verdict.
    assert counts[1] - counts[0] == counts[2] - counts[1]
    per_hire = (counts[2] - counts[0]) / 100
    assert per_hire <= 23, counts


def test_the_worker_command_needs_a_queue(app: Flask) -> None:
    result = app.test_cli_runner().invoke(cli, ["worker", "--burst"])
    assert result.exit_code != 0 and "JOB_QUEUE_URL is not set" in result.output


def stored_import(app: Flask, manager: Membership, text: str) -> Job:
    """An import job stored as the import page stores it, not yet handed to any runner."""
    with app.test_request_context("/staff/import", method="POST"):
        job = csv_import.start_import(manager.clinic, manager.user, text)
        db.session.commit()
    return job


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
