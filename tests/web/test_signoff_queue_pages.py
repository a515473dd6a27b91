"""The sign-off queue in pages (issue 26): the database filters, counts, orders and cuts the
page, so a page costs the same whatever the number of waiting items."""

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership, Onboarding
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.queries import signoff_queue
from clinic_onboard.record.states import TaskStatus
from tests.conftest import PASSWORD, Auth, counting_queries
from tests.web.onboarding_factory import build_onboarding

CHECKBOX = re.compile(r'id="task-(\d+)" name="tasks" value="\d+"( checked)?')


def _waiting_plan(
    clinic: Clinic,
    supervisor_id: int,
    make_member: Callable[..., Membership],
    items: int,
    signoffs: tuple[str, ...] = ("supervisor",),
    hire: Membership | None = None,
) -> Onboarding:
    """A hire who has done ``items`` items, competencies and readings in turn, due over a
    week, each signed by the next of ``signoffs`` in turn."""
    hire = hire or make_member(AppRole.STAFF, clinic=clinic)
    plan = {
        f"queue.item_{n}": (
            ("competency", "reading")[n % 2],
            signoffs[n % len(signoffs)],
            "week_1",
            n % 7,
            None,
        )
        for n in range(items)
    }
    onboarding = build_onboarding(hire, supervisor_id, plan)
    for task in onboarding.tasks:
        progress.complete_task(onboarding, task, hire)
    db.session.commit()
    return onboarding


@pytest.fixture
def queue(make_member, make_clinic) -> dict:
    """120 items waiting for the supervisor: 60 of each of two hires, half competencies."""
    clinic = make_clinic("Harbour Clinic")
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    plans = [_waiting_plan(clinic, supervisor.user_id, make_member, 60) for _ in range(2)]
    return {"supervisor": supervisor, "plans": plans}


def _boxes(page: str) -> list[tuple[int, bool]]:
    """The page's checkboxes: (task id, whether it is checked)."""
    return [(int(task_id), bool(checked)) for task_id, checked in CHECKBOX.findall(page)]


def _ids(page: str) -> list[int]:
    return [task_id for task_id, _ in _boxes(page)]


def test_a_second_page_follows_fifty_items_and_the_count_is_the_total(
    client: FlaskClient, auth: Auth, queue: dict
) -> None:
    auth.login_as(queue["supervisor"])
    first = client.get("/signoffs/").get_data(as_text=True)
    assert "120 items completed by your hires are waiting" in first
    assert "Page 1 of 3 (120 items)" in first and 'href="/signoffs/?page=2"' in first
    pages = [_ids(client.get(f"/signoffs/?page={n}").get_data(as_text=True)) for n in (1, 2, 3)]
    assert [len(ids) for ids in pages] == [50, 50, 20]
    everything = {task.id for plan in queue["plans"] for task in plan.tasks}
    assert {i for ids in pages for i in ids} == everything  # no item twice, none left out
    last = client.get("/signoffs/?page=9").get_data(as_text=True)  # past the end: the last
    assert _ids(last) == pages[2] and "120 items completed by your hires are waiting" in last


def test_the_filters_and_the_order_keep_across_pages(
    client: FlaskClient, auth: Auth, queue: dict
) -> None:
    plan = queue["plans"][1]
    auth.login_as(queue["supervisor"])
    first = client.get(f"/signoffs/?hire={plan.id}&sort=due").get_data(as_text=True)
    assert "Page 1 of 2 (60 items)" in first
    assert "120 items completed by your hires are waiting" in first  # the total, unfiltered
    assert f'rel="next" href="/signoffs/?page=2&amp;hire={plan.id}&amp;sort=due"' in first
    second = client.get(f"/signoffs/?hire={plan.id}&sort=due&page=2").get_data(as_text=True)
    due = {task.id: task.due_date for task in plan.tasks}
    shown = _ids(first) + _ids(second)
    assert sorted(shown) == sorted(due)  # that hire's items only, every one once
    assert [due[i] for i in shown] == sorted(due[i] for i in shown)  # earliest due first
    kinds = {task.id: task.kind for p in queue["plans"] for task in p.tasks}
    competencies = client.get("/signoffs/?kind=competency&page=2").get_data(as_text=True)
    assert "Page 2 of 2 (60 items)" in competencies
    assert {kinds[i] for i in _ids(competencies)} == {"competency"}
    assert len(_ids(competencies)) == 10


