"""``clinic-onboard send-reminders`` against a real SMTP server on 127.0.0.1 (aiosmtpd), the
reminder settings page and the manager's log of sent reminders."""

import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Membership,
    Onboarding,
    ReminderSettings,
    SentReminder,
    User,
)
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import progress, reminders
from clinic_onboard.queries.reminders import batch_snapshot, people_batches
from clinic_onboard.reminders import Frequency
from tests.conftest import Auth, counting_queries
from tests.web.onboarding_factory import TODAY, build_onboarding, task_of

BASE_URL = "https://onboard.example.ca"


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what arrives and refuses the addresses in ``refuse``."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(  # aiosmtpd calls its hooks by these names
        self, server: Any, session: Any, envelope: Any, address: str, options: list
    ) -> str:
        if address in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, membership: Membership) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == membership.user.email]


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox(port)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], inbox: Inbox) -> dict[str, Any]:
    return {
        **app_config,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": inbox.port,
        "MAIL_USE_TLS": False,
        "MAIL_SENDER": "reminders@onboard.example.ca",
        "PUBLIC_BASE_URL": BASE_URL,
    }


@dataclass
class Team:
    name: str
    manager: Membership
    supervisor: Membership
    hire: Membership
    onboarding: Onboarding


@pytest.fixture
def make_team(make_clinic: Callable, make_member: Callable) -> Callable[[str], Team]:
    """A clinic whose hire has one item overdue, two due within a week, and two waiting for the
    supervisor's sign-off: a competency and a BLS card that expires in 25 days."""

    def make(name: str) -> Team:
        clinic = make_clinic(name)
        manager = make_member(AppRole.MANAGER, clinic=clinic)
        supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
        hire = make_member(AppRole.STAFF, clinic=clinic)
        onboarding = build_onboarding(hire, supervisor.user_id)
        progress.complete_task(onboarding, task_of(onboarding, "ipac.hand_hygiene"), hire)
        card = progress.CredentialDetails("Heart and Stroke", "B-1", TODAY, TODAY + timedelta(25))
        bls = task_of(onboarding, "bls.certificate")
        progress.record_credential(onboarding, bls, hire, card, None)
        db.session.commit()
        return Team(name, manager, supervisor, hire, onboarding)

    return make


def send(app: Flask, *args: str, today: date = TODAY) -> Result:
    return app.test_cli_runner().invoke(
        cli, ["send-reminders", "--today", today.isoformat(), *args]
    )


