"""Renewals: a recorded credential or yearly attestation creates its next due item, which the
hire and the manager see coming, which outlives the completed onboarding, and which moves with
corrections without ever duplicating."""

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, OnboardingStatus, OnboardingTask
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.queries.dashboard import build_dashboard
from clinic_onboard.queries.plans import plan_differences
from clinic_onboard.record.renewals import add_months
from clinic_onboard.record.states import TaskStatus
from clinic_onboard.services.library import catalog
from tests.conftest import PASSWORD, Auth
from tests.web.onboarding_factory import PLAN, TODAY, build_onboarding, task_of

# The factory's plan plus the yearly privacy re-attestation; both renewing items renew.
RENEWING_PLAN = {
    **PLAN,
    "privacy.annual_attestation": ("acknowledgement", "none", "week_1", 6, 12),
}
RENEWING = ("bls.certificate", "privacy.annual_attestation")


@pytest.fixture
def team(make_member, make_clinic):
    def make() -> dict:
        clinic = make_clinic("Harbour Clinic")
        people = {
            "manager": make_member(AppRole.MANAGER, clinic=clinic),
            "supervisor": make_member(AppRole.SUPERVISOR, clinic=clinic),
            "hire": make_member(AppRole.STAFF, clinic=clinic),
        }
        supervisor_id = people["supervisor"].user_id
        plan = build_onboarding(people["hire"], supervisor_id, RENEWING_PLAN, RENEWING)
        return {**people, "onboarding": plan}

    return make


def _credential(client: FlaskClient, task_id: int, issued: date, expires: date):
    data = {
        "issuer": "Heart and Stroke Foundation",
        "number": "BLS-1",
        "issued_on": issued.isoformat(),
        "expires_on": expires.isoformat(),
    }
    return client.post(f"/my/tasks/{task_id}/credential", data=data)


def _sign(client: FlaskClient, task: OnboardingTask, outcome: str = "", comment: str = ""):
    """Sign an item as its kind is signed: a credential is seen and verified (or rejected)."""
    document = task.kind == "credential"
    data = {
        "password": PASSWORD,
        "method": "original" if document else "observed",
        "outcome": outcome or ("verified" if document else "competent"),
        "comment": comment,
    }
    response = client.post(f"/signoffs/tasks/{task.id}", data=data)
    assert response.status_code == 302, "the sign-off was not recorded"
    return response


def _renewals(onboarding, item_id: str) -> list[OnboardingTask]:
    db.session.refresh(onboarding)
    source = task_of(onboarding, item_id)
    return [t for t in onboarding.tasks if t.renewal_of_id == source.id]


def _as(auth: Auth, member) -> None:
    auth.logout()
    auth.login_as(member)


def test_a_recorded_credential_creates_its_renewal_due_on_expiry(
    client: FlaskClient, auth: Auth, team
) -> None:
    people = team()
    plan, bls = people["onboarding"], task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    expiry = TODAY + timedelta(days=40)
    assert _credential(client, bls.id, TODAY - timedelta(days=300), expiry).status_code == 302

    [renewal] = _renewals(plan, "bls.certificate")
    assert renewal.item_id == "bls.certificate#renewal-1"
    assert renewal.due_date == expiry
    assert (renewal.kind, renewal.signoff, renewal.renews) == ("credential", "supervisor", True)
    page = client.get("/my/").get_data(as_text=True)
    assert ">Renewals</h2>" in page and "Renewal due" in page
    assert f'Coming due:</strong> <a href="#task-{renewal.id}">' in page
    assert "0 of 6 done" in page  # the renewal is not part of the plan's figures


def test_an_attestation_renews_a_validity_after_signing(client: FlaskClient, auth: Auth, team):
    people = team()
    plan = people["onboarding"]
    attestation = task_of(plan, "privacy.annual_attestation")
    auth.login_as(people["hire"])
    name = people["hire"].user.display_name
    client.post(f"/my/tasks/{attestation.id}/acknowledge", data={"typed_name": name})

    [renewal] = _renewals(plan, "privacy.annual_attestation")
    signed_on = record_reads.events_of(plan)[-1].created_at.date()
    assert renewal.due_date == add_months(signed_on, 12)
    # A year away: listed under renewals, not yet coming due.
    page = client.get("/my/").get_data(as_text=True)
    assert "Renewal due" in page and "Coming due:" not in page


def test_corrections_move_or_withdraw_the_renewal_without_duplicating_it(
    client: FlaskClient, auth: Auth, team
) -> None:
    people = team()
    plan, bls = people["onboarding"], task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    _credential(client, bls.id, TODAY, TODAY + timedelta(days=300))
    client.post(f"/my/tasks/{bls.id}/undo")
    [withdrawn] = _renewals(plan, "bls.certificate")
    assert withdrawn.withdrawn_at is not None

    _credential(client, bls.id, TODAY, TODAY + timedelta(days=200))
    _as(auth, people["supervisor"])
    _sign(client, bls, outcome="rejected", comment="The card number is unreadable")
    assert _renewals(plan, "bls.certificate")[0].withdrawn_at is not None

    _as(auth, people["hire"])
    _credential(client, bls.id, TODAY, TODAY + timedelta(days=365))
    [renewal] = _renewals(plan, "bls.certificate")  # the same row, reinstated and moved
    assert renewal.id == withdrawn.id
    assert (renewal.withdrawn_at, renewal.due_date) == (None, TODAY + timedelta(days=365))

    _as(auth, people["manager"])
    credential = record_reads.events_of(plan)[-1]
    client.post(f"/signoffs/events/{credential.id}/void", data={"reason": "Wrong card"})
    assert _renewals(plan, "bls.certificate")[0].withdrawn_at is not None
    assert record_reads.verify_onboarding(plan).findings == ()


