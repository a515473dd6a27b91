"""The personal calendar feed: a secret per-person URL, only one's own items, reset kills it."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Membership,
    Onboarding,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.operations import progress
from tests.conftest import Auth, counting_queries
from tests.web.onboarding_factory import TODAY, build_onboarding, task_of


@pytest.fixture
def people(make_clinic: Callable, make_member: Callable) -> dict[str, Membership]:
    """A hire with a plan and a recorded BLS card, and a second hire in another clinic."""
    harbour, prairie = make_clinic("Harbour Clinic"), make_clinic("Prairie Clinic")
    hire = make_member(AppRole.STAFF, clinic=harbour)
    other = make_member(AppRole.STAFF, clinic=prairie)
    onboarding = build_onboarding(hire, None)
    build_onboarding(other, None)
    card = progress.CredentialDetails("Heart and Stroke", "B-1", TODAY, TODAY + timedelta(400))
    progress.record_credential(onboarding, task_of(onboarding, "bls.certificate"), hire, card, None)
    progress.complete_task(onboarding, task_of(onboarding, "privacy.read_policy"), hire)
    db.session.commit()
    return {"hire": hire, "other": other}


def make_link(client: FlaskClient, auth: Auth, member: Membership) -> str:
    """Sign in, ask for a calendar link, read it off the page, sign out."""
    auth.login_as(member)
    page = client.post("/reminders/feed", follow_redirects=True).get_data(as_text=True)
    auth.logout()
    found = re.search(r"http://localhost(/calendar/\d+\.[\w-]+\.ics)", page)
    assert found, "no calendar link on the page"
    return found.group(1)


def events(body: bytes) -> dict[str, tuple]:
    """UID -> (start, end, summary) of each event in a feed."""
    parsed = Calendar.from_ical(body)
    return {
        str(e["uid"]): (e.decoded("dtstart"), e.decoded("dtend"), str(e["summary"]))
        for e in parsed.walk("VEVENT")
    }


def onboarding_of(member: Membership) -> Onboarding:
    return db.session.scalars(select(Onboarding).where(Onboarding.membership_id == member.id)).one()


def uid(onboarding: Onboarding, item_id: str, kind: str = "task") -> str:
    return f"{kind}-{task_of(onboarding, item_id).id}@localhost"


def test_the_feed_holds_the_persons_own_due_dates_and_card_expiry(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    hire = people["hire"]
    url = make_link(client, auth, hire)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    found = events(response.data)
    onboarding = onboarding_of(hire)
    # read_policy is done; the BLS item waits for sign-off, its card's expiry is there.
    assert set(found) == {
        uid(onboarding, "ipac.hand_hygiene"),
        uid(onboarding, "privacy.confidentiality"),
        uid(onboarding, "emr.billing"),
        uid(onboarding, "bls.certificate", "credential"),
    }
    assert found[uid(onboarding, "bls.certificate", "credential")] == (
        TODAY + timedelta(400),
        TODAY + timedelta(401),
        "Expires: Basic Life Support certificate",
    )
    assert found[uid(onboarding, "emr.billing")] == (
        TODAY + timedelta(5),
        TODAY + timedelta(6),
        "Due: Bill a visit in the EMR",
    )
    assert events(client.get(url).data) == found  # stable UIDs on a refetch


def test_nothing_of_another_person_appears(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    mine = events(client.get(make_link(client, auth, people["hire"])).data)
    theirs = events(client.get(make_link(client, auth, people["other"])).data)
    assert mine and theirs and not set(mine) & set(theirs)
    other_tasks = onboarding_of(people["other"]).tasks
    # Nothing of theirs is done yet: every item is a due date, none a card.
    assert set(theirs) == {f"task-{t.id}@localhost" for t in other_tasks}


def test_renewals_of_a_completed_onboarding_stay_in_the_calendar(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    hire = people["hire"]
    onboarding = onboarding_of(hire)
    original = task_of(onboarding, "privacy.confidentiality")
    onboarding.tasks.append(
        OnboardingTask(
            clinic_id=hire.clinic_id,
            item_id="privacy.confidentiality#renewal-1",
            position=99,
            title="Confidentiality agreement",
            guidance="",
            module="privacy",
            module_title="PRIVACY",
            kind="acknowledgement",
            phase=None,
            due_date=TODAY + timedelta(200),
            signoff="none",
            basis="guidance",
            references=[],
            validity_months=12,
            renewal_of_id=original.id,
        )
    )
    onboarding.status = OnboardingStatus.COMPLETED
    db.session.commit()
    found = events(client.get(make_link(client, auth, hire)).data)
    assert found[uid(onboarding, "privacy.confidentiality#renewal-1")][0] == TODAY + timedelta(200)


def test_a_new_link_retires_the_old_one(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    old = make_link(client, auth, people["hire"])
    new = make_link(client, auth, people["hire"])
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_wrong_secrets_answer_404_never_500(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    url = make_link(client, auth, people["hire"])
    user_id, secret = re.match(r"/calendar/(\d+)\.([\w-]+)\.ics", url).groups()
    other_id = people["other"].user_id
    for wrong in (
        f"/calendar/{user_id}.{secret[:-1]}.ics",
        f"/calendar/{user_id}.{secret}x.ics",
        f"/calendar/{other_id}.{secret}.ics",  # no feed yet for them
        f"/calendar/{user_id}.é{secret}.ics",
        f"/calendar/{user_id}.%00.ics",
        f"/calendar/{user_id}.ics",
        f"/calendar/{user_id}..ics",
        f"/calendar/.{secret}.ics",
        f"/calendar/999999.{secret}.ics",
        f"/calendar/99999999999999999999.{secret}.ics",  # beyond any integer column
        f"/calendar/%C2%B2.{secret}.ics",  # a digit, but not an ASCII one
        f"/calendar/{secret}.ics",
    ):
        assert client.get(wrong).status_code == 404, wrong


def test_a_deactivated_persons_feed_stops(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    url = make_link(client, auth, people["hire"])
    people["hire"].user.active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_settings_page_shows_the_link_to_its_owner_only(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    url = make_link(client, auth, people["hire"])
    auth.login_as(people["hire"])
    assert url in client.get("/reminders/").get_data(as_text=True)
    auth.logout()
    auth.login_as(people["other"])
    page = client.get("/reminders/").get_data(as_text=True)
    assert "/calendar/" not in page and "Make my calendar link" in page


def test_the_feed_takes_a_fixed_number_of_queries(
    client: FlaskClient, auth: Auth, people: dict[str, Membership]
) -> None:
    url = make_link(client, auth, people["hire"])
    with counting_queries() as few:
        client.get(url)
    onboarding = onboarding_of(people["hire"])
    for _ in range(30):
        progress.complete_task(onboarding, task_of(onboarding, "emr.billing"), people["hire"])
        progress.undo_task(onboarding, task_of(onboarding, "emr.billing"), people["hire"])
    db.session.commit()
    with counting_queries() as many:
        client.get(url)
    assert len(few) == len(many) > 0
