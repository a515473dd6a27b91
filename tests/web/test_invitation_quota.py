"""Invitations per clinic are bounded per hour and per 24 hours, counted from the database,
and a bulk import fits the quota whole or is refused whole (issue 22, finding 3)."""

import socketserver
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicInvitation,
    ClinicRole,
    Membership,
    Onboarding,
    User,
)
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import invitation_quota
from tests.conftest import Auth, finished_job, job_id_of

START = (date.today() + timedelta(days=20)).isoformat()


@pytest.fixture
def quota() -> tuple[int, int]:
    """(per hour, per day) for this module's apps; small, so the tests stay quick."""
    return 3, 5


@pytest.fixture
def app_config(app_config: dict[str, Any], quota: tuple[int, int]) -> dict[str, Any]:
    hour, day = quota
    return {**app_config, "INVITATIONS_PER_HOUR": hour, "INVITATIONS_PER_DAY": day}


@pytest.fixture
def manager(make_member: Callable[..., Membership], auth: Auth) -> Membership:
    membership = make_member(AppRole.MANAGER)
    role = ClinicRole(clinic_id=membership.clinic_id, template="medical_assistant", name="MA")
    db.session.add(role)
    db.session.commit()
    auth.login_as(membership)
    return membership


def add_hire(client: FlaskClient, manager: Membership, number: int) -> Any:
    role = db.session.scalars(select(ClinicRole.id)).one()
    form = {
        "name": f"Hire {number}",
        "email": f"hire{number}@example.com",
        "role": str(role),
        "start_date": START,
    }
    return client.post("/staff/new", data=form)


def rows(first: int, number: int) -> str:
    lines = [f"Hire {n},hire{n}@example.com,MA,{START}," for n in range(first, first + number)]
    return "\n".join(["name,email,role,start_date,supervisor_email", *lines])


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def invitations_issued() -> int:
    query = select(func.count()).where(AuditEvent.action == "invitation.issue")
    return db.session.scalar(query) or 0


def test_the_hourly_quota_stops_the_next_hire_and_saves_nothing(
    client: FlaskClient, manager: Membership
) -> None:
    for number in range(3):
        assert add_hire(client, manager, number).status_code == 302
    users = count(User)
    refused = add_hire(client, manager, 3)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "the clinic may send 0 more right now (at most 3 in an hour and 5 in 24 hours)" in page
    assert 'value="Hire 3"' in page  # the form comes back as typed
    assert count(Onboarding) == 3 and count(User) == users and invitations_issued() == 3


def test_a_new_link_counts_too(client: FlaskClient, manager: Membership) -> None:
    for number in range(3):
        add_hire(client, manager, number)
    onboarding = db.session.scalars(select(Onboarding)).first()
    response = client.post(f"/staff/{onboarding.id}/link", follow_redirects=True)
    assert "may send 0 more right now" in response.get_data(as_text=True)
    assert invitations_issued() == 3


def test_the_daily_quota_counts_invitations_older_than_an_hour(
    client: FlaskClient, manager: Membership
) -> None:
    for number in range(3):
        add_hire(client, manager, number)
    _age_invitations(hours=2)  # out of the hour, still within the day: 2 more today
    assert add_hire(client, manager, 3).status_code == 302
    assert add_hire(client, manager, 4).status_code == 302
    page = add_hire(client, manager, 5).get_data(as_text=True)
    assert "may send 0 more right now" in page
    _age_invitations(hours=25)  # a day later, the quota is whole again
    assert add_hire(client, manager, 5).status_code == 302


def _age_invitations(hours: int) -> None:
    """What the database recorded, moved back in time as if the invitations were older."""
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.action == "invitation.issue")
        .values(created_at=utcnow() - timedelta(hours=hours))
    )
    db.session.commit()


def test_an_import_over_the_quota_is_refused_whole(
    client: FlaskClient, manager: Membership
) -> None:
    assert add_hire(client, manager, 0).status_code == 302
    refused = client.post("/staff/import", data={"text": rows(1, 3)})
    page = refused.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "This needs 3 invitations, but the clinic may send 2 more right now" in page
    assert count(Onboarding) == 1 and invitations_issued() == 1
    finished_job(job_id_of(client.post("/staff/import", data={"text": rows(1, 2)})))
    assert count(Onboarding) == 3
    # Email is not set up here: the import makes no links (each hire's page makes one).
    assert invitations_issued() == 1


@pytest.mark.parametrize("quota", [(30, 100)])
def test_a_confirmed_clinic_cannot_mail_200_people_at_once(
    client: FlaskClient, manager: Membership, smtp_server: socketserver.ThreadingTCPServer
) -> None:
    """Finding 3 on a confirmed clinic with the default quota: 200 rows, nothing sent."""
    page = client.post("/staff/import", data={"text": rows(0, 200)}).get_data(as_text=True)
    assert "This needs 200 invitations, but the clinic may send 30 more right now" in page
    assert count(Onboarding) == 0 and invitations_issued() == 0
    assert smtp_server.messages == []  # type: ignore[attr-defined]


def test_the_count_comes_from_the_database_for_each_clinic(
    make_clinic: Callable[..., Any], manager: Membership
) -> None:
    """Rows any process wrote count; nothing is kept in one process's memory."""
    other = make_clinic("Other Clinic")
    for clinic_id, number in ((manager.clinic_id, 2), (other.id, 5)):
        db.session.add_all(
            AuditEvent(clinic_id=clinic_id, action="invitation.issue", subject="x")
            for _ in range(number)
        )
    db.session.commit()
    assert invitation_quota.remaining(manager.clinic) == 1
    assert invitation_quota.remaining(other) == 0
    with pytest.raises(invitation_quota.QuotaReached) as raised:
        invitation_quota.check(manager.clinic, 2)
    assert raised.value.remaining == 1


def test_invitations_of_existing_accounts_count_too(
    client: FlaskClient, manager: Membership, make_member: Callable[..., Membership]
) -> None:
    """An account of another clinic gets an invitation, not a link: the same quota holds."""
    elsewhere = [make_member(AppRole.STAFF).user.email for _ in range(4)]
    role = db.session.scalars(select(ClinicRole.id)).one()
    for number, email in enumerate(elsewhere):
        form = {"name": f"Known {number}", "email": email, "role": str(role), "start_date": START}
        response = client.post("/staff/new", data=form)
        assert response.status_code == (302 if number < 3 else 200)
    assert "may send 0 more right now" in response.get_data(as_text=True)
    assert count(ClinicInvitation) == 3
