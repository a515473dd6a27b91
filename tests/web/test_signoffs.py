"""Sign-offs: password-confirmed, accountable, corrected by new entries, never by edits."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, OnboardingStatus
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import STATEMENT_KINDS, TaskStatus
from tests.conftest import PASSWORD, Auth, config_for_tests, counting_queries
from tests.web.onboarding_factory import build_onboarding, make_team, task_of

HAND = "ipac.hand_hygiene"
BILLING = "emr.billing"


@pytest.fixture
def team(make_member, make_clinic):
    return make_team(make_member, make_clinic)


def _status(onboarding, item_id: str) -> TaskStatus:
    return record_reads.task_records(onboarding)[task_of(onboarding, item_id).id].status


def _recorded(onboarding) -> list:
    """What people recorded; the record's own statements of the plan are left out."""
    return [e for e in record_reads.events_of(onboarding) if e.kind not in STATEMENT_KINDS]


def _kinds(onboarding) -> list[str]:
    return [e.kind for e in _recorded(onboarding)]


def _as(client: FlaskClient, auth: Auth, member) -> None:
    auth.logout()
    auth.login_as(member)


def _sign(client: FlaskClient, task_id: int, **fields):
    data = {"password": PASSWORD, "method": "observed", "outcome": "competent", "comment": ""}
    data.update(fields)
    return client.post(f"/signoffs/tasks/{task_id}", data=data)


def _complete_everything(client: FlaskClient, auth: Auth, people: dict) -> None:
    """The hire does every item; supervisor and manager sign off what needs them."""
    plan = people["onboarding"]
    _as(client, auth, people["hire"])
    for item in ("privacy.read_policy", HAND, BILLING):
        client.post(f"/my/tasks/{task_of(plan, item).id}/done")
    ack = task_of(plan, "privacy.confidentiality")
    client.post(
        f"/my/tasks/{ack.id}/acknowledge", data={"typed_name": people["hire"].user.display_name}
    )
    client.post(
        f"/my/tasks/{task_of(plan, 'bls.certificate').id}/credential",
        data={"issuer": "Heart and Stroke", "number": "1", "issued_on": "2026-01-05"},
    )
    _as(client, auth, people["supervisor"])
    _sign(client, task_of(plan, HAND).id)
    # A credential is verified as a document: what was seen, verified or rejected.
    _sign(client, task_of(plan, "bls.certificate").id, method="original", outcome="verified")
    _as(client, auth, people["manager"])
    _sign(client, task_of(plan, BILLING).id, method="demonstrated")


def test_the_whole_walk_and_verify_signoffs(
    app: Flask, client: FlaskClient, auth: Auth, team
) -> None:
    people = team()
    plan = people["onboarding"]
    hand = task_of(plan, HAND)
    auth.login_as(people["hire"])
    client.post(f"/my/tasks/{hand.id}/done", data={"note": "first try"})

    _as(client, auth, people["supervisor"])
    queue = client.get("/signoffs/").get_data(as_text=True)
    assert "Hand hygiene at the point of care" in queue
    assert "Bill a visit in the EMR" not in queue  # a manager's item
    page = client.get(f"/signoffs/tasks/{hand.id}").get_data(as_text=True)
    assert "first try" in page and "By signing you confirm that you personally verified" in page

    wrong = _sign(client, hand.id, password="not my password")
    assert wrong.status_code == 200 and "Nothing was recorded" in wrong.get_data(as_text=True)
    assert _kinds(plan) == ["completed"]

    missing = _sign(client, hand.id, outcome="needs_practice")
    assert "Say what the person should practise" in missing.get_data(as_text=True)
    _sign(client, hand.id, outcome="needs_practice", comment="Twenty seconds, not ten")
    assert _status(plan, HAND) is TaskStatus.NEEDS_PRACTICE

    _as(client, auth, people["hire"])
    my_page = client.get("/my/").get_data(as_text=True)
    assert "Needs practice" in my_page and "Twenty seconds, not ten" in my_page
    client.post(f"/my/tasks/{hand.id}/done")
    _as(client, auth, people["supervisor"])
    assert _sign(client, hand.id, method="demonstrated").status_code == 302
    assert _status(plan, HAND) is TaskStatus.SIGNED_OFF
    signed = record_reads.events_of(plan)[-1]
    assert (signed.kind, signed.payload) == (
        "signed_off",
        {"method": "demonstrated", "comment": ""},
    )
    assert signed.actor_role == "supervisor"

    # The hire cannot undo once signed off.
    _as(client, auth, people["hire"])
    client.post(f"/my/tasks/{hand.id}/undo")
    assert _status(plan, HAND) is TaskStatus.SIGNED_OFF

    _complete_everything(client, auth, people)
    assert app.test_cli_runner().invoke(cli, ["verify-signoffs"]).exit_code == 0


def test_staff_cannot_sign_and_nobody_signs_their_own(client, auth, team, make_member) -> None:
    people = team()
    plan = people["onboarding"]
    hand = task_of(plan, HAND)
    auth.login_as(people["hire"])
    client.post(f"/my/tasks/{hand.id}/done")
    _as(client, auth, people["other_hire"])
    assert _sign(client, hand.id).status_code == 403
    assert client.get("/signoffs/").status_code == 403
    # A supervisor being onboarded themself, supervised by themself, still cannot sign.
    own = build_onboarding(people["supervisor"], people["supervisor"].user_id)
    own_hand = task_of(own, HAND)
    _as(client, auth, people["supervisor"])
    client.post(f"/my/tasks/{own_hand.id}/done")
    assert _sign(client, own_hand.id).status_code == 403
    queue = client.get("/signoffs/").get_data(as_text=True)
    assert f"/signoffs/tasks/{hand.id}" in queue
    assert f"/signoffs/tasks/{own_hand.id}" not in queue
    assert _kinds(plan) == ["completed"] and _kinds(own) == ["completed"]


