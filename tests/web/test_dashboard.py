"""The manager dashboard: right figures for hires in different states, constant query count."""

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.operations import accounts, record
from tests.conftest import Auth, counting_queries

TODAY = date.today()


@pytest.fixture
def clinic_setup(make_member, make_clinic):
    clinic = make_clinic("Harbour Clinic")
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    role = ClinicRole(clinic_id=clinic.id, template="medical_assistant", name="Medical assistant")
    db.session.add(role)
    db.session.commit()
    return clinic, manager, role


def _hire(
    clinic: Clinic, role: ClinicRole, name: str, tasks: list[tuple[str, int, str]]
) -> Onboarding:
    """A hire whose tasks are (module, days from today to the due date, sign-off)."""
    user = accounts.create_user(f"{name.lower().replace(' ', '.')}@clinic.example.com", name, None)
    membership = accounts.add_member(user, clinic, AppRole.STAFF)
    db.session.flush()
    onboarding = Onboarding(
        clinic_id=clinic.id,
        membership_id=membership.id,
        role_id=role.id,
        start_date=TODAY - timedelta(days=10),
        catalog_version="test",
        profile={},
    )
    for position, (module, days, signoff) in enumerate(tasks):
        onboarding.tasks.append(
            OnboardingTask(
                clinic_id=clinic.id,
                item_id=f"{module}.t{position}",
                position=position,
                title=f"{module} task {position}",
                guidance="",
                module=module,
                module_title=module.upper(),
                kind="task",
                phase="week_1",
                due_date=TODAY + timedelta(days=days),
                signoff=signoff,
                basis="guidance",
                references=[],
            )
        )
    db.session.add(onboarding)
    db.session.flush()
    return onboarding


def test_figures_for_hires_in_different_states(
    client: FlaskClient, auth: Auth, clinic_setup
) -> None:
    clinic, manager, role = clinic_setup
    tasks = [("ipac", -3, "supervisor"), ("privacy", 5, "none"), ("bls", 20, "none")]
    behind = _hire(clinic, role, "Bea Behind", tasks)
    waiting = _hire(clinic, role, "Wes Waiting", tasks)
    finished = _hire(clinic, role, "Fay Finished", tasks)
    hire_of = {
        o.id: db.session.get(Membership, o.membership_id) for o in (behind, waiting, finished)
    }
    record.append_event(waiting, waiting.tasks[0], "completed", hire_of[waiting.id])
    record.append_event(
        waiting,
        waiting.tasks[2],
        "credential_recorded",
        hire_of[waiting.id],
        {"expires_on": (TODAY + timedelta(days=45)).isoformat()},
    )
    for task in finished.tasks:
        record.append_event(finished, task, "completed", hire_of[finished.id])
    record.append_event(finished, finished.tasks[0], "signed_off", manager, {"method": "observed"})
    finished.status = OnboardingStatus.COMPLETED
    db.session.commit()

    auth.login_as(manager)
    page = client.get("/dashboard/").get_data(as_text=True)
    assert '<span class="stat-figure">2</span> hires onboarding' in page
    assert '<span class="stat-figure">1</span> overdue items' in page
    assert '<span class="stat-figure">1</span> waiting for sign-off' in page
    assert '<span class="stat-figure">1</span> credentials expiring' in page
    assert '<span class="stat-figure">1</span> completed onboardings' in page
    assert "Wes Waiting</td><td>BLS task 2" not in page  # titles come from the tasks, not modules
    assert "bls task 2" in page and (TODAY + timedelta(days=45)).isoformat() in page
    overdue_only = client.get("/dashboard/?state=overdue").get_data(as_text=True)
    assert "Bea Behind" in overdue_only and "Fay Finished" not in overdue_only
    # Wes's late ipac task is done and waiting for sign-off, so Wes is not overdue.
    assert "<td>Wes Waiting</td>\n      <td>Medical assistant</td>" in page
    assert "<td>Wes Waiting</td>\n      <td>Medical assistant</td>" not in overdue_only


def test_role_filter_and_unknown_filters(client: FlaskClient, auth: Auth, clinic_setup) -> None:
    clinic, manager, role = clinic_setup
    other = ClinicRole(clinic_id=clinic.id, template="clinic_assistant", name="Clinic assistant")
    db.session.add(other)
    db.session.flush()
    _hire(clinic, role, "Ada Assistant", [("ipac", 1, "none")])
    _hire(clinic, other, "Cy Clinic", [("ipac", 1, "none")])
    db.session.commit()
    auth.login_as(manager)
    page = client.get(f"/dashboard/?role={other.id}").get_data(as_text=True)
    assert "Cy Clinic" in page and "Ada Assistant" not in page
    page = client.get("/dashboard/?role=999999&state=nonsense").get_data(as_text=True)
    assert "Cy Clinic" in page and "Ada Assistant" in page


def test_nothing_from_another_clinic_shows(
    client: FlaskClient, auth: Auth, clinic_setup, make_clinic
) -> None:
    _, manager, _ = clinic_setup
    elsewhere = make_clinic("Elsewhere")
    foreign_role = ClinicRole(clinic_id=elsewhere.id, template="medical_assistant", name="MA")
    db.session.add(foreign_role)
    db.session.flush()
    _hire(elsewhere, foreign_role, "Zed Foreign", [("ipac", -1, "none")])
    db.session.commit()
    auth.login_as(manager)
    page = client.get(f"/dashboard/?role={foreign_role.id}").get_data(as_text=True)
    assert "Zed Foreign" not in page


@pytest.mark.parametrize("role", [AppRole.SUPERVISOR, AppRole.STAFF])
def test_only_managers_see_the_dashboard(
    client: FlaskClient, auth: Auth, make_member, role
) -> None:
    auth.login_as(make_member(role))
    assert client.get("/dashboard/").status_code == 403


def test_query_count_is_the_same_for_5_and_500_hires(
    client: FlaskClient, auth: Auth, clinic_setup
) -> None:
    clinic, manager, role = clinic_setup
    auth.login_as(manager)

    def grow_to(total: int) -> None:
        for number in range(len(clinic_hires), total):
            onboarding = _hire(
                clinic, role, f"Hire {number}", [("ipac", -1, "supervisor"), ("emr", 3, "none")]
            )
            hire = db.session.get(Membership, onboarding.membership_id)
            record.append_event(onboarding, onboarding.tasks[0], "completed", hire)
            clinic_hires.append(onboarding)
        db.session.commit()

    clinic_hires: list[Onboarding] = []
    counts = []
    for total in (5, 500):
        grow_to(total)
        for address in ("/dashboard/", f"/dashboard/?q=hire+{total - 1}&state=on_track&page=2"):
            with counting_queries() as statements:
                response = client.get(address)
            assert response.status_code == 200
            counts.append(len(statements))
        assert f"Hire {total - 1}" in response.get_data(as_text=True)
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    # 50 hires a page: the 500th is on the tenth.
    last = client.get("/dashboard/?page=10").get_data(as_text=True)
    assert "Hire 499" in last and "Page 10 of 10 (500 people)" in last
