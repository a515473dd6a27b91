"""Batch sign-off (issue 20): several items, one password, one event per item in its record."""

from unittest import mock

import pytest
from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import TaskStatus
from clinic_onboard.web import throttle
from tests.conftest import PASSWORD, Auth, config_for_tests
from tests.web.onboarding_factory import TODAY, build_onboarding, make_team, task_of

HAND, BILLING, BLS = "ipac.hand_hygiene", "emr.billing", "bls.certificate"
# A front-desk hire's 37 items a supervisor signs: kind, and how many of that kind.
FRONT_DESK = {"competency": 26, "reading": 4, "task": 3, "document_check": 2, "credential": 2}
# The event each kind's accepting sign-off appends.
SIGNED_AS = {
    "competency": "signed_off",
    "reading": "confirmed",
    "task": "confirmed",
    "document_check": "verified",
    "credential": "verified",
}


@pytest.fixture
def people(make_member, make_clinic) -> dict:
    """Both hires have done hand hygiene and billing; the supervisor signs hand hygiene."""
    team = make_team(make_member, make_clinic)()
    for hire, plan in (("hire", "onboarding"), ("other_hire", "other_onboarding")):
        for item in (HAND, BILLING):
            progress.complete_task(team[plan], task_of(team[plan], item), team[hire])
    db.session.commit()
    return team


def _batch(client: FlaskClient, ids: list[int], query: str = "", **fields):
    data = {"tasks": [str(i) for i in ids], "method": "observed", "password": PASSWORD}
    data.update(fields)
    return client.post(f"/signoffs/batch{query}", data=data)


def _status(onboarding, item_id: str) -> TaskStatus:
    db.session.expire_all()
    return record_reads.task_records(onboarding)[task_of(onboarding, item_id).id].status


