"""Pages at the small and the large network, measured in-process with Flask's test client.

The subject clinic is the same clinic (same index, same ids, same data) in both networks, so the
only difference between the two measurements is the size of the network around it. Requests to
the two apps alternate, so a busy moment on the machine lands on both sides alike.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from bench.common import PASSWORD, counting_queries
from bench.timing import Timing, time_once
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    Membership,
    Onboarding,
    OnboardingStatus,
    OnboardingTask,
    User,
)
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import TaskStatus

# The goals: cost does not grow with the network, and neither does the query count.
RATIO_GOAL = 1.3


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # manager | supervisor | hire
    path: str
    goal: bool = False  # one of the four pages the issue sets goals for


@dataclass(frozen=True)
class Subject:
    """The clinic measured and its people (their emails; ids are the same at both sizes)."""

    clinic_id: int
    emails: dict[str, str]
    onboarding_id: int
    tasks: int


@dataclass(frozen=True)
class PageResult:
    page: Page
    small: Timing
    large: Timing
    queries: tuple[int, int]

    @property
    def ratio(self) -> float:
        return self.large.median / self.small.median


def find_subject(app: Flask, clinic_index: int) -> Subject:
    """The clinic's manager, a supervisor, and its in-progress hire with the biggest plan."""
    with app.app_context():
        clinic = db.session.scalars(select(Clinic).order_by(Clinic.id)).all()[clinic_index]
        members = db.session.scalars(
            select(Membership).where(Membership.clinic_id == clinic.id).order_by(Membership.id)
        ).all()
        first = {m.role: m.user.email for m in reversed(members)}
        onboarding = max(_in_progress(clinic.id), key=lambda o: (len(o.tasks), -o.id))
        return Subject(
            clinic_id=clinic.id,
            emails={
                "manager": first[AppRole.MANAGER],
                "supervisor": onboarding.supervisor.email,
                "hire": onboarding.membership.user.email,
            },
            onboarding_id=onboarding.id,
            tasks=len(onboarding.tasks),
        )


def _in_progress(clinic_id: int) -> list[Onboarding]:
    onboardings = db.session.scalars(
        select(Onboarding).where(
            Onboarding.clinic_id == clinic_id, Onboarding.status == OnboardingStatus.ACTIVE
        )
    ).all()
    return [o for o in onboardings if record_reads.events_of(o)]


def pages(subject: Subject) -> list[Page]:
    record = f"/signoffs/onboardings/{subject.onboarding_id}/record"
    return [
        Page("Manager dashboard", "manager", "/dashboard/", goal=True),
        Page(f"Hire's plan, /my/ ({subject.tasks} items)", "hire", "/my/", goal=True),
        Page("Supervisor's sign-off queue", "supervisor", "/signoffs/", goal=True),
        Page("Manager's sign-off queue", "manager", "/signoffs/"),
        Page("Staff list", "manager", "/staff/"),
        Page("Hire's plan, manager's view", "manager", f"/staff/{subject.onboarding_id}"),
        Page("Record page (hash chain checked)", "manager", record),
        Page("People", "manager", "/clinic/members"),
        Page("Audit log", "manager", "/clinic/audit"),
        Page("Roles", "manager", "/roles/"),
    ]


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email} (HTTP {response.status_code})")
    return client


def _get(client: FlaskClient, path: str) -> Callable[[], TestResponse]:
    def fetch() -> TestResponse:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    return fetch


def measure_pages(
    apps: tuple[Flask, Flask], subject: Subject, warmup: int, repeat: int
) -> list[PageResult]:
    """Every page at both sizes: timings alternate between the apps, queries counted apart."""
    clients = [
        {who: signed_in(app, email) for who, email in subject.emails.items()} for app in apps
    ]
    results = []
    for page in pages(subject):
        fetches = [_get(c[page.who], page.path) for c in clients]
        small, large = _alternate(fetches, warmup, repeat)
        queries = tuple(_queries(app, fetch) for app, fetch in zip(apps, fetches, strict=True))
        results.append(PageResult(page, small, large, queries))
    return results


