"""Adding hires, their plan snapshots, and bringing a plan up to date with its role."""

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    Clinic,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingTask,
    RoleCustomItem,
    SwitchedOffItem,
    User,
)
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations import record
from clinic_onboard.queries import plans as plan_reads
from clinic_onboard.queries import record as record_reads
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.services.library import catalog
from tests.conftest import Auth

START = date.today() + timedelta(days=21)


def make_role(clinic_id: int, name: str = "Medical assistant") -> ClinicRole:
    role = ClinicRole(clinic_id=clinic_id, template="medical_assistant", name=name)
    db.session.add(role)
    db.session.commit()
    return role


def hire_form(clinic_role: ClinicRole, **changes: object) -> dict[str, object]:
    return {
        "name": "Noor Haddad",
        "email": "Noor@Example.com",
        "role": str(clinic_role.id),
        "start_date": START.isoformat(),
        "supervisor": "",
        **changes,
    }


def start_hire(clinic: Clinic, actor: User, role: ClinicRole, email: str) -> Onboarding:
    onboarding = plans.start_onboarding(
        clinic,
        actor,
        name="Jo Lee",
        email=email,
        role=role,
        start_date=START,
        supervisor=None,
        catalog=catalog(),
    )
    db.session.commit()
    return onboarding


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def manager(make_member: Callable[..., Membership]) -> Membership:
    return make_member(AppRole.MANAGER)


@pytest.fixture
def role(manager: Membership) -> ClinicRole:
    return make_role(manager.clinic_id)


@pytest.fixture
def signed_in(auth: Auth, manager: Membership) -> Membership:
    auth.login_as(manager)
    return manager


