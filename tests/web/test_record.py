"""The append-only record in a real database: statuses, tamper detection, simultaneous writers."""

import threading
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingTask,
)
from clinic_onboard.operations import progress, record
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import TaskStatus


@pytest.fixture
def onboarding(make_member) -> Callable[[], tuple[Onboarding, Membership, Membership]]:
    """An onboarding with two tasks (one needing a supervisor), its hire and supervisor."""

    def make() -> tuple[Onboarding, Membership, Membership]:
        supervisor = make_member(AppRole.SUPERVISOR)
        hire = make_member(AppRole.STAFF, clinic=supervisor.clinic)
        role = ClinicRole(clinic_id=hire.clinic_id, template="medical_assistant", name="MA")
        db.session.add(role)
        db.session.flush()
        onboarding = Onboarding(
            clinic_id=hire.clinic_id,
            membership_id=hire.id,
            role_id=role.id,
            supervisor_id=supervisor.user_id,
            start_date=date(2026, 12, 1),
            catalog_version="test",
            profile={},
        )
        for position, (item_id, signoff) in enumerate(
            [("ipac.a", "supervisor"), ("privacy.b", "none")]
        ):
            onboarding.tasks.append(
                OnboardingTask(
                    clinic_id=hire.clinic_id,
                    item_id=item_id,
                    position=position,
                    title=item_id,
                    guidance="",
                    module=item_id.split(".")[0],
                    module_title="M",
                    kind="competency",
                    phase="day_1",
                    due_date=date(2026, 12, 1),
                    signoff=signoff,
                    basis="guidance",
                    references=[],
                )
            )
        db.session.add(onboarding)
        db.session.flush()
        record.open_record(onboarding, None)
        db.session.commit()
        return onboarding, hire, supervisor

    return make


def _statuses(plan: Onboarding) -> dict[int, TaskStatus]:
    return {task_id: found.status for task_id, found in record_reads.task_records(plan).items()}


def test_events_chain_and_fold_into_statuses(onboarding) -> None:
    plan, hire, supervisor = onboarding()
    competency, reading = plan.tasks
    record.append_event(plan, competency, "completed", hire, {"note": "done on day one"})
    record.append_event(plan, reading, "completed", hire)
    db.session.commit()
    assert _statuses(plan) == {
        competency.id: TaskStatus.AWAITING_SIGNOFF,
        reading.id: TaskStatus.DONE,
    }
    signed = record.append_event(plan, competency, "signed_off", supervisor, {"method": "observed"})
    db.session.commit()
    assert _statuses(plan)[competency.id] is TaskStatus.SIGNED_OFF
    assert record_reads.chain_head(plan) == signed.hash
    assert [r.findings for r in record_reads.verify_chains()] == [()]


def test_plain_sql_tampering_is_named_by_verify_signoffs(app: Flask, onboarding) -> None:
    plan, hire, supervisor = onboarding()
    task = plan.tasks[0]
    for kind, actor in [("completed", hire), ("signed_off", supervisor), ("completed", hire)]:
        record.append_event(plan, task, kind, actor)
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["verify-signoffs"]).exit_code == 0
    db.session.execute(
        text("UPDATE onboarding_events SET actor_name = 'Someone Else' WHERE seq = 2")
    )
    db.session.commit()
    result = runner.invoke(cli, ["verify-signoffs"])
    assert result.exit_code == 1
    assert (
        f"Onboarding {plan.id}: entry 2 does not carry a valid signature: it was changed, "
        "moved or written outside the app." in result.output
    )
    assert "1 of 1 records fail verification" in result.output


def test_two_simultaneous_sign_offs_record_exactly_one(app: Flask, onboarding) -> None:
    """Whether the two land together (a conflict) or one after the other (the second finds the
    item signed already), exactly one sign-off is recorded and the other signer is told."""
    plan, hire, supervisor = onboarding()
    record.append_event(plan, plan.tasks[0], "completed", hire)
    db.session.commit()
    ids = (plan.id, plan.tasks[0].id, supervisor.id)
    barrier, outcomes = threading.Barrier(2), []

    def sign() -> None:
        with app.app_context():
            onboarding_row = db.session.get(Onboarding, ids[0])
            task = db.session.get(OnboardingTask, ids[1])
            signer = db.session.get(Membership, ids[2])
            barrier.wait()
            try:
                progress.sign_off(onboarding_row, task, signer, "observed", competent=True)
                db.session.commit()
                outcomes.append("signed")
            except record.RecordConflict:
                db.session.rollback()
                outcomes.append("conflict")
            except progress.ProgressRefused:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    signed = db.session.scalar(
        select(func.count()).where(
            OnboardingEvent.onboarding_id == plan.id, OnboardingEvent.kind == "signed_off"
        )
    )
    assert sorted(outcomes) in (["conflict", "signed"], ["refused", "signed"])
    assert signed == 1
    assert [r.findings for r in record_reads.verify_chains()] == [()]
