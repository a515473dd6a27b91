"""Importing hires from a CSV file, as a job: the request checks the file as a whole, then each
line is imported or refused on its own, with nothing left behind by a refused line."""

import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicRole,
    Job,
    JobLine,
    JobStatus,
    Membership,
    Onboarding,
    User,
)
from tests.conftest import Auth, finished_job, job_id_of

START = (date.today() + timedelta(days=30)).isoformat()
HEADER = "name,email,role,start_date,supervisor_email"


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def manager(make_member: Callable[..., Membership]) -> Membership:
    return make_member(AppRole.MANAGER)


@pytest.fixture
def supervisor(make_member: Callable[..., Membership], manager: Membership) -> Membership:
    return make_member(AppRole.SUPERVISOR, clinic=manager.clinic, email="sam@clinic.example.com")


@pytest.fixture
def roles(manager: Membership) -> list[ClinicRole]:
    made = [
        ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA"),
        ClinicRole(
            clinic_id=manager.clinic_id,
            template="medical_office_assistant",
            name="Front desk",
        ),
    ]
    db.session.add_all(made)
    db.session.commit()
    return made


@pytest.fixture
def signed_in(auth: Auth, manager: Membership, roles: list[ClinicRole]) -> Membership:
    auth.login_as(manager)
    return manager


def upload(client: FlaskClient, content: str | bytes, name: str = "hires.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        "/staff/import",
        data={"upload": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def imported(response) -> Job:
    """The import job the upload started, once it has ended."""
    job = finished_job(job_id_of(response))
    assert job.status == JobStatus.DONE
    return job


def results(job: Job) -> list[tuple[int, str, str]]:
    """(line, outcome, message) of each line, in file order."""
    query = select(JobLine).where(JobLine.job_id == job.id).order_by(JobLine.line)
    return [(line.line, line.outcome.value, line.message) for line in db.session.scalars(query)]


def good_file(supervisor_email: str = "sam@clinic.example.com") -> str:
    return "\r\n".join(
        [
            HEADER,
            f"Amira Haddad,amira@example.com,MA,{START},{supervisor_email}",
            f'"Côté, Émilie",emilie@example.com,front desk,{START},',
            f"Luc Tremblay,luc@example.com,medical_office_assistant,{START},",
        ]
    )


def test_good_rows_become_onboardings(
    client: FlaskClient, signed_in: Membership, supervisor: Membership
) -> None:
    job = imported(upload(client, ("\ufeff" + good_file()).encode("utf-8")))
    assert results(job) == [(2, "imported", ""), (3, "imported", ""), (4, "imported", "")]
    assert (job.total, job.done, job.succeeded, job.refused) == (3, 3, 3, 0)
    onboardings = db.session.scalars(select(Onboarding).order_by(Onboarding.id)).all()
    assert [o.membership.user.display_name for o in onboardings] == [
        "Amira Haddad",
        "Côté, Émilie",
        "Luc Tremblay",
    ]
    assert [o.role.name for o in onboardings] == ["MA", "Front desk", "Front desk"]
    assert onboardings[0].supervisor_id == supervisor.user_id
    assert all(o.tasks and o.catalog_version for o in onboardings)
    events = list(db.session.scalars(select(AuditEvent.action)))
    assert events.count("onboarding.start") == 3 and events.count("onboarding.import") == 1
    # Email is not set up here: no link is made; the manager makes each from the hire's page.
    assert events.count("invitation.issue") == 0 and job.follow_up_id is None
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "make each new hire" in page and "Amira" not in page and "amira@example.com" in page


def test_a_bad_row_is_refused_with_its_reason_and_the_others_are_imported(
    client: FlaskClient, signed_in: Membership, supervisor: Membership
) -> None:
    content = good_file().replace(
        f"luc@example.com,medical_office_assistant,{START}",
        "luc@example.com,medical_office_assistant,2026-13-01",
    )
    job = imported(upload(client, content))
    assert results(job)[2] == (
        4,
        "refused",
        "start_date '2026-13-01' is not a date (use YYYY-MM-DD, like 2026-09-08)",
    )
    assert count(Onboarding) == 2
    assert db.session.scalar(select(User).where(User.email == "luc@example.com")) is None
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Refused" in page and "is not a date" in page


def test_pasted_rows_are_imported_too(client: FlaskClient, signed_in: Membership) -> None:
    content = f"{HEADER}\nJo Lee,jo@example.com,MA,{START},\n"
    imported(client.post("/staff/import", data={"text": content}))
    assert count(Onboarding) == 1


def test_french_spreadsheets_use_semicolons(client: FlaskClient, signed_in: Membership) -> None:
    content = HEADER.replace(",", ";") + f"\nJo Lee;jo@ex.com;MA;{START};\n"
    assert results(imported(upload(client, content))) == [(2, "imported", "")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n  \r\n", "The file is empty."),
        (HEADER.encode() + b"\r\n", "a header line but no hires"),
        (b"name,email,role\nJo,jo@ex.com,MA\n", "missing column start_date"),
        (
            (HEADER + ",notes\nJo,jo@ex.com,MA,2026-01-01,,hi\n").encode(),
            "unknown column notes",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00binary", "an Excel workbook or another zip file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
        ((HEADER + "\nC\xf4t\xe9,c@ex.com,MA,2026-01-01,\n").encode("latin-1"), "not in UTF-8"),
    ],
)
def test_files_that_cannot_be_read_say_why(
    client: FlaskClient, signed_in: Membership, content: bytes, message: str
) -> None:
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(Onboarding) == 0 and count(Job) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "pas un fichier texte CSV."),
        ((HEADER + "\nC\xf4t\xe9,c@ex.com,MA,2026-01-01,\n").encode("latin-1"), "pas en UTF-8."),
    ],
)
def test_files_that_cannot_be_read_say_why_in_french(
    client: FlaskClient, signed_in: Membership, content: bytes, message: str
) -> None:
    signed_in.user.language = "fr"
    db.session.commit()
    page = upload(client, content).get_data(as_text=True)
    assert message in page
    assert "Enregistrer sous" in page


