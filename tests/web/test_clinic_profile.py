"""Editing the clinic profile: preview what changes per role, apply only when confirmed."""

from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, ClinicRole
from tests.conftest import Auth

ONTARIO = {
    "clinic_name": "Lakeside Clinic",
    "province": "ON",
    "setting": "family_medicine",
    "emr": "accuro",
}


def _manager_with_role(make_member, make_clinic):
    clinic = make_clinic("Lakeside Clinic", options=())
    role = ClinicRole(clinic_id=clinic.id, template="medical_assistant", name="Medical assistant")
    db.session.add(role)
    db.session.commit()
    return make_member(AppRole.MANAGER, clinic=clinic), role


def test_the_form_is_filled_with_the_current_profile(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager, _ = _manager_with_role(make_member, make_clinic)
    auth.login_as(manager)
    page = client.get("/clinic/profile").get_data(as_text=True)
    assert 'value="Lakeside Clinic"' in page
    assert '<option selected value="ON">Ontario</option>' in page


def test_preview_lists_added_and_removed_items_and_saves_nothing(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager, _ = _manager_with_role(make_member, make_clinic)
    auth.login_as(manager)
    moved = {**ONTARIO, "province": "AB", "options": ["specimen_collection"]}
    page = client.post("/clinic/profile", data=moved).get_data(as_text=True)
    assert "Check the changes before applying them" in page
    assert "Items added" in page and "Items removed" in page
    assert "Submit AHCIP claims through H-Link" in page  # Alberta billing arrives with the move
    db.session.expire_all()
    assert manager.clinic.province == "ON"
    assert 'name="confirmed" value="yes"' in page
    assert 'name="options" value="specimen_collection"' in page


def test_confirming_applies_and_audits(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager, _ = _manager_with_role(make_member, make_clinic)
    auth.login_as(manager)
    moved = {**ONTARIO, "province": "AB", "confirmed": "yes"}
    response = client.post("/clinic/profile", data=moved, follow_redirects=True)
    assert "The clinic profile is updated." in response.get_data(as_text=True)
    db.session.expire_all()
    assert manager.clinic.province == "AB"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "clinic.update_profile")
    ).one()
    assert event.before["province"] == "ON" and event.after["province"] == "AB"
    assert event.actor_id == manager.user_id
    audit_page = client.get("/clinic/audit").get_data(as_text=True)
    assert "Clinic profile changed" in audit_page and manager.user.display_name in audit_page
    assert "<dt>Province or territory</dt><dd>Alberta</dd>" in audit_page


def test_bad_input_re_renders_with_the_values(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    manager, _ = _manager_with_role(make_member, make_clinic)
    auth.login_as(manager)
    page = client.post(
        "/clinic/profile", data={**ONTARIO, "province": "ZZ", "clinic_name": "New name"}
    ).get_data(as_text=True)
    assert "Not a valid choice" in page
    assert 'value="New name"' in page
    db.session.expire_all()
    assert manager.clinic.name == "Lakeside Clinic"


def test_no_change_says_so(client: FlaskClient, auth: Auth, make_member, make_clinic) -> None:
    manager, _ = _manager_with_role(make_member, make_clinic)
    auth.login_as(manager)
    response = client.post("/clinic/profile", data=ONTARIO, follow_redirects=True)
    assert "Nothing changed." in response.get_data(as_text=True)


def test_only_managers_edit_the_profile_or_read_the_audit_log(
    client: FlaskClient, auth: Auth, make_member
) -> None:
    auth.login_as(make_member(AppRole.SUPERVISOR))
    assert client.get("/clinic/profile").status_code == 403
    assert client.post("/clinic/profile", data=ONTARIO).status_code == 403
    assert client.get("/clinic/audit").status_code == 403


def test_sign_up_is_audited(client: FlaskClient) -> None:
    from tests.web.test_auth import SIGNUP

    client.post("/auth/signup", data=SIGNUP)
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "clinic.create" and event.after["province"] == "QC"


def test_an_item_each_province_words_its_own_way_is_listed_once(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    """Ontario and Nova Scotia each have a PPE-order item under the same title: replaced."""
    manager, _ = _manager_with_role(make_member, make_clinic)
    auth.login_as(manager)
    page = client.post("/clinic/profile", data={**ONTARIO, "province": "NS"}).get_data(as_text=True)
    title = "Put on and take off protective equipment in the right order"
    assert page.count(title) == 1
    assert "Items replaced by the new province" in page


def test_the_replaced_item_is_listed_once_in_french_too(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    """The same change read by a French clinic: one line, under the French heading."""
    manager, _ = _manager_with_role(make_member, make_clinic)
    manager.clinic.language = "fr"
    db.session.commit()
    auth.login_as(manager)
    data = {**ONTARIO, "province": "NS", "language": "fr"}
    page = client.post("/clinic/profile", data=data).get_data(as_text=True)
    assert page.count("Mettre et retirer l\u2019équipement de protection dans le bon ordre") == 1
    assert "Éléments remplacés par la version de la nouvelle province" in page
    assert "Put on and take off" not in page


def test_a_nunavut_clinic_says_it_is_privately_run(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    """The profile offers the private-clinic choice, which gives PIPEDA in Nunavut (issue 23)."""
    manager, _ = _manager_with_role(make_member, make_clinic)
    auth.login_as(manager)
    page = client.get("/clinic/profile").get_data(as_text=True)
    assert 'value="private_clinic"' in page and "Privately run clinic (Nunavut)" in page
    nunavut = {**ONTARIO, "province": "NU", "options": ["private_clinic"], "confirmed": "yes"}
    client.post("/clinic/profile", data=nunavut, follow_redirects=True)
    db.session.expire_all()
    assert (manager.clinic.province, manager.clinic.options) == ("NU", ["private_clinic"])
