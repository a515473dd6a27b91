"""Clinic names and every value that reaches an email header lose their control characters:
at input, in every text field, and again where the message is built (issue 22, finding 8)."""

import socketserver
from collections.abc import Callable
from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, ClinicRole, Membership, Onboarding, User
from clinic_onboard.services.mail import build_message
from tests.conftest import Auth, finished_job, job_id_of
from tests.web.test_auth import SIGNUP

INJECTED = "Lakeside\r\nBcc: everyone@example.com"


def test_a_stored_name_with_cr_lf_still_adds_the_hire_once(
    client: FlaskClient,
    auth: Auth,
    make_member: Callable[..., Membership],
    smtp_server: socketserver.ThreadingTCPServer,
) -> None:
    """A name stored before the forms cleaned it: the hire is added, the email goes out."""
    manager = make_member(AppRole.MANAGER)
    role = ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA")
    db.session.add(role)
    db.session.execute(update(Clinic).values(name=INJECTED))
    db.session.commit()
    auth.login_as(manager)
    form = {
        "name": "Noor Haddad",
        "email": "noor@example.com",
        "role": str(role.id),
        "start_date": (date.today() + timedelta(days=10)).isoformat(),
    }
    response = client.post("/staff/new", data=form)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Onboarding)) == 1
    [message] = smtp_server.messages  # type: ignore[attr-defined]
    assert message["Subject"] == "Set your password for Lakeside Bcc: everyone@example.com"
    assert message["Bcc"] is None and message["To"] == "noor@example.com"


def test_sign_up_stores_names_without_control_characters(client: FlaskClient) -> None:
    names = {"clinic_name": "URGENT\r\nyour payroll", "display_name": "Émilie\u202e Côté\t"}
    typed = {**SIGNUP, **names}
    assert client.post("/auth/signup", data=typed).status_code == 302
    clinic = db.session.scalars(select(Clinic)).one()
    user = db.session.scalars(select(User)).one()
    assert clinic.name == "URGENT your payroll"
    assert user.display_name == "Émilie Côté"


def test_a_nul_character_is_still_an_error_on_its_field(client: FlaskClient) -> None:
    page = client.post("/auth/signup", data={**SIGNUP, "clinic_name": "Nul\x00"})
    assert "Remove the invisible NUL character" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Clinic)) == 0


def test_passwords_are_not_filtered(client: FlaskClient, auth: Auth) -> None:
    """A password is compared, never shown or mailed: it stays exactly as typed."""
    password = "tab\tinside a long password"
    form = {**SIGNUP, "password": password, "confirm": password}
    assert client.post("/auth/signup", data=form).status_code == 302
    auth.logout()
    assert auth.login(SIGNUP["email"], password).status_code == 302


def test_a_csv_name_with_a_line_break_is_one_line(
    client: FlaskClient, auth: Auth, make_member: Callable[..., Membership]
) -> None:
    manager = make_member(AppRole.MANAGER)
    db.session.add(ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA"))
    db.session.commit()
    auth.login_as(manager)
    start = (date.today() + timedelta(days=10)).isoformat()
    text = f'name,email,role,start_date\n"Amira\r\nBcc: x\u202e",amira@example.com,MA,{start}\n'
    finished_job(job_id_of(client.post("/staff/import", data={"text": text})))
    user = db.session.scalars(select(User).where(User.email == "amira@example.com")).one()
    assert user.display_name == "Amira Bcc: x"


def test_the_message_builder_cleans_every_header() -> None:
    """Defensive: whatever a caller passes, no header gains a line of its own."""
    message = build_message(
        "noor@example.com\r\nBcc: a@example.com",
        "Set your password for Lakeside\r\nBcc: b@example.com",
        "text",
        "<p>html</p>",
        "clinic@example.com\nBcc: c@example.com",
    )
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Subject"] == "Set your password for Lakeside Bcc: b@example.com"
