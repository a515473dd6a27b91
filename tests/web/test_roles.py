"""Role configuration by the clinic's managers: add, rename, switch items off and on, the
clinic's own items, and the preview of what a hire gets, each change in the audit log."""

import re
from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    ClinicRole,
    Membership,
    RoleCustomItem,
    SwitchedOffItem,
)
from clinic_onboard.operations import roles as ops
from tests.conftest import Auth, counting_queries

# Ontario (the fixtures' default province) gets Ontario's hand hygiene item, not the generic one.
ON_ITEM = "ipac.hand_hygiene_on"
ON_ITEM_TITLE = "Clean your hands at Ontario&#39;s four moments"
NOT_HERE_ITEM = "ipac.hand_hygiene"
START = "2026-12-01"  # a Tuesday: day 1 is the start date itself
CUSTOM = {
    "title": "Tour of the lab fridge",
    "guidance": "Walk through the lab fridge log with the lead MA.",
    "kind": "competency",
    "phase": "day_1",
    "signoff": "supervisor",
}


@pytest.fixture
def manager(auth: Auth, make_member) -> Membership:
    member = make_member(AppRole.MANAGER)
    auth.login_as(member)
    return member


@pytest.fixture
def make_role(manager: Membership) -> Callable[..., ClinicRole]:
    """``make_role(name=..., template=...)``: a role of the signed-in manager's clinic."""

    def make(name: str = "Medical assistant", template: str = "medical_assistant") -> ClinicRole:
        role = ops.add_role(manager.clinic, manager.user, template, name)
        db.session.commit()
        return role

    return make


def _off(item_id: str, reason: str) -> dict[str, str]:
    """The switch-off form's data: each item's form has its own field prefix."""
    return {f"off-{item_id.replace('.', '-')}-reason": reason}


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _section(page: str, heading_id: str) -> str:
    """The HTML of the ``<section>`` labelled by ``heading_id``, up to the next h2."""
    start = page.index(f'id="{heading_id}"')
    following = page.find("<h2", start)
    return page[start : following if following != -1 else len(page)]


def test_index_lists_roles_with_counts(client: FlaskClient, make_role) -> None:
    role = make_role()
    ops.switch_off(role, None, ON_ITEM, "Our RN does this")
    ops.add_custom_item(role, None, ops.CustomItemDetails(**CUSTOM))
    db.session.commit()
    page = client.get("/roles/").get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S).group(0)
    assert "Medical assistant" in row
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1"]
    assert 'aria-current="page"' in page and ">Roles</a>" in page