def test_a_file_over_the_limit_is_refused(
    app: Flask, client: FlaskClient, signed_in: Membership
) -> None:
    """The limit is a setting (5 MB by default); a small one keeps the upload in memory."""
    app.config["CSV_IMPORT_MAX_BYTES"] = 100 * 1024
    page = upload(client, b"x" * (100 * 1024 + 1)).get_data(as_text=True)
    assert "larger than 100 KB" in page
    assert count(Job) == 0


def test_no_file_and_no_text_is_a_form_error(client: FlaskClient, signed_in: Membership) -> None:
    page = client.post("/staff/import", data={}).get_data(as_text=True)
    assert "Choose a CSV file, or paste the rows in the box." in page


def test_every_row_problem_is_reported_by_line(
    client: FlaskClient,
    signed_in: Membership,
    supervisor: Membership,
    make_member: Callable[..., Membership],
    make_clinic,
) -> None:
    manager = signed_in
    staff = make_member(AppRole.STAFF, clinic=manager.clinic, email="staff@clinic.example.com")
    outsider = make_member(AppRole.MANAGER, clinic=make_clinic("Other"), email="boss@other.com")
    far = (date.today() + timedelta(days=900)).isoformat()
    content = "\n".join(
        [
            HEADER,
            f"Ann,ann@example.com,Surgeon,{START},",
            f"Bob,not-an-email,MA,{START},",
            f"Cy,ann@example.com,MA,{START},",
            f"Di,di@example.com,MA,{START},{staff.user.email}",
            f"Ed,ed@example.com,MA,{START},{outsider.user.email}",
            f",fi@example.com,MA,{far},",
            "Gus,gus@example.com,MA",
            f"Sam,sam@clinic.example.com,MA,{START},sam@clinic.example.com",
        ]
    )
    job = imported(upload(client, content))
    assert [message for _line, _outcome, message in results(job)] == [
        "role 'Surgeon' is not a role of this clinic (roles: Front desk, MA)",
        "email 'not-an-email' is not a valid email address",
        "email 'ann@example.com' is already on line 2",
        "supervisor_email 'staff@clinic.example.com' is not a supervisor or manager of this clinic",
        "supervisor_email 'boss@other.com' is not a supervisor or manager of this clinic",
        f"name is empty; start_date '{far}': The start date is more than two years away; "
        "check the year.",
        "has 3 values but the header has 5 columns; check for a missing or extra comma",
        "a hire cannot be their own supervisor",
    ]
    assert job.refused == 8 and count(Onboarding) == 0


def test_someone_already_onboarding_is_refused(client: FlaskClient, signed_in: Membership) -> None:
    imported(upload(client, f"{HEADER}\nJo,jo@ex.com,MA,{START},"))
    again = imported(upload(client, f"{HEADER}\nJo,JO@ex.com,MA,{START},"))
    assert results(again) == [
        (2, "refused", "jo@ex.com already has an onboarding in progress in this clinic")
    ]


def test_a_template_slug_shared_by_two_roles_is_ambiguous(
    client: FlaskClient, signed_in: Membership
) -> None:
    db.session.add(
        ClinicRole(clinic_id=signed_in.clinic_id, template="medical_assistant", name="MA 2")
    )
    db.session.commit()
    job = imported(upload(client, f"{HEADER}\nJo,jo@ex.com,medical_assistant,{START},"))
    assert results(job) == [
        (2, "refused", "role 'medical_assistant' matches several roles here; use the role's name")
    ]


def test_the_template_downloads(client: FlaskClient, signed_in: Membership) -> None:
    response = client.get("/staff/import/template.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig").strip() == HEADER + ",app_role"


def test_a_supervisor_cannot_import(
    client: FlaskClient, auth: Auth, supervisor: Membership, roles: list[ClinicRole]
) -> None:
    auth.login_as(supervisor)
    assert upload(client, good_file()).status_code == 403
    assert count(Onboarding) == 0


def test_an_existing_account_in_a_row_is_invited_and_gets_no_link(
    client: FlaskClient, signed_in: Membership, make_member, make_clinic
) -> None:
    elsewhere = make_member(AppRole.MANAGER, clinic=make_clinic("Elsewhere"))
    text = (
        f"{HEADER}\nNew Person,new@example.com,MA,{START},\n"
        f"Typed Name,{elsewhere.user.email},MA,{START},\n"
    )
    job = imported(upload(client, text))
    assert results(job) == [(2, "imported", ""), (3, "invited", "")]
    onboardings = db.session.scalars(select(Onboarding)).all()
    assert [o.membership.user.email for o in onboardings] == ["new@example.com"]
    assert [m.clinic_id for m in elsewhere.user.memberships] == [elsewhere.clinic_id]
    events = list(db.session.scalars(select(AuditEvent.action)))
    assert events.count("clinic_invitation.send") == 1
