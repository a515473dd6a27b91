"""The ``clinic-onboard`` command group and the demo clinic."""

from flask import Flask
from sqlalchemy import func, select

from clinic_onboard.cli.demo import DEMO_PEOPLE
from clinic_onboard.cli.main import cli
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


def test_pdf_record_and_summary_from_the_database(app: Flask, tmp_path) -> None:
    from pypdf import PdfReader

    runner = app.test_cli_runner()
    runner.invoke(cli, ["seed-demo"])
    amira = db.session.scalars(select(Onboarding).order_by(Onboarding.start_date)).first()
    record_pdf, summary_pdf = tmp_path / "record.pdf", tmp_path / "summary.pdf"
    args = ["pdf", "record", str(amira.id), "-o", str(record_pdf), "--base-url", "https://x.test"]
    assert runner.invoke(cli, args).exit_code == 0
    first_page = PdfReader(record_pdf).pages[0].extract_text()
    assert "Amira Haddad" in first_page and "Page 1 of" in first_page
    clinic_args = ["pdf", "summary", str(amira.clinic_id), "-o", str(summary_pdf)]
    assert runner.invoke(cli, clinic_args).exit_code == 0
    assert "Maple Grove Family Health" in PdfReader(summary_pdf).pages[0].extract_text()
    missing = runner.invoke(cli, ["pdf", "record", "999999", "-o", str(tmp_path / "no.pdf")])
    assert missing.exit_code == 2 and "no onboarding has id 999999" in missing.output
    assert not (tmp_path / "no.pdf").exists()