def test_add_a_role_from_a_template(client: FlaskClient, manager: Membership) -> None:
    data = {"template": "medical_office_assistant", "name": "  Front   desk  "}
    response = client.post("/roles/", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    role = db.session.scalars(select(ClinicRole)).one()
    assert (role.name, role.template, role.clinic_id) == (
        "Front desk",
        "medical_office_assistant",
        manager.clinic_id,
    )
    assert response.request.path == f"/roles/{role.id}"
    assert "Added the role “Front desk”" in page
    [event_] = _events("role.add")
    assert event_.actor_id == manager.user_id and event_.clinic_id == manager.clinic_id
    assert event_.before is None
    assert event_.after == {"role_id": role.id, "name": "Front desk", "template": role.template}


def test_a_blank_name_takes_the_templates_name(client: FlaskClient, manager: Membership) -> None:
    client.post("/roles/", data={"template": "clinic_assistant", "name": ""})
    assert db.session.scalars(select(ClinicRole.name)).one() == "Clinic assistant"


def test_add_role_errors_keep_what_was_typed(client: FlaskClient, make_role) -> None:
    make_role("Medical assistant")
    unknown = client.post("/roles/", data={"template": "nurse", "name": "Our nurse"})
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 200
    assert "“nurse” is not a role template in the content library." in page
    assert 'value="Our nurse"' in page
    duplicate = client.post(
        "/roles/", data={"template": "medical_assistant", "name": "MEDICAL assistant"}
    )
    page = duplicate.get_data(as_text=True)
    assert "This clinic already has a role called “MEDICAL assistant”" in page
    assert '<option selected value="medical_assistant">' in page
    missing = client.post("/roles/", data={"name": "No template"}).get_data(as_text=True)
    assert "Choose a template." in missing
    assert len(db.session.scalars(select(ClinicRole)).all()) == 1
    assert len(_events("role.add")) == 1  # the set-up role only


def test_the_same_name_may_be_used_in_another_clinic(
    client: FlaskClient, manager: Membership, make_clinic
) -> None:
    other = make_clinic("Elsewhere")
    ops.add_role(other, None, "medical_assistant", "Medical assistant")
    db.session.commit()
    client.post("/roles/", data={"template": "medical_assistant", "name": "Medical assistant"})
    assert len(db.session.scalars(select(ClinicRole)).all()) == 2


def test_rename(client: FlaskClient, make_role, manager: Membership) -> None:
    role = make_role()
    response = client.post(
        f"/roles/{role.id}/name", data={"name": "Lead MA"}, follow_redirects=True
    )
    assert "The role is now called “Lead MA”" in response.get_data(as_text=True)
    assert db.session.get(ClinicRole, role.id).name == "Lead MA"
    [event_] = _events("role.rename")
    assert event_.before == {"role_id": role.id, "name": "Medical assistant"}
    assert event_.after == {"role_id": role.id, "name": "Lead MA"}
    assert event_.actor_id == manager.user_id


def test_rename_errors_keep_what_was_typed(client: FlaskClient, make_role) -> None:
    make_role("Front desk", "medical_office_assistant")
    role = make_role()
    page = client.post(f"/roles/{role.id}/name", data={"name": "front desk"}).get_data(as_text=True)
    assert "This clinic already has a role called “front desk”" in page
    assert 'value="front desk"' in page
    blank = client.post(f"/roles/{role.id}/name", data={"name": "  "}).get_data(as_text=True)
    assert "Give the role a name." in blank
    assert db.session.get(ClinicRole, role.id).name == "Medical assistant"
    assert _events("role.rename") == []


def test_renaming_to_the_same_name_records_nothing(client: FlaskClient, make_role) -> None:
    role = make_role()
    client.post(f"/roles/{role.id}/name", data={"name": "Medical assistant"})
    assert _events("role.rename") == []


def test_switch_an_item_off_and_back_on(
    client: FlaskClient, make_role, manager: Membership
) -> None:
    role = make_role()
    preview = client.get(f"/roles/{role.id}/preview?start={START}").get_data(as_text=True)
    assert ON_ITEM_TITLE in _section(preview, "plan-heading")

    reason = "Clinic policy: our RN teaches hand hygiene"
    response = client.post(
        f"/roles/{role.id}/items/{ON_ITEM}/switch-off", data=_off(ON_ITEM, reason)
    )
    assert response.status_code == 302
    entry = db.session.scalars(select(SwitchedOffItem)).one()
    assert (entry.role_id, entry.item_id, entry.reason) == (role.id, ON_ITEM, reason)

    preview = client.get(f"/roles/{role.id}/preview?start={START}").get_data(as_text=True)
    assert ON_ITEM_TITLE not in _section(preview, "plan-heading")
    switched = _section(preview, "off-heading")
    assert ON_ITEM_TITLE in switched and reason in switched
    role_page = client.get(f"/roles/{role.id}").get_data(as_text=True)
    assert reason in _section(role_page, "off-heading")

    [off] = _events("role.switch_off")
    assert off.before == {"role_id": role.id, "item_id": ON_ITEM, "switched_off": False}
    assert off.after == {
        "role_id": role.id,
        "item_id": ON_ITEM,
        "switched_off": True,
        "reason": reason,
    }
    assert off.actor_id == manager.user_id

    client.post(f"/roles/{role.id}/switched-off/{entry.id}/switch-on")
    assert db.session.scalars(select(SwitchedOffItem)).all() == []
    preview = client.get(f"/roles/{role.id}/preview?start={START}").get_data(as_text=True)
    assert ON_ITEM_TITLE in _section(preview, "plan-heading")
    [on] = _events("role.switch_on")
    assert on.before == off.after
    assert on.after == off.before


def test_a_duty_can_be_switched_off_too(client: FlaskClient, make_role) -> None:
    role = make_role()
    client.post(
        f"/roles/{role.id}/items/ipac.duty.hand_hygiene/switch-off",
        data=_off("ipac.duty.hand_hygiene", "Covered by our own IPAC binder"),
    )
    preview = client.get(f"/roles/{role.id}/preview").get_data(as_text=True)
    assert "Clean your hands at each moment of care" not in _section(preview, "duties-heading")
    assert "Covered by our own IPAC binder" in _section(preview, "off-heading")


def test_switch_off_needs_a_reason(client: FlaskClient, make_role) -> None:
    role = make_role()
    response = client.post(
        f"/roles/{role.id}/items/{ON_ITEM}/switch-off", data=_off(ON_ITEM, "   ")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give a reason, such as a clinic policy or work outside this role here." in page
    assert 'class="error-summary"' in page
    # The failing item's disclosure is open, so its error is visible where it happened.
    assert re.search(r'<details class="roles-switch-off" open>\s*<summary>Switch off', page)
    assert db.session.scalars(select(SwitchedOffItem)).all() == []
    assert _events("role.switch_off") == []


@pytest.mark.parametrize("item_id", [NOT_HERE_ITEM, "no.such_item", "custom.1"])
def test_only_items_that_apply_here_can_be_switched_off(
    client: FlaskClient, make_role, item_id: str
) -> None:
    role = make_role()
    response = client.post(
        f"/roles/{role.id}/items/{item_id}/switch-off", data=_off(item_id, "Not here")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"“{item_id}” is not a library item that applies to this role at this clinic." in page
    assert db.session.scalars(select(SwitchedOffItem)).all() == []


def test_switching_off_twice_is_refused(client: FlaskClient, make_role) -> None:
    role = make_role()
    ops.switch_off(role, None, ON_ITEM, "First reason")
    db.session.commit()
    with pytest.raises(ops.Rejected, match="already switched off"):
        ops.switch_off(role, None, ON_ITEM, "Second reason")


def test_add_and_remove_a_custom_item(client: FlaskClient, make_role, manager: Membership) -> None:
    role = make_role()
    response = client.post(f"/roles/{role.id}/custom-items", data=CUSTOM, follow_redirects=True)
    assert "Added “Tour of the lab fridge” to the role." in response.get_data(as_text=True)
    item = db.session.scalars(select(RoleCustomItem)).one()
    assert (item.role_id, item.kind, item.phase, item.signoff) == (
        role.id,
        "competency",
        "day_1",
        "supervisor",
    )

    preview = client.get(f"/roles/{role.id}/preview?start={START}").get_data(as_text=True)
    # week 1's tasks are spread over the week, so day 1's heading names both phases
    day_1 = preview.index("First day · First week: due Tuesday 1 December 2026")
    week_1 = preview.index("First week: due Wednesday 2 December 2026")
    card = preview[day_1:week_1]
    assert "Tour of the lab fridge" in card
    assert "A supervisor signs off" in card[card.index("Tour of the lab fridge") :]
    assert "Module: Clinic-specific items" in card

    [added] = _events("role.add_custom_item")
    assert added.before is None
    assert added.after == {
        "role_id": role.id,
        "item_id": f"custom.{item.id}",
        **CUSTOM,
    }
    assert added.actor_id == manager.user_id

    response = client.post(f"/roles/{role.id}/custom-items/{item.id}/remove", follow_redirects=True)
    assert "Removed “Tour of the lab fridge” from the role." in response.get_data(as_text=True)
    assert db.session.scalars(select(RoleCustomItem)).all() == []
    preview = client.get(f"/roles/{role.id}/preview?start={START}").get_data(as_text=True)
    assert "Tour of the lab fridge" not in preview
    [removed] = _events("role.remove_custom_item")
    assert removed.before == added.after and removed.after is None


def test_custom_item_errors_keep_what_was_typed(client: FlaskClient, make_role) -> None:
    role = make_role()
    bad = {**CUSTOM, "title": "", "kind": "credential", "phase": "week_1"}
    response = client.post(f"/roles/{role.id}/custom-items", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give the item a title." in page
    assert "Not a valid choice." in page  # no credentials among custom items
    assert "Walk through the lab fridge log with the lead MA." in page
    assert '<option selected value="week_1">' in page
    assert db.session.scalars(select(RoleCustomItem)).all() == []


def test_a_role_holds_at_most_custom_items_max_of_the_clinics_items(
    client: FlaskClient, make_role
) -> None:
    """Issue 22, finding 8: 2,000 custom items were accepted."""
    role = make_role()
    fields = {**CUSTOM, "references": []}
    role.custom_items.extend(
        RoleCustomItem(clinic_id=role.clinic_id, **{**fields, "title": f"Item {n}"})
        for n in range(ops.CUSTOM_ITEMS_MAX)
    )
    db.session.commit()
    response = client.post(f"/roles/{role.id}/custom-items", data=CUSTOM)
    assert response.status_code == 200
    assert "This role already has 200 items of your own" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(RoleCustomItem)).all()) == ops.CUSTOM_ITEMS_MAX
    ops.remove_custom_item(role.custom_items[0], None)
    db.session.commit()
    response = client.post(f"/roles/{role.id}/custom-items", data=CUSTOM, follow_redirects=True)
    assert "Added “Tour of the lab fridge” to the role." in response.get_data(as_text=True)


def test_the_operation_refuses_a_custom_credential(make_role) -> None:
    role = make_role()
    details = ops.CustomItemDetails(**{**CUSTOM, "kind": "credential"})
    with pytest.raises(ops.Rejected) as refusal:
        ops.add_custom_item(role, None, details)
    assert refusal.value.field == "kind"
    assert "credentials come from the library" in str(refusal.value)


def test_preview_defaults_to_today(client: FlaskClient, make_role) -> None:
    role = make_role()
    page = client.get(f"/roles/{role.id}/preview").get_data(as_text=True)
    today = date.today()
    assert f"{today:%A} {today.day} {today:%B %Y}" in page
    assert "Start of day" in page and "With every patient" in page


@pytest.mark.parametrize("start", ["2026-13-45", "yesterday", "0001-01-01", "9999-12-31"])
def test_preview_with_a_bad_date_says_so_and_uses_today(
    client: FlaskClient, make_role, start: str
) -> None:
    role = make_role()
    response = client.get(f"/roles/{role.id}/preview?start={start}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "That start date could not be used, so this is the plan for a hire starting today." in page
    )
    today = date.today()
    assert f"{today:%A} {today.day} {today:%B %Y}" in page


def test_preview_groups_duties_and_tasks_with_plain_headings(
    client: FlaskClient, make_role
) -> None:
    role = make_role()
    page = client.get(f"/roles/{role.id}/preview?start={START}").get_data(as_text=True)
    headings = re.findall(r"<h3 id=\"[^\"]+\">\s*(.*?)\s*</h3>", page, re.S)
    assert headings[:3] == ["Start of day", "With every patient", "End of day"]
    assert "Before the first day: due Monday 30 November 2026" in headings
    assert "First day · First week: due Tuesday 1 December 2026" in headings  # spread week
    assert "References:" in page and "Module: Infection prevention and control" in page


def test_role_page_groups_library_items_by_module(client: FlaskClient, make_role) -> None:
    role = make_role()
    page = client.get(f"/roles/{role.id}").get_data(as_text=True)
    library = _section(page, "library-heading")
    modules = re.findall(r'<h3 id="module-\d+">(.*?)</h3>', library)
    assert modules[0] == "Infection prevention and control"
    assert "Switch off “Clean your hands at Ontario&#39;s four moments”" in library
    assert "Clean your hands at the key moments of care" not in library  # not in Ontario


@pytest.mark.parametrize("role", [AppRole.STAFF, AppRole.SUPERVISOR])
def test_only_managers_reach_the_roles_pages(
    client: FlaskClient, auth: Auth, make_member, role: AppRole
) -> None:
    member = make_member(role)
    theirs = ops.add_role(member.clinic, None, "medical_assistant", "Medical assistant")
    ops.switch_off(theirs, None, ON_ITEM, "Policy")
    item = ops.add_custom_item(theirs, None, ops.CustomItemDetails(**CUSTOM))
    db.session.commit()
    entry = db.session.scalars(select(SwitchedOffItem)).one()
    auth.login_as(member)
    base = f"/roles/{theirs.id}"
    for path in ["/roles/", base, f"{base}/preview"]:
        assert client.get(path).status_code == 403, path
    posts = [
        ("/roles/", {"template": "clinic_assistant"}),
        (f"{base}/name", {"name": "Renamed"}),
        (f"{base}/items/{ON_ITEM}/switch-off", _off(ON_ITEM, "x")),
        (f"{base}/switched-off/{entry.id}/switch-on", {}),
        (f"{base}/custom-items", CUSTOM),
        (f"{base}/custom-items/{item.id}/remove", {}),
    ]
    for path, data in posts:
        assert client.post(path, data=data).status_code == 403, path
    assert len(db.session.scalars(select(AuditEvent)).all()) == 3  # only the set-up above


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/roles/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_another_clinics_role_and_items_are_404(
    client: FlaskClient, make_role, make_clinic
) -> None:
    mine = make_role()
    other = make_clinic("Theirs")
    theirs = ops.add_role(other, None, "medical_assistant", "Their MA")
    their_off = ops.switch_off(theirs, None, ON_ITEM, "Their reason")
    their_item = ops.add_custom_item(theirs, None, ops.CustomItemDetails(**CUSTOM))
    db.session.commit()
    base = f"/roles/{theirs.id}"
    for path in [base, f"{base}/preview"]:
        response = client.get(path)
        assert response.status_code == 404 and "Their MA" not in response.get_data(as_text=True)
    for path, data in [
        (f"{base}/name", {"name": "Hijacked"}),
        (f"{base}/items/{ON_ITEM}/switch-off", _off(ON_ITEM, "x")),
        (f"{base}/switched-off/{their_off.id}/switch-on", {}),
        (f"{base}/custom-items", CUSTOM),
        (f"{base}/custom-items/{their_item.id}/remove", {}),
        # Their entries through my own role's address are 404 as well.
        (f"/roles/{mine.id}/switched-off/{their_off.id}/switch-on", {}),
        (f"/roles/{mine.id}/custom-items/{their_item.id}/remove", {}),
    ]:
        assert client.post(path, data=data).status_code == 404, path
    assert db.session.get(ClinicRole, theirs.id).name == "Their MA"
    assert len(db.session.scalars(select(SwitchedOffItem)).all()) == 1
    assert len(db.session.scalars(select(RoleCustomItem)).all()) == 1


def test_another_roles_items_in_the_same_clinic_are_404(client: FlaskClient, make_role) -> None:
    first = make_role("First")
    second = make_role("Second")
    item = ops.add_custom_item(second, None, ops.CustomItemDetails(**CUSTOM))
    entry = ops.switch_off(second, None, ON_ITEM, "Policy")
    db.session.commit()
    assert client.post(f"/roles/{first.id}/custom-items/{item.id}/remove").status_code == 404
    assert client.post(f"/roles/{first.id}/switched-off/{entry.id}/switch-on").status_code == 404


def _count_queries(run: Callable[[], object]) -> int:
    with counting_queries() as statements:
        run()
    return len(statements)


def test_query_counts_do_not_grow_with_the_number_of_roles_or_items(
    client: FlaskClient, make_role
) -> None:
    role = make_role()
    few = (
        _count_queries(lambda: client.get("/roles/")),
        _count_queries(lambda: client.get(f"/roles/{role.id}")),
    )
    for number in range(5):
        other = make_role(f"Role {number}")
        ops.switch_off(other, None, ON_ITEM, "Policy")
        ops.add_custom_item(role, None, ops.CustomItemDetails(**{**CUSTOM, "title": f"T{number}"}))
    ops.switch_off(role, None, ON_ITEM, "Policy")
    db.session.commit()
    many = (
        _count_queries(lambda: client.get("/roles/")),
        _count_queries(lambda: client.get(f"/roles/{role.id}")),
    )
    assert many == few


def test_every_form_carries_a_csrf_token(app, client: FlaskClient, make_role) -> None:
    role = make_role()
    app.config["WTF_CSRF_ENABLED"] = True
    path = f"/roles/{role.id}/items/{ON_ITEM}/switch-off"
    assert client.post(path, data=_off(ON_ITEM, "Policy")).status_code == 400
    page = client.get(f"/roles/{role.id}").get_data(as_text=True)
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    assert len(forms) > 100
    assert all("csrf_token" in form for form in forms)
    prefix = f"off-{ON_ITEM.replace('.', '-')}"
    token = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {**_off(ON_ITEM, "Policy"), f"{prefix}-csrf_token": token}
    assert client.post(path, data=data).status_code == 302
    assert db.session.scalars(select(SwitchedOffItem.item_id)).all() == [ON_ITEM]


def test_a_french_role_page_says_when_items_are_due_in_french(
    client: FlaskClient, make_role, manager: Membership
) -> None:
    """Library items due a number of days after the start read « Dans un délai de … »."""
    manager.clinic.language = "fr"
    db.session.commit()
    role = make_role(name="", template="lead_medical_assistant")  # Ontario's supervisor training
    page = client.get(f"/roles/{role.id}").get_data(as_text=True)
    assert "Within " not in page
    assert "Dans un délai de 7 jours" in page
