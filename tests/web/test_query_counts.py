"""Every list page runs as many SQL queries with a big network as with a small one.

One clinic is looked at by its manager, its supervisor and one of its hires: first with two hires
in two clinics, then after the network grows to twelve hires in five clinics, with more roles,
records, corrections, a completed onboarding, audit entries and sent reminders. A page whose
count moves is loading rows one by one (N+1) and would slow down as clinics grow.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, ClinicRole, Membership, Onboarding
from clinic_onboard.models.reminder import SentReminder
from clinic_onboard.operations import progress, reminders, roles
from tests.conftest import Auth, counting_queries
from tests.web.onboarding_factory import build_onboarding, task_of

TODAY = date.today()
HAND, BILLING, BLS = "ipac.hand_hygiene", "emr.billing", "bls.certificate"
READ, CONFIDENTIALITY = "privacy.read_policy", "privacy.confidentiality"
CUSTOM = roles.CustomItemDetails(
    title="Restock the vaccine fridge log",
    guidance="Check and sign the fridge temperature log.",
    kind="task",
    phase="week_1",
    signoff="none",
)


@dataclass
class Network:
    """Clinics with people, roles and hires whose records hold every kind of event."""

    make_clinic: Callable[..., Clinic]
    make_member: Callable[..., Membership]
    clinics: list[Clinic] = field(default_factory=list)
    hires: list[Onboarding] = field(default_factory=list)

    def add_clinic(self, roles_wanted: int = 1) -> tuple[Membership, Membership, list[ClinicRole]]:
        clinic = self.make_clinic(f"Clinic {len(self.clinics) + 1}")
        self.clinics.append(clinic)
        manager = self.make_member(AppRole.MANAGER, clinic=clinic)
        supervisor = self.make_member(AppRole.SUPERVISOR, clinic=clinic)
        made = [
            roles.add_role(clinic, manager.user, "medical_assistant", f"Assistant {n}")
            for n in range(roles_wanted)
        ]
        db.session.commit()
        return manager, supervisor, made

    def add_hire(
        self, manager: Membership, supervisor: Membership, role: ClinicRole, finish: bool = False
    ) -> Onboarding:
        """A hire in ``role`` with items done, acknowledged, recorded, waiting and signed."""
        hire = self.make_member(AppRole.STAFF, clinic=manager.clinic)
        onboarding = build_onboarding(hire, supervisor.user_id)
        onboarding.role_id = role.id
        progress.complete_task(onboarding, task_of(onboarding, READ), hire)
        progress.complete_task(onboarding, task_of(onboarding, HAND), hire, "with Sam")
        progress.acknowledge_task(
            onboarding, task_of(onboarding, CONFIDENTIALITY), hire, hire.user.display_name
        )
        card = progress.CredentialDetails(
            "Heart and Stroke", "A-1", TODAY - timedelta(days=700), None
        )
        progress.record_credential(onboarding, task_of(onboarding, BLS), hire, card, None)
        progress.sign_off(onboarding, task_of(onboarding, BLS), supervisor, "observed", True)
        if finish:
            self._finish(onboarding, hire, manager, supervisor)
        db.session.commit()
        self.hires.append(onboarding)
        return onboarding

    def _finish(
        self, onboarding: Onboarding, hire: Membership, manager: Membership, supervisor: Membership
    ) -> None:
        progress.sign_off(onboarding, task_of(onboarding, HAND), supervisor, "observed", True)
        progress.complete_task(onboarding, task_of(onboarding, BILLING), hire)
        progress.sign_off(onboarding, task_of(onboarding, BILLING), manager, "discussed", True)
        progress.complete_onboarding(onboarding, manager)


@dataclass(frozen=True)
class Home:
    """Who reads the pages (emails, memberships by id) and the ids the addresses need: plain
    values, since the session is emptied before every counted request."""

    emails: dict[str, str]
    manager_id: int
    supervisor_id: int
    onboarding_id: int
    role_id: int
    feed_token: str


def _sent_reminders(clinic_id: int, user_id: int, count: int, start: int = 0) -> None:
    now = datetime.now(UTC)
    for number in range(start, start + count):
        db.session.add(
            SentReminder(
                clinic_id=clinic_id,
                user_id=user_id,
                kind="task_due",
                item_key=f"task:{number}",
                stage="due_soon",
                summary=f"Item {number} is due soon",
                run=f"run{number}",
                sent_on=TODAY,
                claimed_at=now,
                sent_at=now,
            )
        )
    db.session.commit()


def _small_network(network: Network) -> Home:
    """Two clinics with a hire each; the home clinic's hire is the one who reads /my/."""
    manager, supervisor, (role,) = network.add_clinic()
    onboarding = network.add_hire(manager, supervisor, role)
    other_manager, other_supervisor, (other_role,) = network.add_clinic()
    network.add_hire(other_manager, other_supervisor, other_role)
    _sent_reminders(manager.clinic_id, manager.user_id, 1)
    reminders.reset_feed(onboarding.membership.user)
    settings = reminders.settings_of(onboarding.membership.user)
    db.session.commit()
    return Home(
        emails={
            "manager": manager.user.email,
            "supervisor": supervisor.user.email,
            "hire": onboarding.membership.user.email,
        },
        manager_id=manager.id,
        supervisor_id=supervisor.id,
        onboarding_id=onboarding.id,
        role_id=role.id,
        feed_token=reminders.feed_token(settings) or "",
    )


