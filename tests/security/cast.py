"""A clinic with its whole cast for the security crawlers, built with the app's own operations.

Every name, email and text is derived from the clinic's ``tag`` (a made-up word), so a crawler
can look for any of them in a page of another clinic: ``Cast.secrets`` lists them all.
"""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicInvitation,
    ClinicRole,
    Job,
    JobKind,
    JobLine,
    JobStatus,
    LineOutcome,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingTask,
    PolicyDocument,
)
from clinic_onboard.operations import (
    accounts,
    clinic_invitations,
    daily_logs,
    leaving,
    offboarding,
    progress,
    roles,
)
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.operations.policy_documents import attach_document
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import TaskStatus
from clinic_onboard.services import uploads
from clinic_onboard.services.library import catalog
from tests.conftest import PASSWORD
from tests.web.onboarding_factory import a_pdf

PDF = a_pdf()
# Personas of one clinic: the hire is supervised by "supervisor", the other hire by
# "other_supervisor", so each supervisor has a hire that is not theirs.
PERSONAS = ("manager", "supervisor", "other_supervisor", "hire", "other_hire")
APP_ROLES = {
    "manager": AppRole.MANAGER,
    "supervisor": AppRole.SUPERVISOR,
    "other_supervisor": AppRole.SUPERVISOR,
    "hire": AppRole.STAFF,
    "other_hire": AppRole.STAFF,
}


@dataclass
class Cast:
    """One seeded clinic: its people by persona, the objects worth crawling, its secrets."""

    clinic: Clinic
    people: dict[str, Membership]
    role: ClinicRole
    onboardings: dict[str, Onboarding]
    # Ids the crawlers try first, by model: the objects with the most behind them.
    featured: dict[type, list[int]] = field(default_factory=dict)
    # The hire's objects by what they are ("task.waiting", "event.file"...), for the matrix.
    named: dict[str, int] = field(default_factory=dict)
    library_item: str = ""
    log_objects: dict[str, int] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    policy_document: PolicyDocument | None = None

    def email(self, persona: str) -> str:
        return self.people[persona].user.email


def build_cast(tag: str, today: date | None = None) -> Cast:
    """Seed a clinic named after ``tag`` with two supervised hires part-way through."""
    today = today or date.today()
    clinic = accounts.create_clinic(
        accounts.ClinicDetails(f"{tag} Health Centre", "ON", "family_medicine", "accuro", ()),
        confirmed=True,
    )
    people = {persona: _person(clinic, tag, persona) for persona in PERSONAS}
    db.session.flush()
    role = _tailored_role(clinic, people["manager"], tag)
    cast = Cast(clinic, people, role, {})
    for hire, supervisor in (("hire", "supervisor"), ("other_hire", "other_supervisor")):
        cast.onboardings[hire] = _onboard(cast, hire, supervisor, today - timedelta(days=10))
    cast.policy_document = _policy_document(cast, tag)
    _progress(cast, tag)
    invitation = _invite_outsider(cast, tag, today)
    leaver = _leaver(cast, tag, today)
    _keep_logs(cast, tag)
    db.session.commit()
    _name_objects(cast)
    cast.named["invitation"] = invitation.id
    cast.named["offboarding"] = leaver.id
    cast.named["task.offboarding"] = leaver.tasks[0].id
    cast.named["job"] = _import_job(cast, tag).id
    cast.named.update(cast.log_objects)
    cast.secrets = _secrets(cast, tag)
    return cast


def _person(clinic: Clinic, tag: str, persona: str) -> Membership:
    words = persona.replace("_", " ").title()
    user = accounts.create_user(f"{persona}@{tag.lower()}.example.com", f"{tag} {words}", PASSWORD)
    return accounts.add_member(user, clinic, APP_ROLES[persona])


def _tailored_role(clinic: Clinic, manager: Membership, tag: str) -> ClinicRole:
    """A role with one of the clinic's own items and one library item switched off."""
    role = roles.add_role(clinic, manager.user, "medical_assistant", f"{tag} Assistant")
    details = roles.CustomItemDetails(
        title=f"{tag} custom ritual",
        guidance=f"Follow the {tag} ritual.",
        kind="competency",
        phase="week_1",
        signoff="supervisor",
    )
    roles.add_custom_item(role, manager.user, details)
    library = sorted(roles.applicable_entries(catalog(), role))
    roles.switch_off(role, manager.user, library[0], f"{tag} does not do this here")
    db.session.flush()
    return role


