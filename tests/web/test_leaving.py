"""A person leaving a clinic: their sessions stop reaching it (and only it), their onboarding
closes as "left" and stays readable, reminders and supervisor choices forget them."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, Membership, OnboardingStatus
from clinic_onboard.operations import progress
from clinic_onboard.pdf import completed_record
from clinic_onboard.queries import pdf_inputs
from clinic_onboard.queries.record import events_of
from clinic_onboard.queries.reminders import batch_snapshot
from clinic_onboard.queries.staff import supervisor_memberships
from clinic_onboard.record.states import EventKind
from tests.conftest import Auth
from tests.web.onboarding_factory import TODAY, make_team, task_of

team = pytest.fixture(make_team)


def leave(client: FlaskClient, member: Membership, **answers: str) -> object:
    data = {"last_day": TODAY.isoformat(), "reason": "resigned", **answers}
    return client.post(f"/leaving/members/{member.id}", data=data)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_left_persons_copied_cookie_is_refused_here_but_works_in_their_other_clinic(
    app: Flask, client: FlaskClient, auth: Auth, team: Callable, make_member, make_clinic
) -> None:
    people = team()
    hire = people["hire"]
    other = make_member(AppRole.STAFF, clinic=make_clinic("Prairie Clinic"), email=hire.user.email)
    token = hire.user.session_token
    phone = app.test_client()
    Auth(phone).login_as(hire)
    assert "Harbour Clinic" in phone.get("/clinic/").get_data(as_text=True)

    auth.login_as(people["manager"])
    response = leave(client, hire)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/leaving/members/{hire.id}/left")

    page = phone.get("/clinic/").get_data(as_text=True)
    assert "Prairie Clinic" in page and "Harbour Clinic" not in page
    switch = phone.post("/clinic/switch", data={"clinic_id": hire.clinic_id})
    assert switch.status_code == 404
    assert phone.get("/my/").status_code == 200  # their own onboarding elsewhere: none there
    db.session.refresh(hire.user)
    assert hire.user.session_token == token  # not signed out of the other clinic
    assert other.left_on is None


def test_a_person_whose_only_clinic_ended_sees_a_clear_page(
    app: Flask, client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    phone = app.test_client()
    Auth(phone).login_as(people["hire"])
    auth.login_as(people["manager"])
    leave(client, people["hire"])
    for path in ("/clinic/", "/my/", "/clinic/members"):
        response = phone.get(path)
        assert response.status_code == 403
        assert "You no longer belong to this clinic" in response.get_data(as_text=True)
    # Signing in again does not bring the clinic back.
    again = app.test_client()
    Auth(again).login(people["hire"].user.email)
    assert again.get("/clinic/").status_code == 403


def test_the_onboarding_closes_as_left_and_its_record_stays_readable(
    app: Flask, client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    onboarding, hire = people["onboarding"], people["hire"]
    auth.login_as(people["manager"])
    leave(client, hire, reason="end_of_contract")

    db.session.refresh(onboarding)
    assert onboarding.status == OnboardingStatus.LEFT
    last = events_of(onboarding)[-1]
    assert last.kind == EventKind.LEFT and last.payload == {"left_on": TODAY.isoformat()}
    assert actions()[-3:] == ["onboarding.left", "member.leave", "offboarding.start"]
    leave_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.leave"))
    assert leave_event.after == {"left_on": TODAY.isoformat(), "reason": "end_of_contract"}
    assert leave_event.actor_id == people["manager"].user_id

    page = client.get(f"/signoffs/onboardings/{onboarding.id}/record").get_data(as_text=True)
    assert "Closed unfinished: the staff member left the clinic." in page
    assert "Left the clinic" in page
    assert client.post(f"/exports/onboardings/{onboarding.id}/record.pdf").status_code == 200
    document = completed_record(
        pdf_inputs.record_input(onboarding, "https://x.example", datetime.now(UTC))
    )
    assert document.intro.startswith("Closed unfinished: the staff member left the clinic.")

    with pytest.raises(progress.ProgressRefused, match="left the clinic"):
        progress.complete_task(onboarding, task_of(onboarding, "ipac.hand_hygiene"), hire)
    db.session.rollback()


def test_reminders_and_supervisor_choices_skip_people_who_left(
    client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    supervisor, hire = people["supervisor"], people["hire"]
    auth.login_as(people["manager"])
    leave(client, hire)
    leave(client, supervisor)

    everyone = [p.user_id for p in people.values() if isinstance(p, Membership)]
    snapshot = batch_snapshot(everyone)
    onboardings = {h.onboarding_id for h in snapshot.hires}
    assert people["onboarding"].id not in onboardings
    assert people["other_onboarding"].id in onboardings
    assert {t.onboarding_id for t in snapshot.tasks} == {people["other_onboarding"].id}
    assert hire.user_id not in snapshot.people and supervisor.user_id not in snapshot.people
    assert {m.user_id for m in supervisor_memberships(hire.clinic_id)} == {
        people["manager"].user_id
    }
    choices = client.get("/staff/new").get_data(as_text=True)
    assert f"{supervisor.user.display_name} (supervisor)</option>" not in choices


def test_the_confirmation_lists_the_hires_they_supervised(
    client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    auth.login_as(people["manager"])
    page = leave_and_follow(client, people["supervisor"])
    assert "Hires to give another supervisor" in page
    for name in ("hire", "other_hire"):
        assert people[name].user.display_name in page
    assert f'/staff/{people["onboarding"].id}"' in page


def leave_and_follow(client: FlaskClient, member: Membership) -> str:
    data = {"last_day": TODAY.isoformat(), "reason": "retired"}
    response = client.post(f"/leaving/members/{member.id}", data=data, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_last_manager_and_oneself_cannot_be_marked_as_left(
    client: FlaskClient, auth: Auth, team: Callable, make_member
) -> None:
    people = team()
    manager = people["manager"]
    auth.login_as(manager)
    refused = leave(client, manager)
    assert refused.status_code == 200
    assert "Another manager marks you as having left" in refused.get_data(as_text=True)

    second = make_member(AppRole.MANAGER, clinic=manager.clinic)
    assert leave(client, second).status_code == 302
    client.post("/auth/logout")
    # The one manager left: another manager would be needed, and there is none.
    other = make_member(AppRole.MANAGER, clinic=manager.clinic)
    auth.login_as(other)
    assert leave(client, manager).status_code == 302
    page = leave(client, other).get_data(as_text=True)
    assert "Another manager marks you as having left" in page
    db.session.refresh(other)
    assert other.left_on is None


def test_the_last_manager_rule_counts_only_managers_still_here(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    clinic = make_clinic()
    first = make_member(AppRole.MANAGER, clinic=clinic)
    second = make_member(AppRole.MANAGER, clinic=clinic)
    auth.login_as(first)
    assert leave(client, second).status_code == 302
    # Only ``first`` is left; a supervisor cannot reach the page at all.
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    client.post("/auth/logout")
    auth.login_as(supervisor)
    assert leave(client, first).status_code == 403


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"last_day": (TODAY - timedelta(days=30)).isoformat()}, "before the start date"),
        ({"last_day": (TODAY + timedelta(days=3)).isoformat()}, "cannot be after today"),
        ({"last_day": "31/12/2026"}, "Enter a real date"),
        ({"last_day": ""}, "Enter their last day of work."),
        ({"reason": "bored"}, "Not a valid choice"),
        ({"reason": ""}, "Choose a reason from the list."),
    ],
)
def test_bad_answers_come_back_with_a_message_and_the_values_kept(
    client: FlaskClient, auth: Auth, team: Callable, answers: dict, message: str
) -> None:
    people = team()
    auth.login_as(people["manager"])
    response = leave(client, people["hire"], **answers)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    if answers.get("last_day"):
        assert f'value="{answers["last_day"]}"' in page
    db.session.refresh(people["hire"])
    assert people["hire"].left_on is None


def test_only_managers_mark_people_as_left_and_only_in_their_clinic(
    client: FlaskClient, auth: Auth, team: Callable, make_member
) -> None:
    people = team()
    stranger = make_member(AppRole.MANAGER)
    auth.login_as(stranger)
    assert leave(client, people["hire"]).status_code == 404
    assert client.get(f"/leaving/members/{people['hire'].id}/left").status_code == 404
    client.post("/auth/logout")
    auth.login_as(people["supervisor"])
    assert client.get(f"/leaving/members/{people['hire'].id}").status_code == 403


def test_a_person_who_left_cannot_be_added_again_as_a_new_hire(
    client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    hire = people["hire"]
    auth.login_as(people["manager"])
    leave(client, hire)
    form = {
        "name": hire.user.display_name,
        "email": hire.user.email,
        "role": str(people["onboarding"].role_id),
        "start_date": TODAY.isoformat(),
        "supervisor": "",
    }
    page = client.post("/staff/new", data=form).get_data(as_text=True)
    assert "left this clinic: bring them back from their page" in page


def test_the_member_page_offers_leaving_and_then_says_they_left(
    client: FlaskClient, auth: Auth, team: Callable
) -> None:
    people = team()
    auth.login_as(people["manager"])
    url = f"/clinic/members/{people['hire'].id}"
    assert f'/leaving/members/{people["hire"].id}"' in client.get(url).get_data(as_text=True)
    leave(client, people["hire"])
    assert f"Left this clinic on {TODAY.isoformat()}" in client.get(url).get_data(as_text=True)
    people_page = client.get("/clinic/members").get_data(as_text=True)
    assert '<span class="badge">Left</span>' in people_page
    assert leave(client, people["hire"]).status_code == 200  # already left: said, not a 500


def test_the_last_day_of_a_hire_without_an_onboarding_has_no_start_to_check(
    client: FlaskClient, auth: Auth, team: Callable, make_member
) -> None:
    people = team()
    newcomer = make_member(AppRole.STAFF, clinic=people["manager"].clinic)
    auth.login_as(people["manager"])
    early = (TODAY - timedelta(days=300)).isoformat()
    assert leave(client, newcomer, last_day=early).status_code == 302