def parts(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None, "a digest has a text and an HTML part"
    return plain.get_content(), html.get_content()


def logged(**where: Any) -> int:
    query = select(func.count()).select_from(SentReminder).filter_by(**where)
    return db.session.scalar(query) or 0


def test_each_person_gets_one_digest_of_their_own_items(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    harbour, prairie = make_team("Harbour Clinic"), make_team("Prairie Clinic")
    result = send(app)
    assert result.exit_code == 0, result.output
    assert "Sent 6 digests" in result.output

    [hire] = inbox.to(harbour.hire)
    text, html = parts(hire)
    assert hire["Subject"] == "Reminders: 1 overdue, 2 due soon, 1 credential"
    for title in (
        "Read the clinic privacy policy",
        "Confidentiality agreement",
        "Bill a visit in the EMR",
        "Basic Life Support certificate",
    ):
        assert title in text and title in html
    assert "Hand hygiene" not in text  # done: it waits for the supervisor now
    assert f"{BASE_URL}/my/" in text and f'href="{BASE_URL}/my/"' in html
    assert f"{BASE_URL}/reminders/" in text

    [supervisor] = inbox.to(harbour.supervisor)
    text, html = parts(supervisor)
    hygiene = task_of(harbour.onboarding, "ipac.hand_hygiene")
    assert supervisor["Subject"] == "Reminders: 2 to sign off"
    assert harbour.hire.user.display_name in text and "Hand hygiene" in text
    assert f'href="{BASE_URL}/signoffs/tasks/{hygiene.id}"' in html

    [manager] = inbox.to(harbour.manager)
    text, _ = parts(manager)
    assert manager["Subject"] == "Reminders: 1 staff overdue, 1 staff credential"
    assert f"{BASE_URL}/staff/{harbour.onboarding.id}" in text
    assert "expires " in text and "in 25 days" in text

    for message in (*inbox.to(harbour.hire), *inbox.to(harbour.supervisor), manager):
        body = "".join(parts(message))
        assert prairie.name not in body and prairie.hire.user.display_name not in body
        assert harbour.name in body
    assert len(inbox.to(prairie.manager)) == 1


def test_a_second_run_the_same_day_sends_nothing(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    make_team("Harbour Clinic")
    assert send(app).exit_code == 0
    first, rows = len(inbox.messages), logged()
    assert first == 3 and rows == 8
    again = send(app)
    assert again.exit_code == 0, again.output
    assert "Sent 0 digests" in again.output
    assert len(inbox.messages) == first and logged() == rows


def test_the_next_day_brings_only_what_changed(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    team = make_team("Harbour Clinic")
    send(app)
    inbox.messages.clear()
    # Two days on, the items due tomorrow have become overdue; nothing else changed.
    result = send(app, today=TODAY + timedelta(days=2))
    assert result.exit_code == 0, result.output
    [hire] = inbox.to(team.hire)
    text, _ = parts(hire)
    assert hire["Subject"] == "Reminders: 1 overdue"
    assert "Confidentiality agreement" in text and "Read the clinic privacy policy" not in text
    assert inbox.to(team.supervisor) == []


def test_opted_out_people_get_nothing_and_weekly_waits_seven_days(
    app: Flask, client: FlaskClient, auth: Auth, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    team = make_team("Harbour Clinic")
    auth.login_as(team.hire)
    client.post("/reminders/", data={"frequency": "off"})
    auth.logout()
    db.session.add(ReminderSettings(user_id=team.manager.user_id, frequency=Frequency.WEEKLY))
    db.session.commit()

    result = send(app)
    assert "not sent: 1 with digests off, 0 waiting" in result.output
    assert inbox.to(team.hire) == [] and logged(user_id=team.hire.user_id) == 0
    assert len(inbox.to(team.manager)) == 1

    # Two days on, an item is newly overdue: the weekly manager hears of it a week after.
    assert "1 with digests off, 1 waiting" in send(app, today=TODAY + timedelta(days=2)).output
    assert len(inbox.to(team.manager)) == 1
    send(app, today=TODAY + timedelta(days=7))
    [_, weekly] = inbox.to(team.manager)
    text = parts(weekly)[0]  # one line for the hire: how many items, since when, a link
    assert team.hire.user.display_name in text and "items overdue; the oldest was due" in text
    assert "Confidentiality agreement" not in text
    assert inbox.to(team.hire) == []


def test_without_smtp_the_command_refuses_and_records_nothing(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    make_team("Harbour Clinic")
    app.config["MAIL_SERVER"] = None
    result = send(app)
    assert result.exit_code == 1
    assert "MAIL_SERVER is not set" in result.output
    assert inbox.messages == [] and logged() == 0


@pytest.mark.parametrize(
    ("base", "message"), [(None, "Set PUBLIC_BASE_URL"), ("onboard.example.ca", "not an http")]
)
def test_links_need_a_base_url(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team], base: str | None, message: str
) -> None:
    make_team("Harbour Clinic")
    app.config["PUBLIC_BASE_URL"] = base
    result = send(app)
    assert result.exit_code == 1 and message in result.output
    assert inbox.messages == [] and logged() == 0


def test_an_explicit_base_url_wins(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    team = make_team("Harbour Clinic")
    assert send(app, "--base-url", "https://clinic.example.org/onboard/").exit_code == 0
    text, _ = parts(inbox.to(team.hire)[0])
    assert "https://clinic.example.org/onboard/my/" in text


def test_a_dry_run_shows_the_plan_and_sends_nothing(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    team = make_team("Harbour Clinic")
    app.config["MAIL_SERVER"] = None  # not needed to preview
    result = send(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"To {team.hire.user.display_name} <{team.hire.user.email}>" in result.output
    assert "3 digests (8 items) would be sent" in result.output
    assert inbox.messages == [] and logged() == 0


def test_a_bad_date_is_a_usage_error(app: Flask, inbox: Inbox) -> None:
    result = app.test_cli_runner().invoke(cli, ["send-reminders", "--today", "2026-13-45"])
    assert result.exit_code == 2 and "--today" in result.output


def test_a_refused_recipient_does_not_stop_the_others_and_is_retried(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    team = make_team("Harbour Clinic")
    inbox.refuse.add(team.supervisor.user.email)
    result = send(app)
    assert result.exit_code == 1
    assert f"Failed: {team.supervisor.user.email}" in result.output
    assert "1 of 3 digests could not be sent" in result.output
    assert len(inbox.to(team.hire)) == 1 and len(inbox.to(team.manager)) == 1
    assert logged(user_id=team.supervisor.user_id) == 0  # its claims were released

    inbox.refuse.clear()
    retry = send(app)
    assert retry.exit_code == 0 and "Sent 1 digests (2 items)" in retry.output
    assert len(inbox.to(team.supervisor)) == 1 and len(inbox.messages) == 3


def test_a_run_that_crashes_half_way_keeps_what_went_out(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_team("Harbour Clinic")
    real, calls = reminders.send_digest, []

    def first_then_crash(*args: Any) -> None:
        calls.append(args)
        if len(calls) > 1:
            raise RuntimeError("the process was stopped")
        real(*args)

    monkeypatch.setattr(reminders, "send_digest", first_then_crash)
    result = send(app)
    assert isinstance(result.exception, RuntimeError)
    [message] = inbox.messages
    db.session.expire_all()
    [person] = {row.user_id for row in db.session.scalars(select(SentReminder)) if row.sent_at}
    assert message["To"] == db.session.get(User, person).email  # stamped: never sent again
    assert logged(sent_at=None) == logged() - logged(user_id=person)  # the rest stay claimed


def test_a_concurrent_run_cannot_claim_the_same_items(
    app: Flask, make_team: Callable[[str], Team]
) -> None:
    make_team("Harbour Clinic")
    plan = next(reminders.plan_runs(TODAY))
    mine = reminders.claim(plan, TODAY, utcnow())
    theirs = reminders.claim(plan, TODAY, utcnow())  # same plan, as an overlapping run makes
    assert len(mine) == 3 and theirs == []
    assert logged() == 8 and logged(sent_at=None) == 8  # claimed, not yet sent


def test_claims_of_a_run_that_died_are_released_later(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    make_team("Harbour Clinic")
    reminders.claim(next(reminders.plan_runs(TODAY)), TODAY, utcnow() - timedelta(hours=7))
    db.session.commit()
    result = send(app)
    assert "Sent 3 digests" in result.output and len(inbox.messages) == 3
    assert logged(sent_at=None) == 0


def test_the_query_count_does_not_grow_with_the_clinics(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    for n in range(2):
        make_team(f"Clinic {n}")
    with counting_queries() as two:
        assert send(app).exit_code == 0
    for n in range(2, 6):
        make_team(f"Clinic {n}")
    with counting_queries() as six:
        result = send(app)
    assert result.exit_code == 0 and "Sent 12 digests" in result.output
    assert len(two) == len(six)
    assert all(any(q.startswith("INSERT INTO sent_reminders") for q in run) for run in (two, six))
    assert len(inbox.messages) == 18


# The manager's log and the settings page --------------------------------------------------


def test_the_log_shows_this_clinics_reminders_to_its_managers_only(
    app: Flask, client: FlaskClient, auth: Auth, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    harbour, prairie = make_team("Harbour Clinic"), make_team("Prairie Clinic")
    send(app)
    auth.login_as(harbour.manager)
    page = client.get("/reminders/log").get_data(as_text=True)
    assert harbour.supervisor.user.email in page and "Waiting for your sign-off" in page
    assert "Staff items overdue: " in page and harbour.hire.user.display_name in page
    assert prairie.hire.user.display_name not in page and prairie.name not in page
    auth.logout()

    auth.login_as(harbour.hire)
    assert client.get("/reminders/log").status_code == 403
    auth.logout()
    auth.login_as(prairie.manager)
    page = client.get("/reminders/log").get_data(as_text=True)
    assert prairie.hire.user.display_name in page and harbour.hire.user.display_name not in page


def checked(page: str) -> list[str]:
    """The values of the checked radio buttons (WTForms writes ``checked`` first)."""
    return re.findall(r'<input checked[^>]*value="(\w+)"', page)


def test_choosing_a_frequency(
    client: FlaskClient, auth: Auth, make_member: Callable[..., Membership]
) -> None:
    member = make_member(AppRole.STAFF)
    auth.login_as(member)
    assert checked(client.get("/reminders/").get_data(as_text=True)) == ["daily"]
    response = client.post("/reminders/", data={"frequency": "weekly"}, follow_redirects=True)
    assert checked(response.get_data(as_text=True)) == ["weekly"]
    assert db.session.get(ReminderSettings, member.user_id).frequency is Frequency.WEEKLY

    for bad in ({"frequency": "hourly"}, {}):
        answer = client.post("/reminders/", data=bad)
        assert answer.status_code == 200 and "error-text" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReminderSettings, member.user_id).frequency is Frequency.WEEKLY


def test_the_settings_page_needs_a_sign_in(client: FlaskClient) -> None:
    assert client.get("/reminders/").status_code == 302
    assert client.post("/reminders/feed").status_code == 302


# Long runs: a batch of people at a time ---------------------------------------------------


def test_batches_of_one_person_send_what_one_batch_sends(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team], make_member: Callable
) -> None:
    teams = [make_team(f"Clinic {n}") for n in range(3)]
    # The first supervisor also supervises the second clinic's hire: one digest for both.
    shared = make_member(AppRole.SUPERVISOR, teams[1].hire.clinic, teams[0].supervisor.user.email)
    teams[1].onboarding.supervisor_id = shared.user_id
    db.session.commit()
    result = send(app, "--batch", "1")
    assert result.exit_code == 0, result.output
    # Nine people, a batch each (the second clinic's own supervisor has nothing to be told).
    assert "Batch 9: 8 digests planned so far, 8 sent" in result.output
    assert "Sent 8 digests" in result.output
    [digest] = inbox.to(teams[0].supervisor)
    text, _ = parts(digest)
    assert teams[0].hire.user.display_name in text and teams[1].hire.user.display_name in text
    assert len(inbox.messages) == 8
    assert "Sent 0 digests" in send(app, "--batch", "1").output  # nothing twice


def test_each_batch_runs_the_same_queries(
    app: Flask, inbox: Inbox, make_team: Callable[[str], Team]
) -> None:
    counts, made = [], 0
    for clinics in (1, 2, 5):
        for number in range(made, clinics):
            make_team(f"Clinic {number}")
        made = clinics
        with counting_queries() as statements:
            assert send(app, "--dry-run", "--batch", "3").exit_code == 0  # a clinic a batch
        counts.append(len(statements))
    per_batch = counts[1] - counts[0]
    assert per_batch > 0 and counts[2] - counts[1] == 3 * per_batch, counts


def test_a_batch_holds_its_own_clinics_work_only(
    app: Flask, make_team: Callable[[str], Team]
) -> None:
    """What a run holds at a time is one batch's snapshot: as the network grows from one clinic
    to five, the largest snapshot (hires, open tasks, cards, members) stays the same."""
    largest, made = [], 0
    for clinics in (1, 2, 5):
        for number in range(made, clinics):
            make_team(f"Clinic {number}")
        made = clinics
        sizes = []
        for people in people_batches(3):  # a clinic's three people a batch
            snapshot = batch_snapshot(people)
            found = (snapshot.hires, snapshot.tasks, snapshot.credentials, snapshot.members)
            sizes.append(tuple(len(rows) for rows in found))
        assert len(sizes) == clinics
        largest.append(max(sizes))
    assert largest[0][0] == 1 and largest[0][1] > 0 and len(set(largest)) == 1, largest
