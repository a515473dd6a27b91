"""The ``clinic-onboard`` command group and the demo clinic."""

from flask import Flask
from sqlalchemy import func, select

from clinic_onboard.cli import cli
from clinic_onboard.demo import DEMO_PEOPLE
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership, Onboarding, OnboardingEvent, User
from tests.conftest import Auth


def test_seed_demo_loads_an_ontario_family_practice_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["seed-demo"])
    assert first.exit_code == 0, first.output
    for person in DEMO_PEOPLE:
        assert person.email in first.output and person.password in first.output
    clinic = db.session.scalars(select(Clinic)).one()
    assert (clinic.province, clinic.setting) == ("ON", "family_medicine")
    roles = sorted(m.role.value for m in db.session.scalars(select(Membership)))
    assert roles == ["manager", "staff", "staff", "supervisor"]
    second = runner.invoke(cli, ["seed-demo"])
    assert second.exit_code == 0 and "not loaded" not in second.output
    assert "Demo logins" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 4
    plans = db.session.scalars(select(Onboarding).order_by(Onboarding.start_date)).all()
    assert [p.membership.user.display_name for p in plans] == ["Amira Haddad", "Luc Tremblay"]
    assert db.session.scalar(select(func.count()).select_from(OnboardingEvent)) > 0
    assert runner.invoke(cli, ["verify-signoffs"]).output == "All 2 onboarding records verify.\n"


def test_seed_demo_leaves_a_real_database_alone(app: Flask, make_member) -> None:
    make_member(AppRole.MANAGER)
    result = app.test_cli_runner().invoke(cli, ["seed-demo"])
    assert "already has its own accounts" in result.output
    assert "demo-manager" not in result.output


def test_the_printed_demo_logins_work(app: Flask, auth: Auth, client) -> None:
    app.test_cli_runner().invoke(cli, ["seed-demo"])
    for person in DEMO_PEOPLE:
        assert auth.login(person.email, person.password).status_code == 302
        assert "Maple Grove Family Health" in client.get("/clinic/").get_data(as_text=True)
        auth.logout()


def test_help_lists_the_project_commands(app: Flask) -> None:
    output = app.test_cli_runner().invoke(cli, ["--help"]).output
    for command in ("seed-demo", "catalog", "plan", "db", "run"):
        assert command in output
