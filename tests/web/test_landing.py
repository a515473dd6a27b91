"""Landing where the work is, a new clinic's first steps, the demo logins on the sign-in page,
the phone menu, and the wording mended on the way."""

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from clinic_onboard.cli.demo import DEMO_PEOPLE
from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, ClinicRole, Membership
from clinic_onboard.queries.getting_started import getting_started
from clinic_onboard.services.uploads import size_words
from tests.conftest import PASSWORD, Auth, counting_queries
from tests.web.onboarding_factory import make_team, task_of


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (AppRole.MANAGER, "/dashboard/"),
        (AppRole.SUPERVISOR, "/signoffs/"),
        (AppRole.STAFF, "/my/"),
    ],
)
def test_each_person_lands_where_their_work_is(
    client: FlaskClient, make_member: Callable[..., Membership], role: AppRole, page: str
) -> None:
    member = make_member(role)
    response = client.post("/auth/login", data={"email": member.user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == page
    assert client.get(page).status_code == 200


def test_a_new_clinic_lists_its_first_steps_until_they_are_done(
    client: FlaskClient, auth: Auth, make_member: Callable[..., Membership]
) -> None:
    manager = make_member(AppRole.MANAGER)
    auth.login_as(manager)
    page = first_steps(client)
    assert "Getting started" in page
    for link in ("/clinic/profile", "/clinic/hours", "/roles/", "/people/invite", "/staff/new"):
        assert f'href="{link}"' in page
    role = ClinicRole(clinic_id=manager.clinic_id, template="medical_assistant", name="MA")
    db.session.add(role)
    db.session.commit()
    make_member(AppRole.SUPERVISOR, clinic=manager.clinic)
    page = first_steps(client)
    assert 'href="/roles/"' not in page and 'href="/people/invite"' not in page
    assert 'href="/staff/new"' in page  # still to do


def first_steps(client: FlaskClient) -> str:
    """The getting-started card of the dashboard."""
    page = client.get("/dashboard/").get_data(as_text=True)
    return page.split('class="card getting-started"', 1)[1].split("</section>", 1)[0]


def test_the_list_is_gone_when_every_step_is_done(
    client: FlaskClient, auth: Auth, make_member: Callable, make_clinic: Callable
) -> None:
    team = make_team(make_member, make_clinic)()
    auth.login_as(team["manager"])
    client.post(
        "/clinic/hours",
        data={"time_zone": "America/Toronto", "open_weekdays": ["0", "1", "2", "3", "4"]},
    )
    clinic = team["manager"].clinic
    profile = {
        "clinic_name": clinic.name,
        "province": "NS",
        "setting": "family_medicine",
        "emr": "accuro",
        "confirmed": "yes",
    }
    client.post("/clinic/profile", data=profile)
    assert "Getting started" not in client.get("/dashboard/").get_data(as_text=True)


def test_the_first_steps_cost_one_query(make_member: Callable[..., Membership]) -> None:
    clinic_id = make_member(AppRole.MANAGER).clinic_id
    with counting_queries() as statements:
        steps = getting_started(clinic_id)
    assert len(statements) == 1
    assert [step.key for step in steps] == ["profile", "hours", "role", "supervisor", "hire"]


def test_demo_logins_show_on_the_sign_in_page_only_with_the_demo(
    app: Flask, client: FlaskClient, make_member: Callable
) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Demo logins" not in page
    app.test_cli_runner().invoke(cli, ["seed-demo"])
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Demo logins" in page
    for person in DEMO_PEOPLE:
        assert person.email in page and person.password in page


def test_a_real_database_never_shows_demo_logins(
    client: FlaskClient, make_member: Callable
) -> None:
    make_member(AppRole.MANAGER)
    assert "Demo logins" not in client.get("/auth/login").get_data(as_text=True)


def test_the_menu_folds_behind_a_real_button(
    client: FlaskClient, auth: Auth, make_member: Callable
) -> None:
    auth.login_as(make_member(AppRole.MANAGER))
    page = client.get("/clinic/").get_data(as_text=True)
    assert (
        '<button type="button" class="menu-button" aria-expanded="false" '
        'aria-controls="main-menu" hidden>Menu</button>'
    ) in page
    assert '<ul id="main-menu">' in page
    assert "/static/menu.js" in page


def test_a_badly_typed_date_on_the_credential_form_says_how_to_write_one(
    client: FlaskClient, auth: Auth, make_member: Callable, make_clinic: Callable
) -> None:
    team = make_team(make_member, make_clinic)()
    task = task_of(team["onboarding"], "bls.certificate")
    auth.login_as(team["hire"])
    data = {"issuer": "Heart and Stroke", "issued_on": "31/01/2026"}
    page = client.post(f"/my/tasks/{task.id}/credential", data=data).get_data(as_text=True)
    assert "Enter a real date, like 2026-09-08." in page
    assert "This field is required." not in page


def test_a_recorded_credential_is_named_plainly(
    client: FlaskClient, auth: Auth, make_member: Callable, make_clinic: Callable
) -> None:
    team = make_team(make_member, make_clinic)()
    task = task_of(team["onboarding"], "bls.certificate")
    auth.login_as(team["hire"])
    data = {"issuer": "Heart and Stroke", "issued_on": "2026-01-31"}
    client.post(f"/my/tasks/{task.id}/credential", data=data)
    page = client.get("/my/").get_data(as_text=True)
    assert "Recorded: Basic Life Support certificate." in page
    assert "Your Basic Life Support" not in page


def test_someone_who_starts_later_starts_and_has_not_started(
    client: FlaskClient, auth: Auth, make_member: Callable, make_clinic: Callable
) -> None:
    team = make_team(make_member, make_clinic)()
    onboarding = team["onboarding"]
    onboarding.start_date = team["manager"].clinic.today() + timedelta(days=7)
    db.session.commit()
    auth.login_as(team["hire"])
    page = client.get("/my/").get_data(as_text=True)
    assert "· starts" in page and "· started" not in page


def test_sizes_are_said_in_the_readers_language(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("fr_CA"):
            assert size_words(5 * 1024 * 1024) == "5 Mo"
        with force_locale("en"):
            assert size_words(1536 * 1024) == "1.5 MB"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text", "Téléversez un fichier PDF, JPEG ou PNG."),
        (b"%PDF-" + b"x" * 2048, "Le fichier dépasse 1 Ko."),
    ],
)
def test_upload_problems_are_said_in_french_on_a_french_page(
    app: Flask,
    client: FlaskClient,
    auth: Auth,
    make_member: Callable,
    make_clinic: Callable,
    content: bytes,
    message: str,
) -> None:
    app.config["UPLOAD_MAX_BYTES"] = 1024  # small: a big body would be spooled to a file
    team = make_team(make_member, make_clinic)()
    team["hire"].user.language = "fr"
    db.session.commit()
    task = task_of(team["onboarding"], "bls.certificate")
    auth.login_as(team["hire"])
    data = {"issuer": "Cœur + AVC", "issued_on": "2026-01-31", "file": (io.BytesIO(content), "a")}
    page = client.post(
        f"/my/tasks/{task.id}/credential", data=data, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert message in page


def test_the_hires_wording_fixes_hold_in_french(
    client: FlaskClient, auth: Auth, make_member: Callable, make_clinic: Callable
) -> None:
    """The issue's wording list, read on a French page: a badly typed date says how to write
    one, a recorded card is named plainly, and someone starting next week « starts »."""
    team = make_team(make_member, make_clinic)()
    team["hire"].user.language = "fr"
    onboarding = team["onboarding"]
    onboarding.start_date = team["manager"].clinic.today() + timedelta(days=7)
    db.session.commit()
    task = task_of(onboarding, "bls.certificate")
    auth.login_as(team["hire"])
    typo = {"issuer": "Cœur + AVC", "issued_on": "31/01/2026"}
    page = client.post(f"/my/tasks/{task.id}/credential", data=typo).get_data(as_text=True)
    assert "Entrez une date valide, comme 2026-09-08." in page
    assert "This field is required." not in page and "obligatoire" not in page

    client.post(f"/my/tasks/{task.id}/credential", data={**typo, "issued_on": "2026-01-31"})
    page = client.get("/my/").get_data(as_text=True)
    assert f"Consigné\u00a0: {task.title}." in page
    assert "Votre " + task.title not in page and "Your " not in page
    assert "· début prévu" in page and "· started" not in page and "· début 2" not in page
