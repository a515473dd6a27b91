"""A clinic in a server's database, built in-process with the app's own operations, and the
facts the checks read back afterwards (every event, the audit log, the chain reports)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select

from clinic_onboard.app import create_app
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, AuditEvent, OnboardingEvent
from clinic_onboard.operations import accounts, roles
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.operations.progress import FORM_KINDS
from clinic_onboard.queries import record as record_reads
from clinic_onboard.services.library import catalog
from tests.conftest import PASSWORD, config_for_tests

CLINIC = accounts.ClinicDetails("Reliability Clinic", "ON", "family_medicine", "accuro", ())


@dataclass(frozen=True)
class Task:
    id: int
    signoff: str  # "none", "supervisor" or "manager"


@dataclass(frozen=True)
class Hire:
    email: str
    onboarding_id: int
    supervisor: str
    tasks: tuple[Task, ...]  # the items ticked with the plain "done" button


@dataclass(frozen=True)
class Team:
    role_id: int
    switchable: str  # a library item of the role that managers switch off and on
    managers: tuple[str, ...]
    supervisors: tuple[str, ...]
    hires: tuple[Hire, ...]


@contextmanager
def app_on(database_url: str) -> Iterator[Flask]:
    """An in-process app on the server's database (cheap password hashing, so the seeded
    hashes verify fast in the server too: argon2 reads its cost from the hash)."""
    app = create_app(config_for_tests(database_url))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def seed_team(database_url: str, managers: int, supervisors: int, hires: int) -> Team:
    with app_on(database_url):
        clinic = accounts.create_clinic(CLINIC, confirmed=True)
        bosses = [_person(clinic, f"manager{n}", AppRole.MANAGER) for n in range(managers)]
        leads = [_person(clinic, f"supervisor{n}", AppRole.SUPERVISOR) for n in range(supervisors)]
        db.session.flush()
        role = roles.add_role(clinic, bosses[0].user, "medical_assistant", "")
        start = date.today() - timedelta(days=7)
        people = [
            _hire(clinic, bosses[0], role, leads[n % supervisors], n, start) for n in range(hires)
        ]
        switchable = next(iter(roles.applicable_entries(catalog(), role)))
        db.session.commit()
        return Team(
            role.id,
            switchable,
            tuple(m.user.email for m in bosses),
            tuple(s.user.email for s in leads),
            tuple(people),
        )


def _person(clinic, name: str, role: AppRole):
    user = accounts.create_user(f"{name}@reliability.example.com", name.title(), PASSWORD)
    return accounts.add_member(user, clinic, role)


def _hire(clinic, manager, role, supervisor, number: int, start: date) -> Hire:
    email = f"hire{number}@reliability.example.com"
    # A member with a password already: start_onboarding gives them their plan.
    user = accounts.create_user(email, f"Hire {number}", PASSWORD)
    accounts.add_member(user, clinic, AppRole.STAFF)
    onboarding = start_onboarding(
        clinic,
        manager.user,
        name=f"Hire {number}",
        email=email,
        role=role,
        start_date=start,
        supervisor=supervisor.user,
    )
    tasks = tuple(Task(t.id, t.signoff) for t in onboarding.tasks if t.kind not in FORM_KINDS)
    return Hire(email, onboarding.id, supervisor.user.email, tasks)


@dataclass(frozen=True)
class Event:
    onboarding_id: int
    seq: int
    task_id: int | None
    kind: str


@dataclass(frozen=True)
class Facts:
    events: tuple[Event, ...]
    audit_actions: tuple[str, ...]
    broken_chains: tuple[str, ...]
    chains: int


def read_facts(database_url: str) -> Facts:
    """Everything the checks compare with what the clients were told."""
    with app_on(database_url):
        rows = db.session.scalars(
            select(OnboardingEvent).order_by(OnboardingEvent.onboarding_id, OnboardingEvent.seq)
        )
        events = tuple(Event(e.onboarding_id, e.seq, e.task_id, e.kind) for e in rows)
        actions = tuple(db.session.scalars(select(AuditEvent.action)))
        reports = list(record_reads.verify_chains())
        broken = tuple(
            f"onboarding {r.onboarding_id}: {record_reads.describe(finding)}"
            for r in reports
            for finding in r.findings
        )
        return Facts(events, actions, broken, len(reports))
