"""Every tenant query is scoped to the current clinic; roles are checked in one policy."""

import pytest
from flask.testing import FlaskClient

from clinic_onboard.models import AppRole
from tests.conftest import Auth


def test_another_clinics_member_is_a_404(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    mine = make_member(AppRole.MANAGER, clinic=make_clinic("Mine"))
    theirs = make_member(AppRole.STAFF, clinic=make_clinic("Theirs"))
    auth.login_as(mine)
    assert client.get(f"/clinic/members/{mine.id}").status_code == 200
    response = client.get(f"/clinic/members/{theirs.id}")
    assert response.status_code == 404
    assert theirs.user.email not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "status"), [(AppRole.MANAGER, 200), (AppRole.SUPERVISOR, 200), (AppRole.STAFF, 403)]
)
def test_member_list_by_role(client: FlaskClient, auth: Auth, make_member, role, status) -> None:
    auth.login_as(make_member(role))
    assert client.get("/clinic/members").status_code == status


def test_a_person_in_two_clinics_switches_explicitly(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    first = make_member(AppRole.MANAGER, clinic=make_clinic("Alder Clinic"))
    second = make_member(AppRole.STAFF, clinic=make_clinic("Birch Clinic"), email=first.user.email)
    auth.login_as(first)
    assert "<h1>Alder Clinic</h1>" in client.get("/clinic/").get_data(as_text=True)
    response = client.post(
        "/clinic/switch", data={"clinic_id": second.clinic_id}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "You are now working in Birch Clinic" in page
    assert "<h1>Birch Clinic</h1>" in page
    # Staff in Birch: the manager page of Alder's people is no longer reachable.
    assert client.get("/clinic/members").status_code == 403


def test_switching_to_a_clinic_you_do_not_belong_to_is_a_404(
    client: FlaskClient, auth: Auth, make_member, make_clinic
) -> None:
    member = make_member(AppRole.MANAGER)
    stranger = make_clinic("Not Yours")
    auth.login_as(member)
    assert client.post("/clinic/switch", data={"clinic_id": stranger.id}).status_code == 404
    assert "Not Yours" not in client.get("/clinic/").get_data(as_text=True)
