"""The races the twenty-people run found, each made certain: the second writer acts on a state
that the first has just changed, in between its check and its write. Each must be refused
cleanly (a conflict or a refusal the person can read), never land twice, never answer 500.
"""

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingTask,
    SwitchedOffItem,
)
from clinic_onboard.operations import progress, roles
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import STATEMENT_KINDS
from clinic_onboard.services.library import catalog
from tests.conftest import Auth
from tests.web.onboarding_factory import make_team, task_of


def elsewhere(app: Flask, change: Callable[[], object]) -> None:
    """Make ``change`` and commit it from another session, as another request would."""

    def run() -> None:
        with app.app_context():
            change()
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)


def audited(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_a_sign_off_checked_against_a_state_that_changed_meanwhile_is_refused(
    app: Flask, make_member, make_clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hire undoes between the supervisor's check of the state and the append: the
    sign-off must not land on the re-opened item (before the fix it did)."""
    people = make_team(make_member, make_clinic)()
    plan, hire = people["onboarding"], people["hire"]
    hand = task_of(plan, "ipac.hand_hygiene")
    progress.complete_task(plan, hand, hire)
    db.session.commit()
    ids = (plan.id, hand.id, hire.id)
    checked = record_reads.task_records

    def undo() -> None:
        onboarding = db.session.get(Onboarding, ids[0])
        task = db.session.get(OnboardingTask, ids[1])
        progress.undo_task(onboarding, task, db.session.get(Membership, ids[2]))

    def check_then_undo(onboarding: Onboarding) -> dict:
        """The supervisor's read of the state; the hire's undo lands right after it."""
        records = checked(onboarding)
        monkeypatch.setattr(progress, "task_records", checked)  # the undo reads normally
        elsewhere(app, undo)
        return records

    monkeypatch.setattr(progress, "task_records", check_then_undo)
    with pytest.raises(RecordConflict):
        progress.sign_off(plan, hand, people["supervisor"], "observed", competent=True)
    db.session.rollback()
    monkeypatch.undo()
    kinds = [e.kind for e in record_reads.events_of(plan) if e.kind not in STATEMENT_KINDS]
    assert kinds == ["completed", "undone"]


@pytest.fixture
def role_with_item(make_member) -> tuple[Membership, ClinicRole, str]:
    """A manager, a role of their clinic, and a library item that applies to it."""
    manager = make_member(AppRole.MANAGER)
    role = roles.add_role(manager.clinic, manager.user, "medical_assistant", "")
    db.session.commit()
    return manager, role, next(iter(roles.applicable_entries(catalog(), role)))


def test_switching_on_what_another_manager_just_switched_on_is_refused(
    app: Flask, role_with_item
) -> None:
    manager, role, item = role_with_item
    entry = roles.switch_off(role, manager.user, item, "Not done here")
    db.session.commit()
    entry_id, _ = entry.id, entry.role.name  # loaded, as the request loads it before the race
    elsewhere(app, lambda: roles.switch_on(db.session.get(SwitchedOffItem, entry_id), None))
    with pytest.raises(roles.Rejected, match="already switched back on"):
        roles.switch_on(entry, manager.user)
    db.session.rollback()
    assert audited("role.switch_on") == 1


def test_switching_off_what_another_manager_just_switched_off_answers_a_page(
    app: Flask, client: FlaskClient, auth: Auth, role_with_item, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both pass the "not switched off yet" check; the second meets the unique constraint."""
    manager, role, item = role_with_item
    role_id, check = role.id, roles._check_switch_off

    def other_manager() -> None:
        roles.switch_off(db.session.get(ClinicRole, role_id), None, item, "Ours")

    def check_then_other_manager(*args: object) -> None:
        check(*args)
        monkeypatch.setattr(roles, "_check_switch_off", check)
        elsewhere(app, other_manager)

    monkeypatch.setattr(roles, "_check_switch_off", check_then_other_manager)
    auth.login_as(manager)
    prefix = "off-" + item.replace(".", "-")
    reply = client.post(
        f"/roles/{role_id}/items/{item}/switch-off", data={f"{prefix}-reason": "Not here"}
    )
    assert reply.status_code == 200
    assert "Someone else changed this role at the same moment" in reply.get_data(as_text=True)
    assert audited("role.switch_off") == 1