def test_select_every_item_shown_selects_the_page_and_the_batch_returns_to_it(
    client: FlaskClient, auth: Auth, queue: dict
) -> None:
    auth.login_as(queue["supervisor"])
    query = "?kind=competency&page=2"
    page = client.get(f"/signoffs/{query}&select=all").get_data(as_text=True)
    boxes = _boxes(page)
    assert len(boxes) == 10 and all(checked for _, checked in boxes)
    assert 'action="/signoffs/batch?kind=competency&amp;page=2"' in page
    data = {"tasks": _ids(page), "method": "observed", "password": PASSWORD}
    signed = client.post(f"/signoffs/batch{query}", data=data)
    assert signed.status_code == 302 and signed.headers["Location"].endswith(query)
    after = client.get(signed.headers["Location"]).get_data(as_text=True)
    assert "10 items signed" in after and "110 items completed by your hires" in after
    statuses = [
        record.status
        for plan in queue["plans"]
        for task_id, record in record_reads.task_records(plan).items()
        if task_id in data["tasks"]
    ]
    assert statuses == [TaskStatus.SIGNED_OFF] * 10


def _count(app: Flask, email: str) -> int:
    """Statements for one page of the queue, from an empty session as a real request has."""
    client = app.test_client()
    assert Auth(client).login(email).status_code == 302
    assert client.get("/signoffs/?page=2").status_code == 200  # warm
    db.session.expunge_all()
    with counting_queries() as statements:
        assert client.get("/signoffs/?page=2").status_code == 200
    return len(statements)


def test_a_page_runs_as_many_statements_at_20_and_at_200_waiting_items(
    app: Flask, make_member, make_clinic
) -> None:
    clinic = make_clinic("Harbour Clinic")
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    email, clinic_id, supervisor_id = supervisor.user.email, clinic.id, supervisor.id
    _waiting_plan(clinic, supervisor.user_id, make_member, 20)
    few = _count(app, email)
    clinic, supervisor = (
        db.session.get(Clinic, clinic_id),
        db.session.get(Membership, supervisor_id),
    )
    for _ in range(3):
        _waiting_plan(clinic, supervisor.user_id, make_member, 60)
    assert signoff_queue.queue_page(supervisor, signoff_queue.QueueFilter()).waiting == 200
    assert _count(app, email) == few


def test_the_querys_rule_is_may_sign_for_every_member_of_the_clinic(
    make_member, make_clinic
) -> None:
    """Supervisors' own hires, managers' items and every hire's, nobody their own items (a
    manager and a supervisor are being onboarded too, one supervising themselves), staff none."""
    clinic = make_clinic("Harbour Clinic")
    manager, other_manager = (make_member(AppRole.MANAGER, clinic=clinic) for _ in range(2))
    supervisor, other_supervisor = (make_member(AppRole.SUPERVISOR, clinic=clinic) for _ in "ab")
    staff = make_member(AppRole.STAFF, clinic=clinic)
    both = ("supervisor", "manager", "none")
    plans = [
        _waiting_plan(clinic, supervisor.user_id, make_member, 6, both),
        _waiting_plan(clinic, other_supervisor.user_id, make_member, 6, both),
        _waiting_plan(clinic, supervisor.user_id, make_member, 6, both, hire=other_manager),
        _waiting_plan(clinic, other_supervisor.user_id, make_member, 6, both, other_supervisor),
        _waiting_plan(clinic, None, make_member, 6, both, hire=staff),
    ]
    waiting = [
        (plan, task)
        for plan in plans
        for task in plan.tasks
        if record_reads.task_records(plan)[task.id].status is TaskStatus.AWAITING_SIGNOFF
    ]
    assert len(waiting) == 20  # the "none" items are done, not waiting
    signers = [manager, other_manager, supervisor, other_supervisor, staff]
    found = {}
    for member in signers:
        by_query = {row.task.id for row in signoff_queue.awaiting_signoff(member)}
        by_policy = {task.id for plan, task in waiting if policy.may_sign(member, plan, task)}
        assert by_query == by_policy, member.role
        found[member.id] = len(by_query)
    # Each rule is met by some and refused to others: the comparison is not of empty sets.
    assert found == {
        manager.id: 20,
        other_manager.id: 16,  # not their own four
        supervisor.id: 4,  # the "supervisor" items of their two hires
        other_supervisor.id: 2,  # their hire's, not their own
        staff.id: 0,
    }
