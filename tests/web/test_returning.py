"""A person who left comes back: a member again, a hire with a new onboarding whose still-valid
credentials are carried over from the old record, which stays as it closed."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, Onboarding, OnboardingStatus
from clinic_onboard.models.onboarding import ONBOARDING
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations import progress
from clinic_onboard.operations import roles as role_ops
from clinic_onboard.operations.record import append_event
from clinic_onboard.queries.record import events_of, task_records, verify_onboarding
from clinic_onboard.record.states import EventKind, TaskStatus
from tests.conftest import Auth
from tests.web.onboarding_factory import TODAY, task_of

BLS, POLICE = "bls.certification", "background_checks.police_check_on"
new_onboardings = select(Onboarding.id).where(Onboarding.kind == ONBOARDING)


@pytest.fixture
def left_hire(client: FlaskClient, auth: Auth, make_member, make_clinic) -> Callable[..., dict]:
    """A hire whose BLS card is valid 300 more days and whose police check expired, both signed
    off; then marked as left by the manager, who stays signed in."""

    def make(police_expires_in: int = -10) -> dict:
        clinic = make_clinic()
        manager = make_member(AppRole.MANAGER, clinic=clinic)
        supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
        role = role_ops.add_role(clinic, manager.user, "medical_assistant", "")
        first = plans.start_onboarding(
            clinic,
            manager.user,
            name="Rae Returner",
            email="rae@clinic.example.com",
            role=role,
            start_date=TODAY - timedelta(days=200),
            supervisor=supervisor.user,
        )
        db.session.commit()
        hire = first.membership
        signers = {"supervisor": supervisor, "manager": manager}
        _card(first, BLS, hire, signers, expires_in=300)
        _card(first, POLICE, hire, signers, expires_in=police_expires_in)
        auth.login_as(manager)
        data = {"last_day": (TODAY - timedelta(days=20)).isoformat(), "reason": "resigned"}
        assert client.post(f"/leaving/members/{hire.id}", data=data).status_code == 302
        return {
            "manager": manager,
            "supervisor": supervisor,
            "hire": hire,
            "role": role,
            "first": first,
        }

    return make


def _card(onboarding, item_id, hire, signers, *, expires_in: int) -> None:
    task = task_of(onboarding, item_id)
    issued = TODAY - timedelta(days=400)
    expires = TODAY + timedelta(expires_in)
    if expires_in > 0:
        details = progress.CredentialDetails("Issuer", "N-1", issued, expires)
        progress.record_credential(onboarding, task, hire, details, None)
    else:
        # recorded while it was valid: the form refuses an expired card today
        card = {"issuer": "Issuer", "number": "N-1", "issued_on": issued.isoformat()}
        card |= {"expires_on": expires.isoformat(), "file": None}
        append_event(onboarding, task, EventKind.CREDENTIAL, hire, card)
    if task.signoff in signers:
        progress.sign_off(onboarding, task, signers[task.signoff], "document reviewed", True)
    db.session.commit()


def come_back(client: FlaskClient, people: dict, **answers: str):
    data = {
        "role": str(people["role"].id),
        "start_date": TODAY.isoformat(),
        "supervisor": str(people["supervisor"].id),
        **answers,
    }
    return client.post(f"/leaving/members/{people['hire'].id}/return", data=data)


def test_a_returning_hire_gets_a_new_onboarding_with_valid_cards_carried_over(
    app: Flask, client: FlaskClient, left_hire: Callable
) -> None:
    people = left_hire()
    hire, first = people["hire"], people["first"]
    old_events = [(e.seq, e.kind, e.hash) for e in events_of(first)]
    response = come_back(client, people)
    assert response.status_code == 302

    db.session.refresh(hire)
    assert hire.left_on is None and hire.left_reason is None
    new = db.session.scalar(
        select(Onboarding).where(
            Onboarding.membership_id == hire.id,
            Onboarding.id != first.id,
            Onboarding.kind == ONBOARDING,
        )
    )
    assert response.headers["Location"].endswith(f"/staff/{new.id}")
    assert new.status == OnboardingStatus.ACTIVE and new.start_date == TODAY

    carried = [e for e in events_of(new) if e.kind == EventKind.CARRIED_OVER]
    assert [task_by_id(new, e.task_id).item_id for e in carried] == [BLS]
    assert carried[0].payload["from_onboarding"] == first.id
    assert carried[0].payload["expires_on"] == (TODAY + timedelta(300)).isoformat()
    assert carried[0].actor_id == people["manager"].user_id
    records = task_records(new)
    assert records[task_of(new, BLS).id].status is TaskStatus.DONE
    assert records[task_of(new, POLICE).id].status is TaskStatus.NOT_STARTED  # expired
    # The next card's renewal follows the carried card's expiry.
    renewal = next(t for t in new.tasks if t.renewal_of_id == task_of(new, BLS).id)
    assert renewal.due_date == TODAY + timedelta(300)

    # The old record is untouched and both chains verify.
    db.session.refresh(first)
    assert first.status == OnboardingStatus.LEFT
    assert [(e.seq, e.kind, e.hash) for e in events_of(first)] == old_events
    assert not verify_onboarding(new).findings and not verify_onboarding(first).findings
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "onboarding.carry_over")
    )
    assert event.after == {"item_id": [BLS]}
    assert "member.return" in db.session.scalars(select(AuditEvent.action)).all()

    page = client.get(f"/signoffs/onboardings/{new.id}/record").get_data(as_text=True)
    assert "Carried over from an earlier onboarding" in page


def task_by_id(onboarding: Onboarding, task_id: int):
    return next(t for t in onboarding.tasks if t.id == task_id)


def test_a_police_check_still_valid_is_carried_over_too(
    client: FlaskClient, left_hire: Callable
) -> None:
    """A document check (not only a credential) counts again while its validity lasts."""
    people = left_hire(police_expires_in=400)
    assert come_back(client, people).status_code == 302
    new = db.session.scalar(new_onboardings.where(Onboarding.id != people["first"].id))
    new = db.session.get(Onboarding, new)
    carried = [e for e in events_of(new) if e.kind == EventKind.CARRIED_OVER]
    assert sorted(task_by_id(new, e.task_id).item_id for e in carried) == sorted([BLS, POLICE])
    assert task_records(new)[task_of(new, POLICE).id].status is TaskStatus.DONE


def test_their_session_reaches_the_clinic_again(
    app: Flask, client: FlaskClient, left_hire: Callable
) -> None:
    people = left_hire()
    phone = app.test_client()
    # The hire was added without a password; give them the test password to sign in with.
    people["hire"].user.password_hash = people["manager"].user.password_hash
    db.session.commit()
    Auth(phone).login_as(people["hire"])
    assert phone.get("/clinic/").status_code == 403
    come_back(client, people, role="")
    assert phone.get("/clinic/").status_code == 200


def test_a_manager_or_supervisor_comes_back_without_an_onboarding(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    clinic = make_clinic()
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    auth.login_as(manager)
    client.post(
        f"/leaving/members/{supervisor.id}",
        data={"last_day": TODAY.isoformat(), "reason": "other"},
    )
    response = client.post(f"/leaving/members/{supervisor.id}/return", data={"role": ""})
    assert response.headers["Location"].endswith(f"/clinic/members/{supervisor.id}")
    db.session.refresh(supervisor)
    assert supervisor.left_on is None
    assert db.session.scalar(select(Onboarding.id)) is None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"start_date": ""}, "Enter the first day back for the new onboarding."),
        ({"start_date": "2026-13-01"}, "Enter a real date"),
        ({"start_date": (TODAY - timedelta(days=800)).isoformat()}, "more than a year ago"),
        ({"role": "99999"}, "Not a valid choice"),
        ({"supervisor": "99999"}, "Not a valid choice"),
    ],
)
def test_bad_answers_come_back_with_a_message_and_nothing_changes(
    client: FlaskClient, left_hire: Callable, answers: dict, message: str
) -> None:
    people = left_hire()
    response = come_back(client, people, **answers)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(people["hire"])
    assert people["hire"].left_on is not None
    assert db.session.scalar(new_onboardings.where(Onboarding.id != people["first"].id)) is None


def test_someone_who_has_not_left_is_not_brought_back(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    clinic = make_clinic()
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    staff = make_member(AppRole.STAFF, clinic=clinic)
    auth.login_as(manager)
    response = client.post(f"/leaving/members/{staff.id}/return", data={"role": ""})
    assert response.status_code == 200
    assert "has not left" in response.get_data(as_text=True)