def test_renewals_do_not_hold_up_the_final_sign_off_and_outlive_it(
    client: FlaskClient, auth: Auth, team
) -> None:
    people = team()
    plan = people["onboarding"]
    _finish_plan(client, auth, people)
    [renewal] = _renewals(plan, "bls.certificate")

    _as(auth, people["manager"])
    client.post(f"/signoffs/onboardings/{plan.id}/complete", data={"password": PASSWORD})
    db.session.refresh(plan)
    assert plan.status == OnboardingStatus.COMPLETED

    # A year on, the hire renews the card on the completed onboarding; the supervisor signs it.
    _as(auth, people["hire"])
    assert "Record credential" in client.get("/my/").get_data(as_text=True)
    new_expiry = TODAY + timedelta(days=700)
    assert _credential(client, renewal.id, TODAY, new_expiry).status_code == 302
    _as(auth, people["supervisor"])
    assert f"/signoffs/tasks/{renewal.id}" in client.get("/signoffs/").get_data(as_text=True)
    assert _sign(client, renewal).status_code == 302
    assert record_reads.task_records(plan)[renewal.id].status is TaskStatus.SIGNED_OFF

    db.session.refresh(plan)
    [following] = [t for t in plan.tasks if t.renewal_of_id == renewal.id]
    assert following.item_id == "bls.certificate#renewal-2"
    assert following.due_date == new_expiry
    # The plan's own items are still closed.
    hand = task_of(plan, "ipac.hand_hygiene")
    with pytest.raises(progress.ProgressRefused, match="complete"):
        progress.undo_task(plan, hand, people["hire"])
    # Each renewal the app added is stated in the record, so the completed record verifies.
    assert record_reads.verify_onboarding(plan).findings == ()


def test_the_dashboard_shows_what_is_coming_due_once_per_credential(
    client: FlaskClient, auth: Auth, team
) -> None:
    people = team()
    plan, bls = people["onboarding"], task_of(people["onboarding"], "bls.certificate")
    auth.login_as(people["hire"])
    _credential(client, bls.id, TODAY - timedelta(days=700), TODAY + timedelta(days=20))
    attestation = task_of(plan, "privacy.annual_attestation")
    name = people["hire"].user.display_name
    client.post(f"/my/tasks/{attestation.id}/acknowledge", data={"typed_name": name})
    [renewal] = _renewals(plan, "privacy.annual_attestation")
    renewal.due_date = TODAY - timedelta(days=3)  # as if a year has passed
    db.session.commit()

    board = build_dashboard(plan.clinic_id, TODAY)
    assert [(c.title, c.days_left) for c in board.expiring] == [(bls.title, 20)]
    assert [(r.title, r.days_left) for r in board.reattestations] == [(attestation.title, -3)]
    _as(auth, people["manager"])
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "Yearly sign-offs coming due" in page and "Overdue" in page

    # The renewed card supersedes the old one: nothing expiring any more.
    _as(auth, people["hire"])
    [bls_renewal] = _renewals(plan, "bls.certificate")
    _credential(client, bls_renewal.id, TODAY, TODAY + timedelta(days=365))
    assert build_dashboard(plan.clinic_id, TODAY).expiring == []


def test_renewals_are_not_differences_from_the_role(client: FlaskClient, auth: Auth, team):
    people = team()
    plan = people["onboarding"]
    auth.login_as(people["hire"])
    bls = task_of(plan, "bls.certificate")
    _credential(client, bls.id, TODAY, TODAY + timedelta(days=300))
    differences = plan_differences(plan, catalog())
    removed = {t.item_id for t in differences.removed_tasks}
    assert "bls.certificate" in removed  # the factory's items are not in the real library
    assert not any("#renewal" in item for item in removed)


def _finish_plan(client: FlaskClient, auth: Auth, people: dict) -> None:
    """Every plan item done and signed off, through the pages."""
    plan = people["onboarding"]
    auth.login_as(people["hire"])
    name = people["hire"].user.display_name
    for task in list(plan.tasks):
        if task.kind == "acknowledgement":
            client.post(f"/my/tasks/{task.id}/acknowledge", data={"typed_name": name})
        elif task.kind == "credential":
            _credential(client, task.id, TODAY, TODAY + timedelta(days=365))
        else:
            client.post(f"/my/tasks/{task.id}/done")
    for role in ("supervisor", "manager"):
        _as(auth, people[role])
        for task in plan.tasks:
            if task.signoff == role and task.renewal_of_id is None:
                assert _sign(client, task).status_code == 302
