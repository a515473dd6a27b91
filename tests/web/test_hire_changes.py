"""Changing a hire after they were added, moving hires between supervisors, deleting a mistake."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingTask,
    User,
)
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations import progress
from clinic_onboard.queries import plans as plan_reads
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.record import verify_onboarding
from clinic_onboard.services.library import catalog
from tests.conftest import Auth
from tests.web.test_exports import pdf_text

START = date.today() + timedelta(days=21)


@pytest.fixture
def team(make_member: Callable[..., Membership]) -> dict:
    manager = make_member(AppRole.MANAGER)
    clinic = manager.clinic
    people = {
        "manager": manager,
        "sam": make_member(AppRole.SUPERVISOR, clinic=clinic),
        "priya": make_member(AppRole.SUPERVISOR, clinic=clinic),
    }
    for name, template in (("MA", "medical_assistant"), ("MOA", "medical_office_assistant")):
        people[name] = ClinicRole(clinic_id=clinic.id, template=template, name=name)
        db.session.add(people[name])
    db.session.commit()
    return people


@pytest.fixture
def signed_in(auth: Auth, team: dict) -> dict:
    auth.login_as(team["manager"])
    return team


def hire(team: dict, email: str = "noor@example.com", supervisor: str = "sam") -> Onboarding:
    onboarding = plans.start_onboarding(
        team["manager"].clinic,
        team["manager"].user,
        name="Noor Haddad",
        email=email,
        role=team["MA"],
        start_date=START,
        supervisor=team[supervisor].user,
        catalog=catalog(),
    )
    db.session.commit()
    return onboarding


def form_of(onboarding: Onboarding, team: dict, **changes: str) -> dict[str, str]:
    return {
        "name": onboarding.membership.user.display_name,
        "email": onboarding.membership.user.email,
        "role": str(onboarding.role_id),
        "start_date": onboarding.start_date.isoformat(),
        "supervisor": str(team["sam"].id),
        "language": "en",
        **changes,
    }


def audit_of(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_edit_form_is_filled_with_the_hire_as_they_are(
    client: FlaskClient, signed_in: dict
) -> None:
    onboarding = hire(signed_in)
    page = client.get(f"/hires/{onboarding.id}/edit").get_data(as_text=True)
    assert 'value="Noor Haddad"' in page and 'value="noor@example.com"' in page
    assert f'value="{START.isoformat()}"' in page


def test_name_and_email_of_an_account_never_used_can_be_corrected(
    client: FlaskClient, signed_in: dict
) -> None:
    onboarding = hire(signed_in)
    data = form_of(onboarding, signed_in, name="Noor Haddad-Ali", email="noor.ali@example.com")
    response = client.post(f"/hires/{onboarding.id}/edit", data=data)
    assert response.headers["Location"] == f"/staff/{onboarding.id}"
    user = db.session.get(User, onboarding.membership.user_id)
    assert (user.display_name, user.email) == ("Noor Haddad-Ali", "noor.ali@example.com")
    [renamed], [moved] = audit_of("hire.rename"), audit_of("hire.email")
    assert (renamed.before, renamed.after) == ({"name": "Noor Haddad"}, {"name": "Noor Haddad-Ali"})
    assert moved.before == {"email": "noor@example.com"}
    assert moved.after == {"email": "noor.ali@example.com"}


def test_an_account_in_use_keeps_its_email(client: FlaskClient, signed_in: dict) -> None:
    onboarding = hire(signed_in)
    onboarding.membership.user.password_hash = "set"
    db.session.commit()
    data = form_of(onboarding, signed_in, email="other@example.com")
    response = client.post(f"/hires/{onboarding.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "their email is theirs to keep" in page
    assert 'value="other@example.com"' in page  # the value typed is kept
    assert db.session.get(User, onboarding.membership.user_id).email == "noor@example.com"


def test_an_account_of_another_clinic_keeps_its_name(
    client: FlaskClient, signed_in: dict, make_member: Callable[..., Membership]
) -> None:
    onboarding = hire(signed_in)
    make_member(AppRole.STAFF, email="noor@example.com")  # the person also works elsewhere
    data = form_of(onboarding, signed_in, name="Someone Else")
    page = client.post(f"/hires/{onboarding.id}/edit", data=data).get_data(as_text=True)
    assert "also used outside this clinic" in page
    assert db.session.get(User, onboarding.membership.user_id).display_name == "Noor Haddad"


def test_a_new_start_date_moves_open_items_and_never_a_signed_one(
    client: FlaskClient, signed_in: dict
) -> None:
    onboarding = hire(signed_in)
    hire_member, sam = onboarding.membership, signed_in["sam"]
    signed = next(t for t in onboarding.tasks if t.kind == "competency")
    progress.complete_task(onboarding, signed, hire_member)
    progress.sign_off(onboarding, signed, sam, "observed", competent=True)
    db.session.commit()
    kept_due, events_before = signed.due_date, _events(onboarding)
    new_start = START + timedelta(days=14)
    data = form_of(onboarding, signed_in, start_date=new_start.isoformat())
    assert client.post(f"/hires/{onboarding.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    onboarding = db.session.get(Onboarding, onboarding.id)
    new_plan = plan_for(catalog(), signed_in["manager"].clinic, signed_in["MA"], new_start)
    planned = {t.id: t.due_date for t in new_plan.tasks}
    for task in onboarding.tasks:
        if task.id == signed.id:
            assert task.due_date == kept_due
        else:
            assert task.due_date == planned[task.item_id]
            assert signed_in["manager"].clinic.calendar.is_open(task.due_date)
    assert onboarding.start_date == new_start
    assert _events(onboarding) == events_before  # the record is untouched
    assert verify_onboarding(onboarding).ok
    [entry] = audit_of("hire.start_date")
    assert entry.before["start_date"] == START.isoformat()
    assert entry.after["start_date"] == new_start.isoformat()
    assert entry.after["items_moved"] == len(onboarding.tasks) - 1


def _events(onboarding: Onboarding) -> list[tuple[int, str]]:
    query = select(OnboardingEvent.seq, OnboardingEvent.hash).where(
        OnboardingEvent.onboarding_id == onboarding.id
    )
    return list(db.session.execute(query.order_by(OnboardingEvent.seq)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_date": "2001-01-01"}, "more than a year ago"),
        ({"start_date": "2026-13-45"}, "Enter a real date"),
        ({"role": "999999"}, "Not a valid choice"),
        ({"supervisor": "999999"}, "Not a valid choice"),
        ({"language": "de"}, "Not a valid choice"),
    ],
)
def test_bad_changes_are_shown_with_the_values_kept(
    client: FlaskClient, signed_in: dict, changes: dict[str, str], message: str
) -> None:
    onboarding = hire(signed_in)
    data = form_of(onboarding, signed_in, name="Noor Typed", **changes)
    response = client.post(f"/hires/{onboarding.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Noor Typed"' in page
    db.session.expire_all()
    assert db.session.get(Onboarding, onboarding.id).start_date == START


def test_an_email_already_in_the_clinic_is_refused_with_the_values_kept(
    client: FlaskClient, signed_in: dict
) -> None:
    onboarding = hire(signed_in)
    taken = signed_in["priya"].user.email
    data = form_of(onboarding, signed_in, name="Noor Typed", email=taken)
    response = client.post(f"/hires/{onboarding.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Noor Typed"' in page and f'value="{taken}"' in page
    assert "Another account already uses this email." in page
    db.session.expire_all()
    user = db.session.get(User, onboarding.membership.user_id)
    assert (user.display_name, user.email) == ("Noor Haddad", "noor@example.com")


def test_a_new_supervisor_is_logged(client: FlaskClient, signed_in: dict) -> None:
    onboarding = hire(signed_in)
    data = form_of(onboarding, signed_in, supervisor=str(signed_in["priya"].id))
    client.post(f"/hires/{onboarding.id}/edit", data=data)
    db.session.expire_all()
    assert db.session.get(Onboarding, onboarding.id).supervisor_id == signed_in["priya"].user_id
    [entry] = audit_of("hire.supervisor")
    assert entry.before == {"supervisor": signed_in["sam"].user.email}
    assert entry.after == {"supervisor": signed_in["priya"].user.email}
    log = client.get("/clinic/audit").get_data(as_text=True)
    assert "Hire&#39;s supervisor changed" in log and signed_in["priya"].user.email in log


def test_a_new_role_is_compared_then_applied_deliberately(
    client: FlaskClient, signed_in: dict
) -> None:
    onboarding = hire(signed_in)
    data = form_of(onboarding, signed_in, role=str(signed_in["MOA"].id))
    client.post(f"/hires/{onboarding.id}/edit", data=data)
    db.session.expire_all()
    onboarding = db.session.get(Onboarding, onboarding.id)
    differences = plan_reads.plan_differences(onboarding, catalog())
    assert differences  # nothing applied yet: the hire's page shows what would change
    assert "This plan is behind the role" in client.get(f"/staff/{onboarding.id}").get_data(
        as_text=True
    )
    removed = {t.item_id for t in differences.removed_tasks}
    client.post(f"/staff/{onboarding.id}/apply", data={"fingerprint": differences.fingerprint()})
    db.session.expire_all()
    onboarding = db.session.get(Onboarding, onboarding.id)
    assert not plan_reads.plan_differences(onboarding, catalog())
    withdrawn = {t.item_id for t in onboarding.tasks if t.withdrawn_at is not None}
    assert withdrawn == removed  # withdrawn, not deleted
    [entry] = audit_of("hire.role")
    assert (entry.before, entry.after) == ({"role": "MA"}, {"role": "MOA"})


def test_a_francophone_hire_gets_the_french_plan_in_an_english_clinic(
    client: FlaskClient, signed_in: dict
) -> None:
    data = {
        "name": "Luc Tremblay",
        "email": "luc@example.com",
        "role": str(signed_in["MA"].id),
        "start_date": START.isoformat(),
        "supervisor": "",
        "language": "fr",
    }
    assert client.post("/staff/new", data=data).status_code == 302
    onboarding = db.session.scalars(select(Onboarding)).one()
    french = plan_for(catalog(), signed_in["manager"].clinic, signed_in["MA"], START, lang="fr")
    assert plan_reads.snapshot_language(onboarding) == "fr"
    assert [t.title for t in onboarding.tasks] == [t.title for t in french.tasks]
    assert not plan_reads.plan_differences(onboarding, catalog())


def test_changing_the_plan_language_shows_the_new_wording_to_apply(
    client: FlaskClient, signed_in: dict
) -> None:
    onboarding = hire(signed_in)
    client.post(f"/hires/{onboarding.id}/edit", data=form_of(onboarding, signed_in, language="fr"))
    db.session.expire_all()
    onboarding = db.session.get(Onboarding, onboarding.id)
    differences = plan_reads.plan_differences(onboarding, catalog())
    assert differences.changed_tasks
    client.post(f"/staff/{onboarding.id}/apply", data={"fingerprint": differences.fingerprint()})
    db.session.expire_all()
    onboarding = db.session.get(Onboarding, onboarding.id)
    french = plan_for(catalog(), signed_in["manager"].clinic, signed_in["MA"], START, lang="fr")
    assert {t.title for t in onboarding.tasks} == {t.title for t in french.tasks}
    [entry] = audit_of("hire.language")
    assert (entry.before, entry.after) == ({"language": "en"}, {"language": "fr"})


def test_all_of_one_supervisors_hires_move_to_another(client: FlaskClient, signed_in: dict) -> None:
    first, second = hire(signed_in), hire(signed_in, "jo@example.com")
    third = hire(signed_in, "ali@example.com", supervisor="priya")
    data = {"old": str(signed_in["sam"].id), "new": str(signed_in["priya"].id)}
    response = client.post("/hires/reassign", data=data)
    assert response.headers["Location"] == "/staff/"
    db.session.expire_all()
    for onboarding in (first, second, third):
        assert db.session.get(Onboarding, onboarding.id).supervisor_id == signed_in["priya"].user_id
    assert len(audit_of("hire.supervisor")) == 2


def test_a_hire_with_nothing_recorded_can_be_deleted(client: FlaskClient, signed_in: dict) -> None:
    onboarding = hire(signed_in)
    user_id = onboarding.membership.user_id
    response = client.post(f"/hires/{onboarding.id}/delete")
    assert response.headers["Location"] == "/staff/"
    assert db.session.scalar(select(func.count()).select_from(Onboarding)) == 0
    assert db.session.scalar(select(func.count()).select_from(OnboardingTask)) == 0
    assert db.session.get(User, user_id) is None  # the account made by mistake goes too
    [entry] = audit_of("hire.delete")
    assert entry.before["email"] == "noor@example.com" and entry.after is None


def test_deleting_is_refused_once_anything_is_recorded(
    client: FlaskClient, signed_in: dict
) -> None:
    onboarding = hire(signed_in)
    task = next(t for t in onboarding.tasks if t.kind not in progress.FORM_KINDS)
    progress.complete_task(onboarding, task, onboarding.membership)
    db.session.commit()
    response = client.post(f"/hires/{onboarding.id}/delete")
    assert response.headers["Location"] == f"/staff/{onboarding.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "can no longer be deleted" in page
    assert db.session.get(Onboarding, onboarding.id) is not None
    assert audit_of("hire.delete") == []


def test_a_member_who_is_also_a_manager_keeps_their_membership(
    client: FlaskClient, signed_in: dict
) -> None:
    """The manager added themself as a hire by mistake: the plan goes, they stay."""
    manager = signed_in["manager"]
    onboarding = hire(signed_in, email=manager.user.email, supervisor="sam")
    client.post(f"/hires/{onboarding.id}/delete")
    assert db.session.get(Membership, manager.id) is not None
    assert db.session.scalar(select(func.count()).select_from(Onboarding)) == 0


def test_a_french_plan_gives_a_french_record_pdf_in_an_english_clinic(
    client: FlaskClient, signed_in: dict
) -> None:
    data = {
        "name": "Luc Tremblay",
        "email": "luc@example.com",
        "role": str(signed_in["MA"].id),
        "start_date": START.isoformat(),
        "supervisor": "",
        "language": "fr",
    }
    client.post("/staff/new", data=data)
    onboarding = db.session.scalars(select(Onboarding)).one()
    response = client.post(f"/exports/onboardings/{onboarding.id}/record.pdf")
    text = pdf_text(response)
    assert onboarding.tasks[0].title in text
    assert "Page 1 sur" in text and "Page 1 of" not in text