def test_adding_a_hire_stores_a_snapshot_of_the_plan(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    response = client.post("/staff/new", data=hire_form(role))
    onboarding = db.session.scalars(select(Onboarding)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/{onboarding.id}/link"
    plan = plan_for(catalog(), signed_in.clinic, role, START)
    assert onboarding.catalog_version == catalog().version == plan.catalog_version
    assert len(onboarding.tasks) == len(plan.tasks) > 0
    assert len(onboarding.duties) == len(plan.duties) > 0
    first = onboarding.tasks[0]
    assert (first.item_id, first.title, first.due_date) == (
        plan.tasks[0].id,
        plan.tasks[0].title,
        plan.tasks[0].due_date,
    )
    assert [t.position for t in onboarding.tasks] == list(range(len(plan.tasks)))
    assert onboarding.profile["province"] == "ON"
    assert onboarding.profile["role_template"] == "medical_assistant"
    hire = onboarding.membership
    assert (hire.user.email, hire.role, hire.user.password_hash) == (
        "noor@example.com",
        AppRole.STAFF,
        None,
    )
    assert actions() == ["member.add", "onboarding.start", "invitation.issue"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "onboarding.start"))
    start_event = event.one()
    assert start_event.actor_id == signed_in.user_id
    assert start_event.after["tasks"] == len(plan.tasks)
    assert start_event.after["catalog_version"] == catalog().version


def test_the_link_page_shows_the_link_once(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    page = client.post("/staff/new", data=hire_form(role), follow_redirects=True)
    text = page.get_data(as_text=True)
    assert re.search(r"readonly[^>]*>http://localhost/welcome/[\w.-]+</textarea>", text)
    assert "Email is not set up on this site" in text
    onboarding = db.session.scalars(select(Onboarding)).one()
    again = client.get(f"/staff/{onboarding.id}/link").get_data(as_text=True)
    assert "/welcome/" not in again
    assert "Make a new link" in again


def test_form_errors_keep_what_was_typed(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    form = hire_form(role, email="not an email", start_date="2026-13-01", role="")
    response = client.post("/staff/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Invalid email address." in page
    assert "Enter a real date, like 2026-09-08." in page
    assert "Choose a role." in page
    assert 'value="Noor Haddad"' in page and 'value="not an email"' in page
    assert count(Onboarding) == 0 and count(User) == 1


def test_a_form_with_fields_missing_is_an_error_not_a_crash(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    for missing in ("supervisor", "role", "start_date", "name"):
        form = {k: v for k, v in hire_form(role).items() if k != missing}
        assert client.post("/staff/new", data=form).status_code in (200, 302), missing
    assert count(Onboarding) == 1  # only the form without a supervisor was complete
    page = client.post("/staff/new", data={"role": "not a number"}).get_data(as_text=True)
    assert "Not a valid choice" in page


@pytest.mark.parametrize(
    ("days", "message"), [(3 * 365, "more than two years away"), (-3 * 365, "more than a year ago")]
)
def test_an_implausible_start_date_is_refused(
    client: FlaskClient, signed_in: Membership, role: ClinicRole, days: int, message: str
) -> None:
    far = (date.today() + timedelta(days=days)).isoformat()
    response = client.post("/staff/new", data=hire_form(role, start_date=far))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Noor Haddad"' in page and f'value="{far}"' in page
    assert count(Onboarding) == 0 and count(User) == 1


def test_another_clinics_role_or_supervisor_is_a_form_error(
    client: FlaskClient,
    signed_in: Membership,
    role: ClinicRole,
    make_member: Callable[..., Membership],
    make_clinic: Callable[..., Clinic],
) -> None:
    elsewhere = make_clinic("Elsewhere")
    their_role = make_role(elsewhere.id)
    their_supervisor = make_member(AppRole.SUPERVISOR, clinic=elsewhere)
    form = hire_form(role, role=str(their_role.id), supervisor=str(their_supervisor.id))
    response = client.post("/staff/new", data=form)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Not a valid choice") >= 2
    assert count(Onboarding) == 0


def test_a_supervisor_of_this_clinic_can_be_chosen(
    client: FlaskClient,
    signed_in: Membership,
    role: ClinicRole,
    make_member: Callable[..., Membership],
) -> None:
    supervisor = make_member(AppRole.SUPERVISOR, clinic=signed_in.clinic)
    client.post("/staff/new", data=hire_form(role, supervisor=str(supervisor.id)))
    onboarding = db.session.scalars(select(Onboarding)).one()
    assert onboarding.supervisor_id == supervisor.user_id
    page = client.get("/staff/").get_data(as_text=True)
    assert supervisor.user.display_name in page and "Noor Haddad" in page


def test_an_existing_account_of_another_clinic_is_invited_not_added(
    client: FlaskClient,
    signed_in: Membership,
    role: ClinicRole,
    make_member: Callable[..., Membership],
    make_clinic: Callable[..., Clinic],
) -> None:
    """Joining is the person's choice: no membership, no plan and no link until they accept;
    the page shows the name this clinic typed, never the account's own."""
    elsewhere = make_member(AppRole.STAFF, clinic=make_clinic("Elsewhere"))
    response = client.post(
        "/staff/new", data=hire_form(role, email=elsewhere.user.email), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "This email already has an account, so Noor Haddad is invited" in page
    assert "Invitation pending" in page and elsewhere.user.display_name not in page
    assert "/welcome/" not in page
    assert count(Onboarding) == 0
    assert [m.clinic_id for m in elsewhere.user.memberships] == [elsewhere.clinic_id]
    assert "invitation.issue" not in actions()
    assert actions()[-1] == "clinic_invitation.send"


def test_a_member_of_this_clinic_is_added_again_without_a_link(
    client: FlaskClient,
    signed_in: Membership,
    role: ClinicRole,
    make_member: Callable[..., Membership],
) -> None:
    colleague = make_member(AppRole.STAFF, clinic=signed_in.clinic)
    response = client.post(
        "/staff/new", data=hire_form(role, email=colleague.user.email), follow_redirects=True
    )
    assert "already has an account and signs in with it" in response.get_data(as_text=True)
    onboarding = db.session.scalars(select(Onboarding)).one()
    assert onboarding.membership_id == colleague.id
    assert "invitation.issue" not in actions()


def test_a_person_with_an_onboarding_in_progress_cannot_be_added_again(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    client.post("/staff/new", data=hire_form(role))
    page = client.post("/staff/new", data=hire_form(role)).get_data(as_text=True)
    assert "already has an onboarding in progress here" in page
    assert count(Onboarding) == 1


def _fingerprint(page: str) -> str:
    found = re.search(r'name="fingerprint" type="hidden" value="(\w+)"', page)
    assert found, "no Apply form on the page"
    return found.group(1)


def test_role_changes_show_as_differences_and_apply_only_when_asked(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    client.post("/staff/new", data=hire_form(role))
    onboarding = db.session.scalars(select(Onboarding)).one()
    dropped = onboarding.tasks[0]
    before = [(t.id, t.title, t.due_date, t.withdrawn_at) for t in onboarding.tasks]
    db.session.add(
        SwitchedOffItem(
            clinic_id=role.clinic_id, role_id=role.id, item_id=dropped.item_id, reason="Not here"
        )
    )
    db.session.add(
        RoleCustomItem(
            clinic_id=role.clinic_id,
            role_id=role.id,
            title="Tour the clinic garden",
            guidance="Ask the supervisor.",
            kind="task",
            phase="week_1",
            signoff="none",
            references=[],
        )
    )
    db.session.commit()

    assert "Plan behind the role" in client.get("/staff/").get_data(as_text=True)
    page = client.get(f"/staff/{onboarding.id}").get_data(as_text=True)
    assert "This plan is behind the role" in page
    assert "Tour the clinic garden" in page and dropped.title in page
    db.session.expire_all()
    assert [(t.id, t.title, t.due_date, t.withdrawn_at) for t in onboarding.tasks] == before

    response = client.post(
        f"/staff/{onboarding.id}/apply",
        data={"fingerprint": _fingerprint(page)},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    # and items updated: a day's tasks are spread again around the added and withdrawn ones
    assert "The plan now matches the role: 1 item added, 1 item withdrawn" in text
    assert "This plan is behind the role" not in text
    assert "Withdrawn from this plan (1)" in text
    db.session.expire_all()
    withdrawn = db.session.get(OnboardingTask, dropped.id)
    assert withdrawn is not None and withdrawn.withdrawn_at is not None
    assert len(onboarding.tasks) == len(before) + 1
    assert any(t.custom and t.title == "Tour the clinic garden" for t in onboarding.tasks)
    assert {"onboarding.task_withdraw", "onboarding.task_add"} <= set(actions())
    assert actions()[-1] == "onboarding.apply_differences"
    assert "Up to date" in client.get("/staff/").get_data(as_text=True)


def test_a_stale_apply_changes_nothing(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    client.post("/staff/new", data=hire_form(role))
    onboarding = db.session.scalars(select(Onboarding)).one()
    item = onboarding.tasks[0].item_id
    db.session.add(
        SwitchedOffItem(clinic_id=role.clinic_id, role_id=role.id, item_id=item, reason="No")
    )
    db.session.commit()
    response = client.post(
        f"/staff/{onboarding.id}/apply", data={"fingerprint": "0" * 32}, follow_redirects=True
    )
    assert "changed since that page was shown" in response.get_data(as_text=True)
    db.session.expire_all()
    assert all(t.withdrawn_at is None for t in onboarding.tasks)
    assert "onboarding.apply_differences" not in actions()


def test_an_item_switched_back_on_reinstates_the_same_row(
    app, manager: Membership, role: ClinicRole
) -> None:
    onboarding = start_hire(manager.clinic, manager.user, role, "jo@example.com")
    task = onboarding.tasks[0]
    off = SwitchedOffItem(
        clinic_id=role.clinic_id, role_id=role.id, item_id=task.item_id, reason="-"
    )
    db.session.add(off)
    db.session.commit()
    plans.apply_differences(onboarding, manager.user, catalog())
    db.session.commit()
    assert task.withdrawn_at is not None
    db.session.delete(off)
    db.session.commit()
    differences = plan_reads.plan_differences(onboarding, catalog())
    assert [t.id for t in differences.added_tasks] == [task.item_id]
    plans.apply_differences(onboarding, manager.user, catalog())
    db.session.commit()
    assert task.withdrawn_at is None and task.position == 0
    assert not plan_reads.plan_differences(onboarding, catalog())
    assert "onboarding.task_reinstate" in actions()


def test_a_plan_is_not_rewritten_by_a_new_library_version(
    app, manager: Membership, role: ClinicRole
) -> None:
    onboarding = start_hire(manager.clinic, manager.user, role, "jo@example.com")
    onboarding.catalog_version = "2020.1.0+old"
    onboarding.tasks[0].title = "An older wording"
    db.session.commit()
    differences = plan_reads.plan_differences(onboarding, catalog())
    assert [c.fields for c in differences.changed_tasks] == [("title",)]
    assert onboarding.tasks[0].title == "An older wording"
    plans.apply_differences(onboarding, manager.user, catalog())
    assert onboarding.tasks[0].title != "An older wording"
    assert onboarding.catalog_version == catalog().version
    update = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "onboarding.task_update")
    ).one()
    assert update.before["title"] == "An older wording"


def test_every_applied_plan_update_is_stated_in_the_record(
    app, manager: Membership, role: ClinicRole
) -> None:
    """Role changes and a content update applied rewrite items; the record states each, so it
    verifies, while the same rewrite made in the database alone does not."""
    onboarding = start_hire(manager.clinic, manager.user, role, "jo@example.com")
    assert [e.kind for e in record_reads.events_of(onboarding)] == ["opened"]
    first, second = onboarding.tasks[0], onboarding.tasks[1]
    off = SwitchedOffItem(
        clinic_id=role.clinic_id, role_id=role.id, item_id=first.item_id, reason="-"
    )
    db.session.add(off)
    custom = plans_custom_item(role)
    db.session.commit()
    plans.apply_differences(onboarding, manager.user, catalog())  # withdrawn and added
    db.session.delete(off)
    db.session.commit()
    plans.apply_differences(onboarding, manager.user, catalog())  # reinstated
    second.title = "An older wording"  # as a plan stored by an earlier library version
    record.record_plan_update(onboarding, None, [second], [])
    onboarding.catalog_version = "2020.1.0+old"
    db.session.commit()
    plans.apply_differences(onboarding, manager.user, catalog())  # the content update
    db.session.commit()
    kinds = [e.kind for e in record_reads.events_of(onboarding)]
    assert kinds == ["opened", "plan_updated", "plan_updated", "plan_updated", "plan_updated"]
    assert any(t.title == custom for t in onboarding.tasks)
    assert record_reads.verify_onboarding(onboarding).ok

    second.signoff = "none" if second.signoff != "none" else "manager"
    db.session.commit()
    findings = record_reads.verify_onboarding(onboarding).findings
    assert [(f.code, f.item_id) for f in findings] == [("task_changed", second.item_id)]


def plans_custom_item(role: ClinicRole) -> str:
    db.session.add(
        RoleCustomItem(
            clinic_id=role.clinic_id,
            role_id=role.id,
            title="Tour the clinic garden",
            guidance="Ask the supervisor.",
            kind="task",
            phase="week_1",
            signoff="none",
            references=[],
        )
    )
    return "Tour the clinic garden"


def test_a_new_link_replaces_the_old_one(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    first = client.post("/staff/new", data=hire_form(role), follow_redirects=True)
    old = re.search(r"/welcome/([\w.-]+)", first.get_data(as_text=True)).group(1)
    onboarding = db.session.scalars(select(Onboarding)).one()
    second = client.post(f"/staff/{onboarding.id}/link", follow_redirects=True)
    new = re.search(r"/welcome/([\w.-]+)", second.get_data(as_text=True)).group(1)
    assert new != old
    assert client.get(f"/welcome/{old}").status_code == 410
    assert client.get(f"/welcome/{new}").status_code == 200
    assert actions().count("invitation.issue") == 2


def test_no_new_link_once_a_password_is_set(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    client.post("/staff/new", data=hire_form(role))
    onboarding = db.session.scalars(select(Onboarding)).one()
    onboarding.membership.user.password_hash = "set elsewhere"
    db.session.commit()
    response = client.post(f"/staff/{onboarding.id}/link", follow_redirects=True)
    assert "already set a password" in response.get_data(as_text=True)
    assert actions().count("invitation.issue") == 1


def test_the_hire_page_shows_the_snapshot(
    client: FlaskClient, signed_in: Membership, role: ClinicRole
) -> None:
    client.post("/staff/new", data=hire_form(role))
    onboarding = db.session.scalars(select(Onboarding)).one()
    page = client.get(f"/staff/{onboarding.id}").get_data(as_text=True)
    assert f"Content library {catalog().version}" in page
    assert onboarding.tasks[0].title in page and onboarding.duties[0].title in page
    assert "Start of day" in page and "This plan is behind the role" not in page
    assert "New set-password link" in page


@pytest.mark.parametrize("app_role", [AppRole.STAFF, AppRole.SUPERVISOR])
def test_only_managers_reach_the_staff_pages(
    client: FlaskClient,
    auth: Auth,
    make_member: Callable[..., Membership],
    manager: Membership,
    role: ClinicRole,
    app_role: AppRole,
) -> None:
    onboarding = start_hire(manager.clinic, manager.user, role, "jo@example.com")
    auth.login_as(make_member(app_role, clinic=manager.clinic))
    for path in ("/staff/", "/staff/new", "/staff/import", f"/staff/{onboarding.id}"):
        assert client.get(path).status_code == 403, path
    assert client.get("/staff/import/template.csv").status_code == 403
    for path in (f"/staff/{onboarding.id}/apply", f"/staff/{onboarding.id}/link", "/staff/new"):
        assert client.post(path).status_code == 403, path
    assert count(OnboardingTask) == len(onboarding.tasks)


def test_another_clinics_onboarding_is_a_404(
    client: FlaskClient,
    signed_in: Membership,
    make_member: Callable[..., Membership],
    make_clinic: Callable[..., Clinic],
) -> None:
    theirs = make_member(AppRole.MANAGER, clinic=make_clinic("Theirs"))
    onboarding = start_hire(theirs.clinic, theirs.user, make_role(theirs.clinic_id), "x@ex.com")
    for path in (f"/staff/{onboarding.id}", f"/staff/{onboarding.id}/link"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Jo Lee" not in response.get_data(as_text=True)
    for path in (f"/staff/{onboarding.id}/apply", f"/staff/{onboarding.id}/link"):
        assert client.post(path).status_code == 404, path
    assert "Jo Lee" not in client.get("/staff/").get_data(as_text=True)
    assert actions() == ["member.add", "onboarding.start"]


def test_the_staff_list_builds_one_plan_per_role_and_start_date(
    client, signed_in: Membership, role: ClinicRole, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(4):
        start_hire(signed_in.clinic, signed_in.user, role, f"same{number}@clinic.example.com")
    db.session.commit()
    built = []
    real = plan_reads.plan_for

    def counting(*args, **kwargs):
        built.append(args[2].id)
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_reads, "plan_for", counting)
    db.session.execute(update(Onboarding).values(behind_inputs=None, behind=None))
    db.session.commit()  # no kept verdicts: the page compares all four
    assert client.get("/staff/").status_code == 200
    assert built == [role.id]  # four hires, same role and start date: one plan


def test_the_staff_list_compares_again_only_the_plans_whose_inputs_changed(
    client, signed_in: Membership, role: ClinicRole, monkeypatch: pytest.MonkeyPatch
) -> None:
    hires = [
        start_hire(signed_in.clinic, signed_in.user, role, f"kept{number}@clinic.example.com")
        for number in range(3)
    ]
    db.session.commit()
    built = []
    real = plan_reads.plan_for

    def counting(*args, **kwargs):
        built.append(args[2].id)
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_reads, "plan_for", counting)
    assert "Plan behind the role" not in client.get("/staff/").get_data(as_text=True)
    assert built == []  # each hire keeps the verdict reached when its plan was made
    assert "Plan behind the role" not in client.get("/staff/").get_data(as_text=True)
    assert built == []

    hires[0].tasks[0].title = "Edited in the snapshot"  # clears that hire's kept verdict
    db.session.commit()
    assert client.get("/staff/").get_data(as_text=True).count("Plan behind the role") == 1
    assert built == [role.id]
    assert "Plan behind the role" in client.get("/staff/").get_data(as_text=True)
    assert built == [role.id]  # this process keeps the verdict it reached

    dropped = hires[1].tasks[1].item_id
    db.session.add(
        SwitchedOffItem(clinic_id=role.clinic_id, role_id=role.id, item_id=dropped, reason="No")
    )
    db.session.commit()
    assert client.get("/staff/").get_data(as_text=True).count("Plan behind the role") == 3
    assert built == [role.id, role.id]  # the role's tailoring changed for all three
