"""The counts the database computes (``queries/task_states.py``) agree with the pure fold.

A fixture clinic holds hires in every state a record can reach (nothing done, waiting, signed,
sent back for practice, undone, voided, a credential expiring, a completed onboarding); each
hire's progress and module cells, the clinic's figures and the sign-off queue are compared with
what ``record.progress`` and ``queries.record.fold_records`` make of the same rows loaded whole.
Then the lists' query counts are compared for 20 and 2,000 hires.
"""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
    User,
)
from clinic_onboard.operations import progress
from clinic_onboard.queries import dashboard, hire_summaries, signoff_queue
from clinic_onboard.queries.record import as_task_event, fold_records, task_facts
from clinic_onboard.record.progress import progress as fold_progress
from clinic_onboard.record.progress import statuses
from clinic_onboard.record.states import EventKind, TaskStatus
from tests.conftest import Auth, counting_queries
from tests.web.onboarding_factory import TODAY, build_onboarding, task_of

HAND, BILLING, BLS = "ipac.hand_hygiene", "emr.billing", "bls.certificate"
READ, CONFIDENTIALITY = "privacy.read_policy", "privacy.confidentiality"


@pytest.fixture
def clinic_of_states(make_clinic, make_member):
    """A manager, a supervisor and six hires, each record in a different state."""
    clinic = make_clinic()
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    hires = [make_member(AppRole.STAFF, clinic=clinic) for _ in range(6)]
    plans = [build_onboarding(hire, supervisor.user_id) for hire in hires]
    db.session.commit()
    steps = [_nothing, _waiting, _practice, _undone, _voided, _finished]
    for step, plan, hire in zip(steps, plans, hires, strict=True):
        step(plan, hire, supervisor, manager)
        db.session.commit()
    return clinic, manager, supervisor, plans


def _nothing(*_: object) -> None:
    """Nothing done: the reading due two days ago is overdue."""


def _waiting(plan, hire, supervisor, manager) -> None:
    progress.complete_task(plan, task_of(plan, HAND), hire)
    progress.acknowledge_task(plan, task_of(plan, CONFIDENTIALITY), hire, hire.user.display_name)
    card = progress.CredentialDetails("Heart and Stroke", "A-1", TODAY, TODAY + timedelta(days=20))
    progress.record_credential(plan, task_of(plan, BLS), hire, card, None)


def _practice(plan, hire, supervisor, manager) -> None:
    progress.complete_task(plan, task_of(plan, HAND), hire)
    progress.sign_off(plan, task_of(plan, HAND), supervisor, "observed", True)
    progress.complete_task(plan, task_of(plan, BILLING), hire)
    progress.sign_off(plan, task_of(plan, BILLING), manager, "discussed", False, "Again")


def _undone(plan, hire, supervisor, manager) -> None:
    progress.complete_task(plan, task_of(plan, READ), hire)
    progress.complete_task(plan, task_of(plan, HAND), hire)
    progress.undo_task(plan, task_of(plan, HAND), hire)


def _voided(plan, hire, supervisor, manager) -> None:
    progress.complete_task(plan, task_of(plan, READ), hire)
    done = progress.complete_task(plan, task_of(plan, HAND), hire)
    progress.sign_off(plan, task_of(plan, HAND), supervisor, "observed", True)
    signed = db.session.scalars(
        select(OnboardingEvent).where(
            OnboardingEvent.onboarding_id == plan.id, OnboardingEvent.kind == EventKind.SIGNED_OFF
        )
    ).one()
    progress.void_event(plan, signed, manager, "Signed the wrong hire")
    assert done.id != signed.id


def _finished(plan, hire, supervisor, manager) -> None:
    progress.complete_task(plan, task_of(plan, READ), hire)
    progress.acknowledge_task(plan, task_of(plan, CONFIDENTIALITY), hire, hire.user.display_name)
    card = progress.CredentialDetails("Heart and Stroke", "B-2", TODAY, TODAY + timedelta(days=400))
    progress.record_credential(plan, task_of(plan, BLS), hire, card, None)
    for item in (HAND, BILLING):
        progress.complete_task(plan, task_of(plan, item), hire)
    for item, signer in ((HAND, supervisor), (BILLING, manager), (BLS, supervisor)):
        progress.sign_off(plan, task_of(plan, item), signer, "observed", True)
    progress.complete_onboarding(plan, manager)


def _folded(plan: Onboarding):
    """The pure fold over the onboarding's rows, loaded whole (the computation it replaces)."""
    tasks = [t for t in plan.tasks if t.withdrawn_at is None]
    events = list(
        db.session.scalars(
            select(OnboardingEvent)
            .where(OnboardingEvent.onboarding_id == plan.id)
            .order_by(OnboardingEvent.seq)
        )
    )
    facts = [task_facts(t) for t in tasks]
    status = statuses(facts, [as_task_event(e) for e in events], {e.id: e.task_id for e in events})
    planned = [task_facts(t) for t in tasks if t.renewal_of_id is None]
    return fold_progress(planned, status, TODAY), fold_records(tasks, events)