def _alternate(fetches: list[Callable[[], object]], warmup: int, repeat: int) -> list[Timing]:
    """Time both sides in turns, swapping which goes first each round."""
    for _ in range(warmup):
        for fetch in fetches:
            fetch()
    samples: list[list[float]] = [[], []]
    for round_number in range(repeat):
        order = (0, 1) if round_number % 2 == 0 else (1, 0)
        for side in order:
            samples[side].append(time_once(fetches[side]))
    return [Timing(tuple(s)) for s in samples]


def _queries(app: Flask, action: Callable[[], object]) -> int:
    with counting_queries(app) as statements:
        action()
    return len(statements)


def measure_signoffs(
    apps: tuple[Flask, Flask], subject: Subject, warmup: int, repeat: int
) -> PageResult:
    """The supervisor signs items off (password re-entered), one POST per item, both sizes
    in turns; the hire first completes enough items that there is something to sign."""
    waiting = [_waiting_items(app, subject, warmup + repeat + 1) for app in apps]
    if waiting[0] != waiting[1]:
        raise RuntimeError("the subject clinic differs between the two networks")
    clients = [signed_in(app, subject.emails["supervisor"]) for app in apps]
    items = iter(waiting[0])
    # Each round signs the same item (the same id) in each network's own database.
    for _ in range(warmup):
        item = next(items)
        for client in clients:
            _post_signoff(client, item)
    samples: list[list[float]] = [[], []]
    for round_number in range(repeat):
        item = next(items)
        order = (0, 1) if round_number % 2 == 0 else (1, 0)
        for side in order:
            samples[side].append(time_once(partial(_post_signoff, clients[side], item)))
    item = next(items)
    queries = tuple(
        _queries(app, partial(_post_signoff, client, item))
        for app, client in zip(apps, clients, strict=True)
    )
    page = Page("Sign-off POST (password re-entered)", "supervisor", "/signoffs/tasks/<id>", True)
    return PageResult(page, Timing(tuple(samples[0])), Timing(tuple(samples[1])), queries)


def _post_signoff(client: FlaskClient, task_id: int) -> None:
    data = {"method": "observed", "outcome": "competent", "comment": "", "password": PASSWORD}
    response = client.post(f"/signoffs/tasks/{task_id}", data=data)
    if response.status_code != 302:
        raise RuntimeError(f"sign-off of task {task_id} answered {response.status_code}")


def _waiting_items(app: Flask, subject: Subject, needed: int) -> list[int]:
    """Ids of ``needed`` items waiting for the subject supervisor's sign-off; the clinic's hires
    complete more of their items (through the verbs) when there are not enough."""
    with app.app_context():
        supervisor = db.session.scalar(
            select(User).where(User.email == subject.emails["supervisor"])
        )
        onboardings = db.session.scalars(
            select(Onboarding)
            .where(Onboarding.clinic_id == subject.clinic_id)
            .where(Onboarding.supervisor_id == supervisor.id)
            .where(Onboarding.status == OnboardingStatus.ACTIVE)
            .order_by(Onboarding.id)
        ).all()
        waiting = _collect(onboardings, needed, complete_more=False)
        if len(waiting) < needed:
            waiting = _collect(onboardings, needed, complete_more=True)
            db.session.commit()
        return waiting[:needed]


def _collect(onboardings: list[Onboarding], needed: int, complete_more: bool) -> list[int]:
    found: list[int] = []
    for onboarding in onboardings:
        records = record_reads.task_records(onboarding)
        for task in onboarding.tasks:
            if len(found) >= needed or task.id not in records or task.signoff != "supervisor":
                continue
            status = records[task.id].status
            if status is TaskStatus.NOT_STARTED and complete_more and _complete(onboarding, task):
                status = TaskStatus.AWAITING_SIGNOFF
            if status is TaskStatus.AWAITING_SIGNOFF:
                found.append(task.id)
    return found


def _complete(onboarding: Onboarding, task: OnboardingTask) -> bool:
    """The hire does the item with the verb its kind takes (credentials are left alone)."""
    hire = onboarding.membership
    if task.kind == "acknowledgement":
        progress.acknowledge_task(onboarding, task, hire, hire.user.display_name)
    elif task.kind == "credential":
        return False
    else:
        progress.complete_task(onboarding, task, hire)
    return True