def test_a_supervisor_signs_only_their_hires_and_only_in_their_clinic(
    client, auth, team, make_member
) -> None:
    people = team()
    plan = people["onboarding"]
    hand = task_of(plan, HAND)
    auth.login_as(people["hire"])
    client.post(f"/my/tasks/{hand.id}/done")
    other_supervisor = make_member(AppRole.SUPERVISOR, clinic=people["hire"].clinic)
    _as(client, auth, other_supervisor)
    assert _sign(client, hand.id).status_code == 403
    assert "Hand hygiene" not in client.get("/signoffs/").get_data(as_text=True)
    elsewhere = make_member(AppRole.SUPERVISOR)
    _as(client, auth, elsewhere)
    assert _sign(client, hand.id).status_code == 404
    assert client.get(f"/signoffs/onboardings/{plan.id}/record").status_code == 404
    # A supervisor cannot sign a manager's item even for their own hire.
    _as(client, auth, people["hire"])
    billing = task_of(plan, BILLING)
    client.post(f"/my/tasks/{billing.id}/done")
    _as(client, auth, people["supervisor"])
    assert _sign(client, billing.id).status_code == 403
    assert _kinds(plan) == ["completed", "completed"]


def test_final_signoff_refused_while_items_remain_then_completes(client, auth, team) -> None:
    people = team()
    plan = people["onboarding"]
    auth.login_as(people["manager"])
    url = f"/signoffs/onboardings/{plan.id}/complete"
    page = client.post(url, data={"password": PASSWORD}, follow_redirects=True).get_data(True)
    assert "5 items still to finish" in page and "Basic Life Support certificate" in page
    _complete_everything(client, auth, people)
    wrong = client.post(url, data={"password": "nope"}, follow_redirects=True)
    assert "Nothing was recorded" in wrong.get_data(as_text=True)
    assert client.post(url, data={"password": PASSWORD}).status_code == 302
    db.session.refresh(plan)
    assert plan.status == OnboardingStatus.COMPLETED and plan.completed_at is not None
    assert _kinds(plan)[-1] == "final_signoff"
    # Completed means the record no longer changes.
    assert "is complete" in client.post(
        url, data={"password": PASSWORD}, follow_redirects=True
    ).get_data(True)
    assert _kinds(plan).count("final_signoff") == 1


def test_void_re_folds_a_status_and_the_record_shows_it(client, auth, team) -> None:
    people = team()
    plan = people["onboarding"]
    reading = task_of(plan, "privacy.read_policy")
    auth.login_as(people["hire"])
    client.post(f"/my/tasks/{reading.id}/done")
    [done] = _recorded(plan)
    client.post(f"/signoffs/events/{done.id}/void", data={"reason": "ticked by mistake"})
    assert _kinds(plan) == ["completed"]  # a hire cannot void
    _as(client, auth, people["manager"])
    client.post(f"/signoffs/events/{done.id}/void", data={"reason": "ticked by mistake"})
    assert _status(plan, "privacy.read_policy") is TaskStatus.NOT_STARTED
    voiding = record_reads.events_of(plan)[-1]
    assert voiding.payload == {"voids": done.id, "reason": "ticked by mistake"}
    again = client.post(
        f"/signoffs/events/{done.id}/void", data={"reason": "twice"}, follow_redirects=True
    )
    assert "already voided" in again.get_data(as_text=True)
    page = client.get(f"/signoffs/onboardings/{plan.id}/record").get_data(as_text=True)
    assert "The record verifies." in page and voiding.hash in page
    assert "Voided" in page and f"voids entry: {done.seq}" in page


def test_record_page_for_the_hire_the_supervisor_and_managers_only(client, auth, team) -> None:
    people = team()
    url = f"/signoffs/onboardings/{people['onboarding'].id}/record"
    for who, code in [("hire", 200), ("supervisor", 200), ("manager", 200), ("other_hire", 404)]:
        _as(client, auth, people[who])
        assert client.get(url).status_code == code, who
    _as(client, auth, people["hire"])
    assert url in client.get("/my/").get_data(as_text=True)


def test_the_queue_takes_the_same_queries_for_one_hire_or_many(
    client, auth, team, make_member
) -> None:
    people = team()
    first = people["onboarding"]
    progress.complete_task(first, task_of(first, HAND), people["hire"])
    db.session.commit()
    auth.login_as(people["manager"])
    db.session.expire_all()
    with counting_queries() as one:
        client.get("/signoffs/")
    for _ in range(3):
        hire = make_member(AppRole.STAFF, clinic=people["hire"].clinic)
        plan = build_onboarding(hire, people["supervisor"].user_id)
        progress.complete_task(plan, task_of(plan, HAND), hire)
        db.session.commit()
    db.session.expire_all()
    with counting_queries() as many:
        page = client.get("/signoffs/").get_data(as_text=True)
    assert page.count('href="/signoffs/tasks/') == 4
    assert len(many) == len(one)


class TestRateLimit:
    @pytest.fixture
    def app_config(self, database_url: str) -> dict:
        return config_for_tests(
            database_url, RATELIMIT_ENABLED=True, PASSWORD_RATE_LIMIT="3 per minute"
        )

    def test_the_fourth_password_attempt_in_a_minute_is_refused(self, client, auth, team) -> None:
        people = team()
        hand = task_of(people["onboarding"], HAND)
        auth.login_as(people["hire"])
        client.post(f"/my/tasks/{hand.id}/done")
        _as(client, auth, people["supervisor"])
        codes = [_sign(client, hand.id, password="guess").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert client.get(f"/signoffs/tasks/{hand.id}").status_code == 200
