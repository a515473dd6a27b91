"""Sign-up, sign-in, sign-out and password changes through the real views."""

from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership, User
from tests.conftest import PASSWORD, Auth

SIGNUP = {
    "display_name": "Émilie Côté-Lévesque",
    "email": "Emilie@Example.com",
    "password": "a long enough password",
    "confirm": "a long enough password",
    "clinic_name": "Clinique des Érables",
    "province": "QC",
    "setting": "family_medicine",
    "emr": "other",
    "options": ["specimen_collection", "vaccine_storage"],
}


def test_signup_creates_a_manager_and_the_first_clinic(client: FlaskClient) -> None:
    response = client.post("/auth/signup", data=SIGNUP, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Clinique des Érables is ready" in page
    assert response.request.path == "/dashboard/"  # a manager lands on the dashboard
    # A Quebec clinic starts in French, so its profile names come from the French library.
    page = client.get("/clinic/").get_data(as_text=True)
    assert "Québec" in page and "Clinique de médecine familiale" in page
    membership = db.session.scalars(select(Membership)).one()
    assert membership.role is AppRole.MANAGER
    assert membership.user.email == "emilie@example.com"
    assert membership.clinic.options == ["specimen_collection", "vaccine_storage"]
    assert membership.clinic.language == "fr"
    assert membership.user.password_hash.startswith("$argon2id$")


def test_signup_with_errors_keeps_what_was_typed(client: FlaskClient) -> None:
    bad = {**SIGNUP, "confirm": "something else entirely", "province": "XX"}
    response = client.post("/auth/signup", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The two passwords differ." in page
    assert "Not a valid choice" in page
    assert 'value="Clinique des Érables"' in page
    assert 'value="specimen_collection" checked' in page or "checked" in page
    assert db.session.scalar(select(User)) is None


def test_signup_with_a_taken_email_says_so(client: FlaskClient, make_member) -> None:
    make_member(AppRole.MANAGER, email="emilie@example.com")
    response = client.post("/auth/signup", data=SIGNUP)
    assert "An account already uses this email" in response.get_data(as_text=True)
    assert db.session.scalars(select(Clinic)).all().__len__() == 1


def test_login_and_logout(client: FlaskClient, auth: Auth, make_member) -> None:
    member = make_member(AppRole.MANAGER)
    assert client.get("/clinic/").status_code == 302
    auth.login_as(member)
    page = client.get("/clinic/").get_data(as_text=True)
    assert member.clinic.name in page
    auth.logout()
    assert client.get("/clinic/").status_code == 302


def test_wrong_password_gives_the_same_generic_message(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    member = make_member()
    wrong = auth.login(member.user.email, "not the password").get_data(as_text=True)
    unknown = auth.login("nobody@clinic.example.com", "whatever").get_data(as_text=True)
    message = "That email and password do not match an active account."
    assert message in wrong and message in unknown
    assert client.get("/clinic/").status_code == 302


def test_switched_off_account_cannot_sign_in(auth: Auth, make_member) -> None:
    member = make_member()
    member.user.active = False
    db.session.commit()
    assert auth.login(member.user.email).status_code == 200


def test_logout_makes_a_copied_cookie_useless(
    app, client: FlaskClient, auth: Auth, make_member
) -> None:
    member = make_member(AppRole.MANAGER)
    auth.login_as(member)
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/clinic/").status_code == 200
    auth.logout()
    assert thief.get("/clinic/").status_code == 302


def test_change_password(client: FlaskClient, auth: Auth, make_member) -> None:
    member = make_member()
    auth.login_as(member)
    form = {
        "current": PASSWORD,
        "password": "a brand new passphrase",
        "confirm": "a brand new passphrase",
    }
    response = client.post("/auth/password", data=form, follow_redirects=True)
    assert "Your password is changed" in response.get_data(as_text=True)
    assert client.get("/clinic/").status_code == 200
    auth.logout()
    assert auth.login(member.user.email, PASSWORD).status_code == 200
    assert auth.login(member.user.email, "a brand new passphrase").status_code == 302


def test_change_password_needs_the_current_one(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    auth.login_as(make_member())
    form = {
        "current": "wrong guess!!",
        "password": "a brand new passphrase",
        "confirm": "a brand new passphrase",
    }
    page = client.post("/auth/password", data=form).get_data(as_text=True)
    assert "That is not your current password." in page


def test_next_parameter_never_redirects_off_site(client: FlaskClient, make_member) -> None:
    member = make_member()
    for target, expected in [
        ("/clinic/members", "/clinic/members"),
        ("https://evil.example.com/", "/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
    ]:
        response = client.post(
            f"/auth/login?next={target}", data={"email": member.user.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == expected
        client.post("/auth/logout")
