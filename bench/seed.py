"""Seed a clinic network of a chosen size through the app's own operations.

Each clinic has a manager, supervisors (one per eight people) and hires in two or three roles,
some tailored with the clinic's own items so plans run from 65 to 150 items. Half of the hires
are in progress (items done, most signed off, some waiting, some sent back to practise), a
fifth are complete with the manager's final sign-off, the rest start soon. Clinics, roles and
hires go through the app's operations (``add_role``, ``start_onboarding``...), the final
sign-off through ``progress.complete_onboarding``; the events before it are appended with the
app's own hash chain and audit entries (see ``_append`` for why not one verb per event), and
every chain is verified at the end.

Clinic ``i`` is generated from its index alone: the small network is the first clinics of the
large one, so a page measured in one of them sees the same data at both sizes.

    python -m bench.seed --clinics 20 --staff 200 [--database-url URL]
"""

import argparse
import random
import sys
import tempfile
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, get_args

from flask_migrate import upgrade
from sqlalchemy import MetaData, insert, select, text
from sqlalchemy.engine import make_url

from bench.common import PASSWORD, make_app, sqlite_url
from clinic_onboard.catalog import Catalog, Phase
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    Clinic,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingTask,
    User,
)
from clinic_onboard.operations import accounts, progress, roles, task_states
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.operations.record import seal
from clinic_onboard.operations.renewals import sync_renewal
from clinic_onboard.queries import record as record_reads
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.record import stated_digests, verify_chains
from clinic_onboard.record.renewals import add_months
from clinic_onboard.record.states import EventKind
from clinic_onboard.services import library
from clinic_onboard.services.passwords import hash_password

FIRST_NAMES = (
    "Amira Luc Priya Jordan Mei Olivier Fatima Noah Chloé Arjun Sarah Tavish Inès Kwame Leah "
    "Mateo Aaliyah Gabriel Hana Ethan Simone Wei Émile Nadia Owen Zainab Raphaël Ayesha Liam Ruth"
)
LAST_NAMES = (
    "Haddad Tremblay Singh Chen Gagnon Okafor Roy MacDonald Côté Nguyen Campbell Bouchard Ali "
    "Martin Fraser Kaur Morin Wilson Lavoie Thompson Pelletier Cardinal Young Bélanger Sato"
)
CLINIC_WORDS = ("Family Health", "Clinic", "Medical", "Community Health Centre")
CUSTOM_KINDS = (
    ("task", "none"),
    ("competency", "supervisor"),
    ("reading", "none"),
    ("acknowledgement", "none"),
    ("competency", "manager"),
)
PLAN_MAX = 150
PEOPLE_PER_SUPERVISOR = 8


@dataclass(frozen=True)
class Size:
    """A network: ``staff`` accounts spread evenly over ``clinics`` clinics."""

    clinics: int
    staff: int

    @property
    def per_clinic(self) -> int:
        return max(3, self.staff // self.clinics)

    def __str__(self) -> str:
        return f"{self.clinics} clinics / {self.clinics * self.per_clinic} staff"


@dataclass(frozen=True)
class SeedReport:
    size: Size
    seconds: float
    counts: dict[str, int]


@dataclass
class _Clinic:
    """One clinic being seeded: its people and roles."""

    clinic: Clinic
    manager: Membership
    supervisors: list[Membership]
    roles: list[ClinicRole]


def seed(database_url: str, size: Size, today: date | None = None) -> SeedReport:
    """Empty the database at ``database_url`` and fill it with a network of ``size``."""
    today = today or date.today()
    started = clock.perf_counter()
    app = make_app(database_url)
    with app.app_context():
        reset_schema()
        password_hash = hash_password(PASSWORD)
        for index in range(size.clinics):
            seed_clinic(index, size.per_clinic, today, library.catalog(), password_hash)
            db.session.commit()
            db.session.expunge_all()  # keep the identity map (and memory) small
        verify_seeded()
        _analyze()
        counts = table_counts()
        db.session.remove()  # give its connection back first, so dispose() closes it
        db.engine.dispose()
    return SeedReport(size, clock.perf_counter() - started, counts)


def reset_schema() -> None:
    """Start from an empty database (on PostgreSQL, an empty public schema of our own), then
    migrate it as ``clinic-onboard db upgrade`` does: the throughput run serves it through
    ``clinic_onboard.wsgi``, which refuses a database that is not at the code's revision."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        existing = MetaData()
        existing.reflect(db.engine)
        existing.drop_all(db.engine)
    upgrade()  # the app's own migrations folder, as create_app gave it to Flask-Migrate


def _analyze() -> None:
    """PostgreSQL plans by table statistics, which autovacuum gathers soon after a bulk load in
    production; gather them now so the first measurements do not plan on empty-table guesses."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def table_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: connection.execute(text(f"SELECT count(*) FROM {table.name}")).scalar_one()
            for table in db.metadata.sorted_tables
        }


