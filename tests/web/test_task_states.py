"""The state each task keeps (``OnboardingTask.state_*``) agrees with its events.

The operations keep it as they append (a correction folds the task again); the migration's
backfill and ``operations.task_states.refresh`` compute it from the events; ``verify-task-states``
names every task that disagrees, and ``--repair`` rewrites it.
"""

import importlib.util
from pathlib import Path
from types import ModuleType

from flask import Flask
from sqlalchemy import select, update

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import Onboarding, OnboardingTask
from clinic_onboard.queries.task_states import folded_states, kept_states, state_mismatches
from clinic_onboard.record.states import EventKind
from tests.web.onboarding_factory import task_of
from tests.web.test_hire_summaries import HAND, clinic_of_states  # noqa: F401 (a fixture)

MIGRATION = "20261207_c3d8f1a6b2e4_task_kept_state.py"


def _kept() -> dict:
    ids = db.session.scalars(select(Onboarding.id)).all()
    return {task_id: state for task_id, (_, state) in kept_states(ids).items()}


def test_the_verbs_keep_what_the_events_fold_to(clinic_of_states) -> None:  # noqa: F811
    ids = db.session.scalars(select(Onboarding.id)).all()
    kept = _kept()
    assert kept == folded_states(ids)
    assert {state.kind for state in kept.values()} >= {
        None,
        EventKind.COMPLETED,
        EventKind.SIGNED_OFF,
        EventKind.NEEDS_PRACTICE,
        EventKind.UNDONE,
        EventKind.CREDENTIAL,
    }
    # The fifth hire's sign-off was voided: the item waits again on its completion.
    voided = task_of(clinic_of_states[3][4], HAND)
    assert kept[voided.id].kind == EventKind.COMPLETED
    assert kept[voided.id].event_id == kept[voided.id].done_id
    assert [m for _, found in state_mismatches(batch=4) for m in found] == []


def _migration() -> ModuleType:
    path = Path(__file__).parents[2] / "migrations" / "versions" / MIGRATION
    spec = importlib.util.spec_from_file_location("kept_state_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_backfills_what_the_verbs_keep(clinic_of_states) -> None:  # noqa: F811
    kept = _kept()
    db.session.execute(update(OnboardingTask).values(state_event_id=None, state_kind=None))
    db.session.execute(_migration().BACKFILL)
    db.session.commit()
    assert _kept() == kept


def test_verify_task_states_reports_and_repairs_a_disagreement(
    app: Flask,
    clinic_of_states,  # noqa: F811
) -> None:
    runner = app.test_cli_runner()
    clean = runner.invoke(cli, ["verify-task-states", "--batch", "4"])
    assert clean.exit_code == 0, clean.output
    assert "Every task's kept state agrees with its events." in clean.output
    waiting = task_of(clinic_of_states[3][1], HAND)
    db.session.execute(
        update(OnboardingTask)
        .where(OnboardingTask.id == waiting.id)
        .values(state_kind=EventKind.SIGNED_OFF)
    )
    db.session.commit()
    found = runner.invoke(cli, ["verify-task-states"])
    assert found.exit_code == 1
    onboarding = clinic_of_states[3][1].id
    assert f"Onboarding {onboarding}, task {waiting.id}: keeps signed_off" in found.output
    assert "its events give completed" in found.output
    assert "1 tasks keep a state their events do not give" in found.output
    repaired = runner.invoke(cli, ["verify-task-states", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "Rewrote the kept state of 1 tasks" in repaired.output
    assert runner.invoke(cli, ["verify-task-states"]).exit_code == 0
