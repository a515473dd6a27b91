"""Clinics, people and progress written into the live server's database through the app's own
operations, so each journey starts from the state it needs without replaying the others.

Every clinic is a British Columbia rehabilitation centre on OSCAR Pro, like the one journey 1
sets up by hand (the logs journey's is a family practice storing vaccines); each call makes a
new clinic (same name, new people), so journeys never see each other's hires.
"""

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask

from clinic_onboard import policy
from clinic_onboard.app import create_app
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership, Onboarding, OnboardingTask
from clinic_onboard.operations import accounts, daily_logs, invitations, progress, roles
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.operations.record import append_event
from clinic_onboard.record.states import SIGNOFF_METHODS, SIGNOFF_OUTCOMES, EventKind
from clinic_onboard.services.library import catalog
from tests.browser.server import LiveServer
from tests.conftest import TEST_RECORD_KEYS

PASSWORD = "a long browser passphrase"
CLINIC = "Coast Rehab Centre"
REHAB_CENTRE = accounts.ClinicDetails(CLINIC, "BC", "rehabilitation_centre", "oscar_pro")
# The clinic of the logs journey: a family practice that keeps vaccines in its own fridge.
FAMILY_PRACTICE = accounts.ClinicDetails(
    "Coast Family Practice", "BC", "family_medicine", "oscar_pro", ("vaccine_storage",)
)
# Who issues the credentials of a clinic assistant's plan, by module, for the seeded records.
ISSUERS = {
    "background_checks": ("Vancouver Police Department", "VPD-2026-88213"),
    "bls": ("Heart and Stroke Foundation", "HSF-2026-55120"),
    "ipac": ("Coastal Fit Testing", "FT-2291"),
}
ROLE_TEMPLATE = "clinic_assistant"
ROLE_NAMES = {ROLE_TEMPLATE: "Rehab assistant", "medical_assistant": "Medical assistant"}
FRIDGE, FRIDGE_NAME = "ipac.log.vaccine_fridge", "Vaccine fridge, room 2"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    password: str = PASSWORD


@dataclass(frozen=True)
class Item:
    """One task of the hire's plan (renewals aside), as the hire sees it."""

    title: str
    kind: str
    signoff: str
    due: date


@dataclass(frozen=True)
class Team:
    clinic: str
    manager: Person
    supervisor: Person
    hire: Person
    onboarding_id: int
    items: tuple[Item, ...]
    link: str = ""  # the hire's set-password link, when they have not set a password
    zone: str = ""  # the clinic's time zone: it dates what the pages and file names show

    def first(self, kinds: set[str], signoff: str) -> Item:
        """The first item of the plan of one of ``kinds`` signed off by ``signoff``."""
        return next(i for i in self.items if i.kind in kinds and i.signoff == signoff)


@dataclass(frozen=True)
class Waiting:
    """What ``documents_waiting`` leaves for the signers."""

    competencies: tuple[Item, ...]
    police_check: Item
    bls_card: Item