def _onboard(cast: Cast, hire: str, supervisor: str, start: date) -> Onboarding:
    user = cast.people[hire].user
    onboarding = start_onboarding(
        cast.clinic,
        cast.people["manager"].user,
        name=user.display_name,
        email=user.email,
        role=cast.role,
        start_date=start,
        supervisor=cast.people[supervisor].user,
    )
    cast.people[hire] = onboarding.membership
    return onboarding


def _leaver(cast: Cast, tag: str, today: date) -> Onboarding:
    """A hire who left yesterday (not a persona: nobody signs in as them), with the offboarding
    checklist the managers tick."""
    manager = cast.people["manager"]
    first = start_onboarding(
        cast.clinic,
        manager.user,
        name=f"{tag} Leaver",
        email=f"leaver@{tag.lower()}.example.com",
        role=cast.role,
        start_date=today - timedelta(days=30),
        supervisor=None,
    )
    leaving.mark_left(first.membership, manager, today - timedelta(days=1), "resigned")
    checklist = offboarding.start_offboarding(first.membership, manager, catalog())
    assert checklist is not None
    return checklist


def _invite_outsider(cast: Cast, tag: str, today: date) -> ClinicInvitation:
    """Someone with an account and no place here: the clinic can only invite them."""
    outsider = accounts.create_user(f"invitee@{tag.lower()}.example.com", "Outsider", PASSWORD)
    details = clinic_invitations.HireDetails(
        f"{tag} Invitee", outsider.email, cast.role, today, cast.people["supervisor"].user
    )
    return clinic_invitations.invite(cast.clinic, cast.people["manager"].user, outsider, details)


def _keep_logs(cast: Cast, tag: str) -> None:
    """An emergency kit's log with a reading, and one out of range that opened an incident."""
    log = catalog().log("bls.log.emergency_equipment")
    unit = daily_logs.add_unit(cast.clinic, log, f"{tag} crash cart")
    values = {
        "aed_ready": "pass",
        "pads_expiry": "2030-01-01",
        "oxygen_expiry": "2030-01-01",
        "drugs_expiry": "2030-01-01",
        "kit_sealed": "pass",
    }
    hire = cast.people["hire"]
    entry, _ = daily_logs.record_reading(unit, log, "check", values, hire)
    _, incident = daily_logs.record_reading(
        unit, log, "check", {**values, "aed_ready": "fail"}, hire
    )
    assert incident is not None
    cast.log_objects = {"log_unit": unit.id, "log_entry": entry.id, "incident": incident.id}


def _first(onboarding: Onboarding, kind: str, signoff: str | None = None) -> OnboardingTask:
    return next(
        t
        for t in onboarding.tasks
        if t.kind == kind and (signoff is None or t.signoff == signoff) and not t.custom
    )


def _open(onboarding: Onboarding, records: dict, kind: str) -> int:
    return next(
        t.id
        for t in onboarding.tasks
        if t.kind == kind and records[t.id].status is TaskStatus.NOT_STARTED and not t.custom
    )


def _progress(cast: Cast, tag: str) -> None:
    """Events of every kind: done, waiting, signed off, signed, a credential with a file, voided."""
    for hire, supervisor in (("hire", "supervisor"), ("other_hire", "other_supervisor")):
        onboarding, member = cast.onboardings[hire], cast.people[hire]
        waiting = [
            t for t in onboarding.tasks if t.signoff == "supervisor" and t.kind != "credential"
        ]
        for task in waiting[:3]:
            progress.complete_task(onboarding, task, member, f"{tag} note on {task.item_id}")
        progress.sign_off(onboarding, waiting[1], cast.people[supervisor], "observed", True)
        progress.complete_task(onboarding, _first(onboarding, "task", "manager"), member)
        progress.acknowledge_task(
            onboarding,
            _first(onboarding, "acknowledgement"),
            member,
            member.user.display_name,
            cast.policy_document.sha256,
        )
        _credential(cast, onboarding, member, tag)
        voided = progress.complete_task(onboarding, _first(onboarding, "reading"), member)
        progress.void_event(onboarding, voided, cast.people["manager"], f"{tag} correction")