def _grow(network: Network, home: Home) -> None:
    """Ten more hires, three more clinics, two more roles at home (tailored), a correction,
    a completed onboarding and more reminders, and a longer record for the home hire."""
    manager = db.session.get(Membership, home.manager_id)
    supervisor = db.session.get(Membership, home.supervisor_id)
    clinic = manager.clinic
    extra = [roles.add_role(clinic, manager.user, "medical_office_assistant", "Front desk")]
    extra.append(roles.add_role(clinic, manager.user, "clinic_assistant", "Rooms"))
    roles.add_custom_item(extra[0], manager.user, CUSTOM)
    home_role = db.session.get(ClinicRole, home.role_id)
    roles.add_custom_item(home_role, manager.user, CUSTOM)
    db.session.commit()
    for number in range(4):
        network.add_hire(manager, supervisor, extra[number % 2], finish=number == 0)
    for _ in range(3):
        other_manager, other_supervisor, (other_role, _) = network.add_clinic(roles_wanted=2)
        network.add_hire(other_manager, other_supervisor, other_role)
        network.add_hire(other_manager, other_supervisor, other_role)
    _longer_record(db.session.get(Onboarding, home.onboarding_id), manager, supervisor)
    _sent_reminders(manager.clinic_id, manager.user_id, 9, start=1)


def _longer_record(onboarding: Onboarding, manager: Membership, supervisor: Membership) -> None:
    """The home hire's record gets a sign-off, a correction, a redo and a manager's item."""
    hire = onboarding.membership
    hand = task_of(onboarding, HAND)
    signed = progress.sign_off(onboarding, hand, supervisor, "observed", True)
    progress.void_event(onboarding, signed, manager, "Signed for the wrong person.")
    progress.sign_off(onboarding, hand, supervisor, "demonstrated", True)
    progress.complete_task(onboarding, task_of(onboarding, BILLING), hire, "first bills")
    db.session.commit()


# (page, who reads it) for every list page of the URL map.
PAGES: list[tuple[str, str]] = [
    ("/dashboard/", "manager"),
    ("/dashboard/?state=overdue", "manager"),
    ("/dashboard/?role={role}", "manager"),
    ("/staff/", "manager"),
    ("/staff/new", "manager"),
    ("/staff/{onboarding}", "manager"),
    ("/roles/", "manager"),
    ("/roles/{role}", "manager"),
    ("/clinic/members", "manager"),
    ("/clinic/security", "manager"),
    ("/clinic/audit", "manager"),
    ("/reminders/log", "manager"),
    ("/signoffs/", "manager"),
    ("/signoffs/", "supervisor"),
    ("/signoffs/onboardings/{onboarding}/record", "manager"),
    ("/signoffs/onboardings/{onboarding}/record", "hire"),
    ("/my/", "hire"),
    ("/today/", "hire"),
    ("/logs/", "manager"),
    ("/calendar/{feed}.ics", "anyone"),
    ("/exports/summary.pdf", "manager"),
]


def _path(template: str, home: Home) -> str:
    return template.format(onboarding=home.onboarding_id, role=home.role_id, feed=home.feed_token)


def _count(app: Flask, home: Home, path: str, who: str) -> int:
    """Queries for one GET by ``who``, from an empty session as a real request has."""
    client = app.test_client()
    if who != "anyone":
        assert Auth(client).login(home.emails[who]).status_code == 302, who
    assert client.get(path).status_code == 200, path  # warm: first-visit work is not counted
    db.session.expunge_all()
    with counting_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize(("page", "who"), PAGES, ids=[f"{who}:{page}" for page, who in PAGES])
def test_query_count_does_not_grow_with_the_network(
    app: Flask, make_clinic, make_member, page: str, who: str
) -> None:
    network = Network(make_clinic, make_member)
    home = _small_network(network)
    path = _path(page, home)
    small = _count(app, home, path, who)
    _grow(network, home)
    large = _count(app, home, path, who)
    assert len(network.clinics) == 5 and len(network.hires) == 12
    assert large == small, f"{path} as {who}: {small} queries with 2 hires, {large} with 12"


def test_a_repeat_visit_to_the_plan_runs_one_statement(
    app: Flask, make_clinic, make_member
) -> None:
    """The person with their memberships and onboardings, which key the plan; the rendered plan
    comes from the cache. The plan page's throughput (bench/README.md) rests on this."""
    home = _small_network(Network(make_clinic, make_member))
    assert _count(app, home, "/my/", "hire") == 1