def seed_clinic(
    index: int, people: int, today: date, catalog: Catalog, password_hash: str
) -> Clinic:
    """Clinic ``index`` with ``people`` accounts; the same index always gives the same clinic."""
    rng = random.Random(f"clinic-{index}")
    site = _create_clinic(index, people, rng, catalog)
    hires = people - 1 - len(site.supervisors)
    for number in range(hires):
        _seed_hire(site, index, number, rng, today)
    for user in db.session.scalars(
        select(User).join(Membership).where(Membership.clinic_id == site.clinic.id)
    ):
        user.password_hash = password_hash
    return site.clinic


def _create_clinic(index: int, people: int, rng: random.Random, catalog: Catalog) -> _Clinic:
    details = accounts.ClinicDetails(
        name=f"{rng.choice(LAST_NAMES.split())} {rng.choice(CLINIC_WORDS)} {index}",
        province=rng.choice(sorted(catalog.jurisdictions)),
        setting=rng.choice(sorted(catalog.settings)),
        emr=rng.choice(sorted(catalog.emr_products)),
        options=tuple(rng.sample(sorted(catalog.options), rng.randint(0, len(catalog.options)))),
    )
    clinic = accounts.create_clinic(details, confirmed=True)
    manager = _person(clinic, index, "manager", AppRole.MANAGER, rng)
    count = max(1, people // PEOPLE_PER_SUPERVISOR)
    supervisors = [
        _person(clinic, index, f"supervisor{n}", AppRole.SUPERVISOR, rng) for n in range(count)
    ]
    db.session.flush()
    templates = rng.sample(sorted(catalog.roles), rng.randint(2, 3))
    site_roles = [_role(clinic, manager, template, rng, catalog) for template in templates]
    return _Clinic(clinic, manager, supervisors, site_roles)


def _person(
    clinic: Clinic, index: int, label: str, role: AppRole, rng: random.Random
) -> Membership:
    user = accounts.create_user(f"{label}.c{index}@bench.example.com", _name(rng), None)
    return accounts.add_member(user, clinic, role)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES.split())} {rng.choice(LAST_NAMES.split())}"


def _role(
    clinic: Clinic, manager: Membership, template: str, rng: random.Random, catalog: Catalog
) -> ClinicRole:
    """A role from ``template``, perhaps with one item switched off and some of the clinic's own
    items (never past PLAN_MAX items in all)."""
    role = roles.add_role(clinic, manager.user, template, "", catalog=catalog)
    plan = plan_for(catalog, clinic, role, date(2026, 1, 5))
    if rng.random() < 0.3:
        item = rng.choice([t for t in plan.tasks if t.signoff == "none"])
        roles.switch_off(role, manager.user, item.id, "Done by the nurse here.", catalog=catalog)
    room = PLAN_MAX - len(plan.tasks)
    _custom_items(role, manager, min(room, rng.choice([0, 0, 5, 15, 30, room])), rng, catalog)
    return role


def _custom_items(
    role: ClinicRole, manager: Membership, count: int, rng: random.Random, catalog: Catalog
) -> None:
    for number in range(count):
        kind, signoff = CUSTOM_KINDS[number % len(CUSTOM_KINDS)]
        details = roles.CustomItemDetails(
            title=f"Clinic practice {number + 1}: {rng.choice(['intake', 'recall', 'supplies'])}",
            guidance="Follow the clinic's written procedure; ask your supervisor to show you.",
            kind=kind,
            phase=rng.choice(get_args(Phase)),
            signoff=signoff,
        )
        roles.add_custom_item(role, manager.user, details, catalog=catalog)


@dataclass(frozen=True)
class _Step:
    """One event to append: who did what to which item, and when."""

    at: datetime
    task: OnboardingTask
    kind: str
    actor: Membership
    payload: dict[str, Any]


def _seed_hire(site: _Clinic, index: int, number: int, rng: random.Random, today: date) -> None:
    """One hire: half in progress, a fifth complete, the rest about to start."""
    state = rng.random()
    if state < 0.5:
        start = today - timedelta(days=rng.randint(10, 80))
    elif state < 0.7:
        start = today - timedelta(days=rng.randint(120, 330))
    else:
        start = today + timedelta(days=rng.randint(-2, 40))
    supervisor = rng.choice(site.supervisors)
    onboarding = start_onboarding(
        site.clinic,
        site.manager.user,
        name=_name(rng),
        email=f"hire{number}.c{index}@bench.example.com",
        role=rng.choice(site.roles),
        start_date=start,
        supervisor=supervisor.user,
    )
    if state < 0.7:
        _work(onboarding, supervisor, site.manager, rng, today, complete=state >= 0.5)