def _policy_document(cast: Cast, tag: str) -> PolicyDocument:
    """The clinic's own PDF behind the acknowledgement the hires sign (before they sign it)."""
    stored = uploads.save_upload(io.BytesIO(PDF), f"{tag} confidentiality.pdf", cast.clinic.id)
    sha256 = uploads.find(cast.clinic.id, stored.stored_name).sha256
    item_id = _first(cast.onboardings["hire"], "acknowledgement").item_id
    manager = cast.people["manager"]
    attached = attach_document(cast.role, manager, item_id, stored, sha256)
    return attached.document


def _import_job(cast: Cast, tag: str) -> Job:
    """A finished CSV import with a line naming one of the clinic's people: its page and
    progress are the managers' alone."""
    manager = cast.people["manager"]
    job = Job(
        clinic_id=cast.clinic.id,
        kind=JobKind.IMPORT_HIRES,
        status=JobStatus.DONE,
        started_by_id=manager.user_id,
        runner="thread",
        payload={},
        total=1,
        done=1,
        refused=1,
    )
    db.session.add(job)
    db.session.flush()
    email = cast.email("hire")
    db.session.add(JobLine(job_id=job.id, line=2, outcome=LineOutcome.REFUSED, label=email))
    db.session.commit()
    return job


def _credential(cast: Cast, onboarding: Onboarding, member: Membership, tag: str) -> None:
    stored = uploads.save_upload(io.BytesIO(PDF), f"{tag} card.pdf", cast.clinic.id)
    details = progress.CredentialDetails(
        f"{tag} Heart Institute", f"{tag}-0042", date(2026, 1, 5), None
    )
    progress.record_credential(
        onboarding, _first(onboarding, "credential"), member, details, stored
    )


def _name_objects(cast: Cast) -> None:
    """Name the hire's objects with the most behind them; the crawlers try them first."""
    onboarding = cast.onboardings["hire"]
    events = record_reads.events_of(onboarding)
    records = record_reads.task_records(onboarding)
    waiting = [t for t in onboarding.tasks if records[t.id].status is TaskStatus.AWAITING_SIGNOFF]
    cast.named = {
        "onboarding": onboarding.id,
        "membership": cast.people["hire"].id,
        "role": cast.role.id,
        "custom_item": cast.role.custom_items[0].id,
        "switched_off": cast.role.switched_off[0].id,
        "task.waiting": next(t.id for t in waiting if t.signoff == "supervisor"),
        "task.manager": next(t.id for t in waiting if t.signoff == "manager"),
        # Still open: their forms can be filled in (the first of each kind is done).
        "task.acknowledgement": _open(onboarding, records, "acknowledgement"),
        "task.credential": _open(onboarding, records, "credential"),
        "event.file": next(e.id for e in events if e.kind == "credential_recorded"),
        "event.completed": next(e.id for e in events if e.kind == "completed"),
        "task.signed_policy": _first(onboarding, "acknowledgement").id,
        "policy_document": cast.policy_document.id,
    }
    named = cast.named
    cast.featured = {
        Onboarding: [onboarding.id, cast.onboardings["other_hire"].id],
        OnboardingTask: [named["task.waiting"], named["task.credential"]],
        OnboardingEvent: [named["event.file"], named["event.completed"]],
        Membership: [cast.people["hire"].id, cast.people["supervisor"].id],
    }
    cast.library_item = sorted(roles.applicable_entries(catalog(), cast.role))[1]


def _secrets(cast: Cast, tag: str) -> list[str]:
    """Strings that only this clinic's pages may show (the tag is in every one of them)."""
    people = [m.user for m in cast.people.values()]
    return sorted(
        {
            cast.clinic.name,
            cast.role.name,
            f"{tag} custom ritual",
            f"{tag} does not do this here",
            f"{tag} Heart Institute",
            f"{tag} correction",
            f"{tag} Invitee",
            f"{tag} crash cart",
            f"{tag} confidentiality.pdf",
            f"invitee@{tag.lower()}.example.com",
            *(u.display_name for u in people),
            *(u.email for u in people),
            tag,
        }
    )