def test_counts_and_cells_agree_with_the_fold(clinic_of_states) -> None:
    clinic, _, _, plans = clinic_of_states
    page = hire_summaries.hire_page(clinic.id, hire_summaries.HireFilters(), TODAY)
    rows = {row.onboarding_id: row for row in page.rows}
    assert set(rows) == {p.id for p in plans}
    for plan in plans:
        expected, _ = _folded(plan)
        got = rows[plan.id]
        assert (got.progress.total, got.progress.finished) == (expected.total, expected.finished)
        assert got.progress.awaiting_signoff == expected.awaiting_signoff
        assert got.progress.overdue == expected.overdue
        assert got.module_cells == dict(expected.module_cells), plan.id
    # Every state is represented, so the comparison covers each rule of the fold.
    assert {row.state for row in page.rows} == {"on_track", "overdue", "completed"}
    assert [module for module, _ in page.modules] == ["privacy", "ipac", "bls", "emr"]


def test_figures_and_queue_agree_with_the_fold(clinic_of_states) -> None:
    clinic, manager, supervisor, plans = clinic_of_states
    board = dashboard.build_dashboard(clinic.id, TODAY)
    folded = [_folded(p) for p in plans if p.status == OnboardingStatus.ACTIVE]
    assert board.figures.onboarding == 5 and board.figures.completed == 1
    assert board.figures.overdue_items == sum(f.overdue for f, _ in folded)
    assert board.figures.waiting_items == sum(f.awaiting_signoff for f, _ in folded)
    assert [(c.title, c.days_left) for c in board.expiring] == [
        ("Basic Life Support certificate", 20)
    ]
    for signer in (manager, supervisor):
        queue = signoff_queue.awaiting_signoff(signer)
        expected = {
            (task_id, record.completion.id)
            for _, records in folded
            for task_id, record in records.items()
            if record.status is TaskStatus.AWAITING_SIGNOFF
            and db.session.get(OnboardingTask, task_id).signoff in _signs(signer)
        }
        assert {(row.task.id, row.completion.id) for row in queue} == expected
        assert expected  # the fixture has items waiting for both signers


def _signs(signer: Membership) -> set[str]:
    return {"supervisor", "manager"} if signer.role == AppRole.MANAGER else {"supervisor"}


def test_filters_narrow_the_list(clinic_of_states) -> None:
    clinic, _, supervisor, plans = clinic_of_states

    def names(**filters) -> list[str]:
        filters = hire_summaries.HireFilters(**filters)
        return [r.name for r in hire_summaries.hire_page(clinic.id, filters, TODAY).rows]

    first = plans[0].membership.user
    assert names(search=first.email.upper()) == [first.display_name]
    assert names(search="100%") == []  # LIKE wildcards are taken literally
    assert len(names(supervisor_id=supervisor.user_id)) == 6
    assert names(supervisor_id=first.id) == []
    assert names(status="completed") == [plans[5].membership.user.display_name]
    assert len(names(status="onboarding")) == 5
    # The reading was due two days ago: overdue for the three hires who have not done it.
    late = [p.membership.user.display_name for p in plans[:3]]
    assert names(status="overdue") == late
    assert names(status="on_track") == [p.membership.user.display_name for p in plans[3:5]]
    assert names(status="invited") == []


def _add_hires(clinic_id: int, supervisor_id: int, total: int) -> None:
    """``total`` hires with a two-item plan, inserted in bulk (the pages only read them)."""
    role_id = db.session.scalar(select(Onboarding.role_id).where(Onboarding.clinic_id == clinic_id))
    start = db.session.scalar(select(db.func.count()).select_from(User))
    users = [
        {"email": f"bulk{start + n}@clinic.example.com", "display_name": f"Bulk {start + n}"}
        for n in range(total)
    ]
    db.session.execute(insert(User), users)
    ids = db.session.scalars(select(User.id).where(User.email.like("bulk%"))).all()
    known = set(db.session.scalars(select(Membership.user_id)))
    new = [
        {"user_id": i, "clinic_id": clinic_id, "role": AppRole.STAFF} for i in ids if i not in known
    ]
    db.session.execute(insert(Membership), new)
    members = db.session.execute(
        select(Membership.id).where(
            Membership.clinic_id == clinic_id, Membership.user_id.in_([m["user_id"] for m in new])
        )
    ).scalars()
    onboarding = {
        "clinic_id": clinic_id,
        "role_id": role_id,
        "supervisor_id": supervisor_id,
        "start_date": TODAY,
        "catalog_version": "test",
        "profile": {},
    }
    db.session.execute(insert(Onboarding), [{**onboarding, "membership_id": m} for m in members])
    db.session.commit()


def test_list_pages_run_the_same_queries_for_20_and_2000_hires(
    client: FlaskClient, auth: Auth, clinic_of_states
) -> None:
    clinic, manager, supervisor, _ = clinic_of_states
    auth.login_as(manager)
    addresses = [
        "/dashboard/",
        "/staff/",
        "/staff/?q=bulk&state=onboarding&page=3",
        "/signoffs/",
        "/clinic/members",
        "/clinic/members?q=bulk&app_role=staff&state=invited&page=3",
    ]
    counts = []
    for total in (14, 1_980):  # with the fixture's six: 20, then 2,000
        _add_hires(clinic.id, supervisor.user_id, total)
        row = []
        for address in addresses:
            with counting_queries() as statements:
                response = client.get(address)
            assert response.status_code == 200, address
            row.append(len(statements))
        counts.append(row)
    assert counts[0] == counts[1], counts
    assert "Page 1 of 40 (2000 people)" in client.get("/staff/").get_data(as_text=True)