def _work(
    onboarding: Onboarding,
    supervisor: Membership,
    manager: Membership,
    rng: random.Random,
    today: date,
    complete: bool,
) -> None:
    """The hire's record so far; a complete one ends with the manager's final sign-off."""
    db.session.flush()
    signers = {"supervisor": supervisor, "manager": manager}
    steps = _steps(onboarding, signers, rng, today, complete)
    _append(onboarding, sorted(steps, key=lambda step: step.at))
    if complete:
        progress.complete_onboarding(onboarding, manager)


def _steps(
    onboarding: Onboarding,
    signers: dict[str, Membership],
    rng: random.Random,
    today: date,
    complete: bool,
) -> list[_Step]:
    """In progress: most items due so far done, most of those signed off, some waiting, a few
    sent back to practise. Complete: every item done and signed off."""
    steps = []
    for task in onboarding.tasks:
        if not complete and (task.due_date > today or rng.random() > 0.85):
            continue
        done = _done(onboarding, task, rng, today)
        steps.append(done)
        roll = 0.0 if complete else rng.random()
        if task.signoff != "none" and roll < 0.65:
            steps.append(_signed(done, signers[task.signoff], rng, competent=roll < 0.6))
    return steps


def _done(onboarding: Onboarding, task: OnboardingTask, rng: random.Random, today: date) -> _Step:
    """The hire's step for the item's kind: sign a policy, record a card, or mark it done."""
    hire = onboarding.membership
    day = min(today, max(onboarding.start_date - timedelta(days=5), task.due_date))
    day -= timedelta(days=rng.randint(0, 3))
    if task.kind == "acknowledgement":
        kind, payload = EventKind.ACKNOWLEDGED, {"typed_name": hire.user.display_name}
    elif task.kind == "credential":
        kind, payload = EventKind.CREDENTIAL, _credential(task, rng, today)
    else:
        note = rng.choice(["", "", "Done with my supervisor on the floor."])
        kind, payload = EventKind.COMPLETED, {"note": note} if note else {}
    return _Step(_moment(day, rng), task, kind, hire, payload)


def _credential(task: OnboardingTask, rng: random.Random, today: date) -> dict[str, Any]:
    issued = today - timedelta(days=rng.randint(20, 700))
    expires = add_months(issued, task.validity_months) if task.validity_months else None
    return {
        "issuer": "Heart and Stroke Foundation",
        "number": f"CRD-{task.id}",
        "issued_on": issued.isoformat(),
        "expires_on": expires.isoformat() if expires else None,
        "file": None,
    }


def _signed(done: _Step, signer: Membership, rng: random.Random, competent: bool) -> _Step:
    at = min(done.at + timedelta(hours=rng.randint(1, 72)), _now() - timedelta(minutes=1))
    method = rng.choice(["observed", "demonstrated", "discussed"])
    comment = "" if competent else "Practise once more with a colleague watching."
    kind = EventKind.SIGNED_OFF if competent else EventKind.NEEDS_PRACTICE
    return _Step(at, done.task, kind, signer, {"method": method, "comment": comment})


def _moment(day: date, rng: random.Random) -> datetime:
    """A time on ``day`` in clinic hours, never in the future."""
    clock = time(rng.randint(13, 22), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999))
    return min(datetime.combine(day, clock, tzinfo=UTC), _now() - timedelta(minutes=2))


def _now() -> datetime:
    return datetime.now(UTC)


def _append(onboarding: Onboarding, steps: list[_Step]) -> None:
    """Append ``steps`` after the plan's opening entry with the columns and signed chain
    ``operations.record.append_event`` gives (and the tasks' kept state), and the audit entry
    ``progress.sign_off`` writes for each sign-off, in two bulk inserts. The verbs re-read and
    re-fold the whole record before every event, which makes seeding thousands of records
    quadratic; ``verify_seeded`` checks every chain afterwards."""
    events = list(
        db.session.scalars(
            select(OnboardingEvent)
            .where(OnboardingEvent.onboarding_id == onboarding.id)
            .order_by(OnboardingEvent.seq)
        )
    )
    opening, digests = len(events), stated_digests(onboarding.id)
    for step in steps:
        event = OnboardingEvent(
            clinic_id=onboarding.clinic_id,
            onboarding_id=onboarding.id,
            task_id=step.task.id,
            seq=len(events) + 1,
            kind=step.kind,
            actor_id=step.actor.user_id,
            actor_name=step.actor.user.display_name,
            actor_role=step.actor.role.value,
            payload=step.payload,
            created_at=step.at,
            prev_hash=events[-1].hash,
        )
        item_id = step.task.item_id
        seal(event, item_id, onboarding.membership_id, digests.get(item_id))
        events.append(event)
    added = events[opening:]
    db.session.execute(insert(OnboardingEvent), [_columns(event) for event in added])
    task_states.refresh([onboarding.id])  # what append_event keeps on each task
    signoffs = [s for s in steps if s.kind in (EventKind.SIGNED_OFF, EventKind.NEEDS_PRACTICE)]
    if signoffs:
        db.session.execute(insert(AuditEvent), [_audit_row(onboarding, s) for s in signoffs])
    _renewals(onboarding)