def test_a_batch_across_hires_signs_each_item_in_its_own_record(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    mine, theirs = people["onboarding"], people["other_onboarding"]
    hands = [task_of(mine, HAND).id, task_of(theirs, HAND).id]
    auth.login_as(people["supervisor"])
    response = _batch(
        client,
        hands,
        **{f"outcome-{hands[1]}": "needs_practice", f"comment-{hands[1]}": "Twenty seconds"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 items signed" in page and "Nothing is waiting for your sign-off" in page
    assert _status(mine, HAND) is TaskStatus.SIGNED_OFF
    assert _status(theirs, HAND) is TaskStatus.NEEDS_PRACTICE
    practice = record_reads.events_of(theirs)[-1]
    assert practice.payload == {"method": "observed", "comment": "Twenty seconds"}
    assert practice.actor_role == "supervisor"


def test_one_item_no_longer_waiting_is_named_and_the_rest_are_signed(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    mine, theirs = people["onboarding"], people["other_onboarding"]
    hands = [task_of(mine, HAND).id, task_of(theirs, HAND).id]
    progress.undo_task(theirs, task_of(theirs, HAND), people["other_hire"])
    db.session.commit()
    auth.login_as(people["supervisor"])
    page = client.post(
        "/signoffs/batch",
        data={"tasks": [str(i) for i in hands], "method": "discussed", "password": PASSWORD},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 item signed: Hand hygiene at the point of care" in page
    assert "Not signed: “Hand hygiene at the point of care” for" in page
    assert people["other_hire"].user.display_name in page
    assert _status(mine, HAND) is TaskStatus.SIGNED_OFF
    assert _status(theirs, HAND) is TaskStatus.NOT_STARTED


def test_a_wrong_password_or_a_missing_comment_keeps_the_selection_and_records_nothing(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    hand = task_of(people["onboarding"], HAND).id
    auth.login_as(people["supervisor"])
    wrong = _batch(client, [hand], password="not it")
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "Nothing was recorded" in page
    assert f'value="{hand}" checked' in page
    missing = _batch(client, [hand], **{f"outcome-{hand}": "needs_practice"})
    assert "Say what the person should practise" in missing.get_data(as_text=True)
    assert _status(people["onboarding"], HAND) is TaskStatus.AWAITING_SIGNOFF


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"tasks": ["abc"]},
        {"tasks": ["99999999999999999999"]},
        {"tasks": ["1"], "method": "by telepathy"},
        {"tasks": ["1"], "outcome-1": "maybe"},
        {"tasks": ["1"], "comment": "x" * 5000},
    ],
)
def test_bad_input_re_renders_the_queue(
    client: FlaskClient, auth: Auth, people: dict, data: dict
) -> None:
    auth.login_as(people["supervisor"])
    response = client.post("/signoffs/batch", data={"password": PASSWORD, **data})
    assert response.status_code in (200, 302)
    assert _status(people["onboarding"], HAND) is TaskStatus.AWAITING_SIGNOFF


def test_a_manager_batches_the_items_left_for_a_manager(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    plan = people["onboarding"]
    auth.login_as(people["supervisor"])
    assert f'id="task-{task_of(plan, BILLING).id}"' not in client.get("/signoffs/").get_data(True)
    # A supervisor's batch cannot reach a manager's item: it is named and left waiting.
    page = client.post(
        "/signoffs/batch",
        data={
            "tasks": [str(task_of(plan, BILLING).id)],
            "method": "observed",
            "password": PASSWORD,
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Not signed: “Bill a visit in the EMR”" in page
    auth.logout()
    auth.login_as(people["manager"])
    query = f"?hire={plan.id}"
    assert f"/signoffs/{query}&amp;select=all" in client.get(f"/staff/{plan.id}").get_data(True)
    shown = client.get(f"/signoffs/{query}&select=all").get_data(as_text=True)
    assert shown.count(" checked>") == 2  # this hire's billing and hand hygiene
    ids = [task_of(plan, BILLING).id, task_of(plan, HAND).id]
    response = _batch(client, ids, query=query)
    assert response.headers["Location"].endswith(query)
    assert _status(plan, BILLING) is TaskStatus.SIGNED_OFF


def test_the_queue_filters_by_hire_and_kind_and_sorts_by_due_date(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    mine, theirs = people["onboarding"], people["other_onboarding"]
    auth.login_as(people["manager"])
    everything = client.get("/signoffs/").get_data(as_text=True)
    assert "4 items completed by hires in this clinic are waiting" in everything
    one_hire = client.get(f"/signoffs/?hire={theirs.id}").get_data(as_text=True)
    assert f'id="task-{task_of(theirs, HAND).id}"' in one_hire
    assert f'id="task-{task_of(mine, HAND).id}"' not in one_hire
    by_due = client.get("/signoffs/?sort=due").get_data(as_text=True)
    # Hand hygiene is due in one day, billing in five.
    assert by_due.index(f'id="task-{task_of(theirs, HAND).id}"') < by_due.index(
        f'id="task-{task_of(mine, BILLING).id}"'
    )
    none = client.get("/signoffs/?kind=credential").get_data(as_text=True)
    assert "No waiting item matches these filters" in none
    for query in (
        "?hire=abc",
        "?kind=<b>",
        "?sort=sideways",
        "?hire=99999999999999999999",
        "?hire=²",
        "?hire=" + "9" * 4301,
    ):
        assert client.get(f"/signoffs/{query}").status_code == 200


def test_the_final_sign_off_shows_what_is_left_then_signs_the_managers_items_with_it(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    plan = people["onboarding"]
    record = f"/signoffs/onboardings/{plan.id}/record"
    auth.login_as(people["manager"])
    page = client.get(record).get_data(as_text=True)
    assert "5 items are still to finish before the final sign-off" in page
    assert "Bill a visit in the EMR: Waiting for sign-off (waiting for you)" in page
    assert "Read the clinic privacy policy: Not started" in page
    assert 'name="password"' not in page  # no password while others' items are open
    # The hire finishes the rest; the supervisor signs theirs; billing is left for a manager.
    hire = people["hire"]
    progress.complete_task(plan, task_of(plan, "privacy.read_policy"), hire)
    progress.acknowledge_task(
        plan, task_of(plan, "privacy.confidentiality"), hire, hire.user.display_name
    )
    bls = task_of(plan, BLS)
    details = progress.CredentialDetails("Red Cross", "1", TODAY, None)
    progress.record_credential(plan, bls, hire, details, None)
    supervisor = people["supervisor"]
    progress.sign_off(plan, task_of(plan, HAND), supervisor, "observed", True)
    choice = progress.SignoffChoice("original", "verified")
    progress.sign_item(plan, bls, supervisor, choice)
    db.session.commit()
    page = client.get(record).get_data(as_text=True)
    billing = task_of(plan, BILLING)
    assert "1 item is waiting for your sign-off; it is signed first" in page
    assert f'<input type="hidden" name="tasks" value="{billing.id}">' in page
    assert "Competencies: you personally verified" in page and 'name="password"' in page
    data = {"tasks": [str(billing.id)], "method": "demonstrated", "password": PASSWORD}
    done = client.post(f"/signoffs/onboardings/{plan.id}/complete", data=data)
    assert done.status_code == 302
    kinds = [(e.kind, e.task_id) for e in record_reads.events_of(plan)[-2:]]
    assert kinds == [("signed_off", billing.id), ("final_signoff", None)]
    db.session.refresh(plan)
    assert plan.status.value == "completed"


def test_sign_many_signs_the_rest_when_one_item_was_signed_meanwhile(people: dict) -> None:
    """The race the queue cannot see: an item signed by someone else after the page loaded."""
    mine, theirs = people["onboarding"], people["other_onboarding"]
    first, second = task_of(mine, HAND), task_of(theirs, HAND)
    progress.sign_off(theirs, second, people["manager"], "observed", True)
    choice = progress.SignoffChoice("observed", "competent")
    result = progress.sign_many(people["supervisor"], [(first, choice), (second, choice)])
    db.session.commit()
    assert result.signed == [first]
    assert result.skipped == [(second, "This item is not waiting for sign-off.")]
    assert _status(mine, HAND) is TaskStatus.SIGNED_OFF


class TestThirtySevenItems:
    """The issue's measure, with the rate limits of a real deployment switched on."""

    @pytest.fixture
    def app_config(self, database_url: str) -> dict:
        return config_for_tests(database_url, RATELIMIT_ENABLED=True)

    @pytest.fixture
    def front_desk(self, make_member, make_clinic) -> dict:
        """A hire who has done all 37 items their supervisor signs (documents recorded)."""
        clinic = make_clinic("Harbour Clinic")
        supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
        hire = make_member(AppRole.STAFF, clinic=clinic)
        plan = {
            f"front.{kind}_{n}": (kind, "supervisor", "week_1", 3, None)
            for kind, count in FRONT_DESK.items()
            for n in range(count)
        }
        onboarding = build_onboarding(hire, supervisor.user_id, plan)
        details = progress.CredentialDetails("Issuer", "N-1", TODAY, None)
        for task in onboarding.tasks:
            if task.kind in ("credential", "document_check"):
                progress.record_credential(onboarding, task, hire, details, None)
            else:
                progress.complete_task(onboarding, task, hire)
        db.session.commit()
        return {"supervisor": supervisor, "onboarding": onboarding}

    def test_signing_off_a_hires_37_waiting_items_takes_3_requests_and_one_password_entry(
        self, client: FlaskClient, auth: Auth, front_desk: dict
    ) -> None:
        """At most 3 requests and one password entry, never the rate limit; each item has its
        own verified event."""
        plan = front_desk["onboarding"]
        ids = [task.id for task in plan.tasks]
        assert len(ids) == 37
        auth.login_as(front_desk["supervisor"])
        checks = mock.Mock(wraps=throttle.verify_password)
        with mock.patch.object(throttle, "verify_password", checks):
            # 1: the hire's items, every one selected.
            queue = client.get(f"/signoffs/?hire={plan.id}&select=all")
            assert queue.get_data(as_text=True).count(" checked>") == 37
            # 2: one password for all of them.
            data = {"tasks": ids, "method": "observed", "seen": "original", "password": PASSWORD}
            signed = client.post(f"/signoffs/batch?hire={plan.id}", data=data)
            # 3: the queue again, with the summary.
            summary = client.get(signed.headers["Location"])
        assert [r.status_code for r in (queue, signed, summary)] == [200, 302, 200]  # no 429
        assert checks.call_count == 1
        page = summary.get_data(as_text=True)
        assert "37 items signed" in page and "Nothing is waiting for your sign-off" in page
        signatures = [e for e in record_reads.events_of(plan) if e.kind in SIGNED_AS.values()]
        assert sorted(e.task_id for e in signatures) == sorted(ids)  # one event per item
        kinds = {task.id: task.kind for task in plan.tasks}
        for event in signatures:
            assert event.kind == SIGNED_AS[kinds[event.task_id]]
            assert event.actor_id == front_desk["supervisor"].user_id
        assert record_reads.verify_onboarding(plan).findings == ()  # the chain verifies