class Seeder:
    """An app on the server's database, secret key and record key (so its set-password links
    and the record it writes verify there) with a cheap password hash: the hashes carry their
    cost, so the server checks them as is."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.app: Flask = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": server.database_url,
                "SECRET_KEY": server.secret_key,
                "RECORD_KEYS": TEST_RECORD_KEYS,  # the live server's (tests/live_server.py)
                "UPLOAD_FOLDER": str(server.upload_folder),
                # The server's own anchor log (tests/live_server.py), not the instance folder's.
                "RECORD_ANCHOR_LOG": str(server.upload_folder.parent / "record_anchors.log"),
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_COST": 1024,
            }
        )
        self._numbers = itertools.count(1)

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()

    @contextmanager
    def _request(self) -> Iterator[None]:
        """A request context on the server's address, so links point at the live server."""
        with self.app.test_request_context(base_url=self.server.url):
            yield
            db.session.remove()

    def new_hire(self, hire_name: str) -> Team:
        """A hire added today who has only their set-password link."""
        with self._request():
            onboarding, people = self._start(hire_name, hire_password=None)
            manager = people[0]
            link = invitations.issue_link(onboarding.membership, manager.user)
            db.session.commit()
            return _team(onboarding, people, link.url)

    def nearly_done(self, hire_name: str, held: int = 2) -> tuple[Team, list[Item]]:
        """A hire who finished everything, signed off too, except ``held`` competencies waiting
        for their supervisor; returns the team and those competencies."""
        with self._request():
            onboarding, (manager, supervisor, hire) = self._start(hire_name, hire_password=PASSWORD)
            plan = list(onboarding.tasks)  # recording a credential appends its renewal
            kept = [t for t in plan if t.kind == "competency" and t.signoff == "supervisor"][:held]
            for task in plan:
                _finish(onboarding, task, hire)
            signers = {"supervisor": supervisor, "manager": manager}
            for task in plan:
                if task.signoff in signers and task not in kept:
                    progress.sign_off(onboarding, task, signers[task.signoff], "observed", True)
            db.session.commit()
            return _team(onboarding, [manager, supervisor, hire]), [_item(t) for t in kept]

    def documents_waiting(self, hire_name: str, held: int = 4) -> tuple[Team, Waiting]:
        """A hire who finished everything and is signed off, except ``held`` competencies, the
        criminal record check they recorded, and a BLS card that expired while it waited
        (recorded months ago; the hire's form refuses an expired card today)."""
        with self._request():
            onboarding, (manager, supervisor, hire) = self._start(hire_name, hire_password=PASSWORD)
            plan = list(onboarding.tasks)
            kept = [t for t in plan if t.kind == "competency" and t.signoff == "supervisor"][:held]
            police = next(t for t in plan if t.kind == "document_check" and "criminal" in t.title)
            bls = next(t for t in plan if t.kind == "credential" and t.module == "bls")
            for task in plan:
                if task is not bls:
                    _finish(onboarding, task, hire)
            append_event(onboarding, bls, EventKind.CREDENTIAL, hire, _expired_card())
            signers = {"supervisor": supervisor, "manager": manager}
            for task in plan:
                if task.signoff in signers and task not in (*kept, police, bls):
                    progress.sign_item(onboarding, task, signers[task.signoff], _accepted(task))
            db.session.commit()
            waiting = Waiting(tuple(_item(t) for t in kept), _item(police), _item(bls))
            return _team(onboarding, [manager, supervisor, hire]), waiting

    def fridge_clinic(self, staff_name: str) -> tuple[Team, str]:
        """A clinic that stores vaccines, open every day (so today is a working day whenever the
        journey runs), with a refrigerator named and a medical assistant with a password;
        returns the team and the fridge's name."""
        with self._request():
            onboarding, people = self._start(
                staff_name, PASSWORD, FAMILY_PRACTICE, "medical_assistant"
            )
            clinic = onboarding.membership.clinic
            clinic.open_weekdays = list(range(7))
            clinic.open_holidays = [clinic.today().isoformat()]
            daily_logs.add_unit(clinic, catalog().log(FRIDGE), FRIDGE_NAME)
            db.session.commit()
            return _team(onboarding, people), FRIDGE_NAME

    def _start(
        self,
        hire_name: str,
        hire_password: str | None,
        details: accounts.ClinicDetails = REHAB_CENTRE,
        template: str = ROLE_TEMPLATE,
    ) -> tuple[Onboarding, list[Membership]]:
        number = next(self._numbers)
        clinic = accounts.create_clinic(details, confirmed=True)
        manager = _member(clinic, "Dana Okafor", f"manager{number}", AppRole.MANAGER)
        supervisor = _member(clinic, "Sam Whitehorse", f"supervisor{number}", AppRole.SUPERVISOR)
        hire_email = f"hire{number}@coastrehab.example.ca"
        if hire_password:  # a member with a password already: start_onboarding reuses it
            hire = accounts.create_user(hire_email, hire_name, hire_password)
            accounts.add_member(hire, clinic, AppRole.STAFF)
        db.session.flush()
        role = roles.add_role(clinic, manager.user, template, ROLE_NAMES[template])
        onboarding = start_onboarding(
            clinic,
            manager.user,
            name=hire_name,
            email=hire_email,
            role=role,
            start_date=clinic.today(),  # the clinic's day: past midnight UTC, still yesterday
            supervisor=supervisor.user,
        )
        return onboarding, [manager, supervisor, onboarding.membership]


def _accepted(task: OnboardingTask) -> progress.SignoffChoice:
    """An item signed as its kind is: the form's first method and its accepting outcome."""
    form = policy.signoff_form(task.kind)
    method = next(iter(SIGNOFF_METHODS[form]), "")
    return progress.SignoffChoice(method, next(iter(SIGNOFF_OUTCOMES[form])))


def _expired_card() -> dict:
    """A BLS card issued two years ago that expired last month, as the hire recorded it."""
    issuer, number = ISSUERS["bls"]
    issued = date.today() - timedelta(days=730)
    expired = date.today() - timedelta(days=30)
    return {
        "issuer": issuer,
        "number": number,
        "issued_on": issued.isoformat(),
        "expires_on": expired.isoformat(),
        "file": None,
    }


def _member(clinic: Clinic, name: str, mailbox: str, role: AppRole) -> Membership:
    user = accounts.create_user(f"{mailbox}@coastrehab.example.ca", name, PASSWORD)
    return accounts.add_member(user, clinic, role)


def _finish(onboarding: Onboarding, task: OnboardingTask, hire: Membership) -> None:
    """Do an item as the hire would, with the form its kind needs."""
    if task.kind == "acknowledgement":
        progress.acknowledge_task(onboarding, task, hire, hire.user.display_name)
    elif task.kind in ("credential", "document_check"):
        issuer, number = ISSUERS.get(task.module, ("Issuing body", "C-1"))
        issued = hire.clinic.today()  # never 'later than today' on the clinic's own calendar
        details = progress.CredentialDetails(issuer, number, issued, None)
        progress.record_credential(onboarding, task, hire, details, None)
    else:
        progress.complete_task(onboarding, task, hire, "Done on the floor.")


def _item(task: OnboardingTask) -> Item:
    return Item(task.title, task.kind, task.signoff, task.due_date)


def _person(membership: Membership) -> Person:
    return Person(membership.user.display_name, membership.user.email)


def _team(onboarding: Onboarding, people: list[Membership], link: str = "") -> Team:
    manager, supervisor, hire = (_person(m) for m in people)
    live = [t for t in onboarding.tasks if t.withdrawn_at is None and t.renewal_of_id is None]
    return Team(
        clinic=onboarding.membership.clinic.name,
        manager=manager,
        supervisor=supervisor,
        hire=hire,
        onboarding_id=onboarding.id,
        items=tuple(_item(t) for t in sorted(live, key=lambda t: t.position)),
        link=link,
        zone=onboarding.membership.clinic.time_zone,
    )