def _columns(event: OnboardingEvent) -> dict[str, Any]:
    return {
        column.key: getattr(event, column.key)
        for column in OnboardingEvent.__table__.columns
        if column.key != "id"
    }


def _audit_row(onboarding: Onboarding, step: _Step) -> dict[str, Any]:
    """What ``progress.sign_off`` writes through ``audit.record``, dated when it happened."""
    return {
        "clinic_id": onboarding.clinic_id,
        "actor_id": step.actor.user_id,
        "action": f"onboarding.{step.kind}",
        "subject": f"onboarding {onboarding.id} ({onboarding.membership.user.display_name})",
        "before": None,
        "after": {"task": step.task.item_id},
        "created_at": step.at,
    }


def _renewals(onboarding: Onboarding) -> None:
    """The next BLS card or yearly attestation, as the verbs create after each event."""
    records = record_reads.task_records(onboarding)
    for task in [t for t in onboarding.tasks if t.renews]:
        sync_renewal(onboarding, task, records)


def seed_record(database_url: str, items: int = PLAN_MAX, today: date | None = None) -> int:
    """Empty the database and add one clinic whose hire has a completed record of ``items``
    items (library items and the clinic's own): what the PDF benchmark prints. Its id."""
    today = today or date.today()
    app = make_app(database_url)
    with app.app_context():
        reset_schema()
        rng, catalog = random.Random("record"), library.catalog()
        clinic = accounts.create_clinic(
            accounts.ClinicDetails(
                "Harbour Family Health", "ON", "family_medicine", "accuro", tuple(catalog.options)
            ),
            confirmed=True,
        )
        manager = _person(clinic, 0, "manager", AppRole.MANAGER, rng)
        supervisor = _person(clinic, 0, "supervisor", AppRole.SUPERVISOR, rng)
        db.session.flush()
        role = roles.add_role(clinic, manager.user, "lead_medical_assistant", "", catalog=catalog)
        planned = len(plan_for(catalog, clinic, role, today).tasks)
        _custom_items(role, manager, items - planned, rng, catalog)
        onboarding = start_onboarding(
            clinic,
            manager.user,
            name="Amira Haddad",
            email="hire.record@bench.example.com",
            role=role,
            start_date=today - timedelta(days=200),
            supervisor=supervisor.user,
        )
        _work(onboarding, supervisor, manager, rng, today, complete=True)
        for user in db.session.scalars(select(User)):
            user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        found = onboarding.id
        db.session.remove()
        db.engine.dispose()
    return found


def verify_seeded() -> int:
    """Every record's hash chain, checked as ``clinic-onboard verify-signoffs`` does; the number
    of records, or AssertionError naming the first broken one."""
    reports = list(verify_chains())
    broken = [r for r in reports if not r.ok]
    assert not broken, f"seeded record {broken[0].onboarding_id} is broken: {broken[0].findings}"
    return len(reports)


def default_database(name: str) -> str:
    """A SQLite file in a new temporary folder (kept, so it can be opened afterwards)."""
    return sqlite_url(Path(tempfile.mkdtemp(prefix="clinic-onboard-bench-")), name)


def describe(report: SeedReport) -> str:
    counts = report.counts
    return (
        f"{report.size}: {counts['onboardings']} onboardings, "
        f"{counts['onboarding_tasks']:,} tasks, {counts['onboarding_events']:,} events, "
        f"{counts['audit_events']:,} audit entries; seeded in {report.seconds:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clinics", type=int, default=20)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args(argv)
    if args.clinics < 1 or args.staff < 3 * args.clinics:
        parser.error("give at least one clinic and three staff per clinic")
    url = args.database_url or default_database("seed")
    report = seed(url, Size(args.clinics, args.staff))
    print(describe(report))
    print(f"database: {make_url(url).render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
