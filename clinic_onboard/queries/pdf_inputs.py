"""From database rows to the PDF layer's inputs: records, summaries and a role's blank sheets.

A thin mapping layer: it reads the clinic's data (inside an app context) and hands plain data to
``clinic_onboard.pdf``; it handles no request and decides no access, which the views do first.
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime

from sqlalchemy import select

from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.local_time import TIME_ZONES, local
from clinic_onboard.models import (
    Clinic,
    ClinicRole,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.models.onboarding import OFFBOARDING
from clinic_onboard.pdf import (
    AcknowledgementEntry,
    ClinicInfo,
    ClosedRow,
    CredentialEntry,
    Document,
    ExpiringCredential,
    HireInfo,
    RecordInput,
    RecordItem,
    StaffRow,
    SummaryInput,
    blank_checklist,
    blank_plan,
)
from clinic_onboard.pdf.document import (
    HistoryEntry,
    PendingRenewal,
    form_scope,
    signature_meaning,
)
from clinic_onboard.pdf.words import Words
from clinic_onboard.queries.dashboard import expiring_credentials
from clinic_onboard.queries.hire_summaries import closed_hires, every_hire
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.record import (
    TaskRecord,
    chain_head,
    events_of,
    fold_records,
    voided_ids,
)
from clinic_onboard.record.states import (
    CREDENTIAL_KINDS,
    STATEMENT_KINDS,
    EventKind,
    TaskStatus,
)
from clinic_onboard.services.library import catalog

# The statuses in which the hire's latest completion (or form) still stands.
_COMPLETION_STANDS = frozenset(
    {TaskStatus.DONE, TaskStatus.AWAITING_SIGNOFF, TaskStatus.SIGNED_OFF}
)


def clinic_info(
    clinic: Clinic, library: Catalog | None = None, lang: str | None = None
) -> ClinicInfo:
    """The clinic's name with its province and setting spelled out as the library names them,
    in ``lang`` (the clinic's language when not given)."""
    library, lang = library or catalog(), lang or clinic.language
    jurisdiction = library.jurisdictions.get(clinic.province)
    setting = library.settings.get(clinic.setting)
    return ClinicInfo(
        name=clinic.name,
        province_name=jurisdiction.name.get(lang) if jurisdiction else clinic.province,
        setting_name=setting.name.get(lang) if setting else clinic.setting,
    )


# ---- the completed record ---------------------------------------------------------------------


def record_input(
    onboarding: Onboarding, verify_url: str, generated_at: datetime, lang: str | None = None
) -> RecordInput:
    """Every item of ``onboarding`` with its whole history, its credentials and signatures, in
    ``lang`` (the clinic's language when not given), every time on the clinic's clock.

    Renewals appear once recorded, and those still to come as pending; an item withdrawn from
    the plan stays, marked, once anything was recorded on it (the HTML record and the chain keep
    it too); one withdrawn untouched was never part of the hire's history.
    """
    clinic = db.session.get(Clinic, onboarding.clinic_id)
    lang = lang or clinic.language
    _, zone = Words(lang), clinic.time_zone
    events = events_of(onboarding)
    records = fold_records(onboarding.tasks, events, withdrawn=True)
    live = [task for task in onboarding.tasks if _printed(task, records[task.id])]
    history = _histories(events, zone)
    supervisor = onboarding.supervisor
    final = next((e for e in reversed(events) if e.kind == EventKind.FINAL_SIGNOFF), None)
    return RecordInput(
        clinic=clinic_info(clinic, lang=lang),
        hire=HireInfo(
            name=onboarding.membership.user.display_name,
            role_name=onboarding.role.name,
            start_date=onboarding.start_date,
            supervisor_name=supervisor.display_name if supervisor else _("None named"),
        ),
        catalog_version=onboarding.catalog_version,
        generated_at=local(generated_at, zone),
        items=tuple(_item(task, records[task.id], history, zone) for task in live),
        credentials=tuple(_credentials(live, records)),
        acknowledgements=tuple(_acknowledgements(live, records, zone)),
        signature_meaning=signature_meaning(lang),
        fingerprint=chain_head(onboarding),
        verify_url=verify_url,
        language=lang,
        left=onboarding.status == OnboardingStatus.LEFT,
        offboarding=onboarding.kind == OFFBOARDING,
        status=onboarding.status.value,
        completed_on=local(onboarding.completed_at, zone).date()
        if onboarding.completed_at
        else None,
        final_signoff=_entry(final, zone) if final else None,
        pending_renewals=tuple(_pending_renewals(onboarding.tasks, records)),
        time_zone=_zone_name(zone, generated_at, _),
    )


def _zone_name(zone: str, when: datetime, _: Words) -> str:
    """ "Eastern (Ontario, Quebec), EST": the zone as the clinic chose it, and its abbreviation."""
    label = TIME_ZONES.get(zone)
    return f"{_(label) if label else zone}, {local(when, zone).tzname()}"


def _printed(task: OnboardingTask, record: TaskRecord) -> bool:
    """Whether the record lists ``task``: withdrawn items and renewals only with history."""
    optional = task.withdrawn_at is not None or task.renewal_of_id is not None
    return not optional or bool(record.events)


def _pending_renewals(
    tasks: list[OnboardingTask], records: dict[int, TaskRecord]
) -> Iterator[PendingRenewal]:
    """Renewals in the plan with nothing recorded yet: what the record still waits for."""
    for task in tasks:
        record = records.get(task.id)
        waiting = record is not None and not record.events
        if task.renewal_of_id is not None and task.withdrawn_at is None and waiting:
            yield PendingRenewal(task.title, task.due_date)


def _histories(events: list[OnboardingEvent], zone: str) -> dict[int, list[HistoryEntry]]:
    """Each task's entries in order, corrections and the entries they cancel included."""
    by_id = {event.id: event for event in events}
    cancelled = voided_ids(events)
    entries: dict[int, list[HistoryEntry]] = {}
    for event in events:
        if event.task_id is None or event.kind in STATEMENT_KINDS:
            continue
        target = by_id.get(event.payload.get("voids")) if event.kind == EventKind.VOIDED else None
        cancels = local(target.created_at, zone) if target is not None else None
        entry = _entry(event, zone, cancelled=event.id in cancelled, cancels=cancels)
        entries.setdefault(event.task_id, []).append(entry)
    return entries


# The payload fields a history entry prints, by the name the event stores them under.
_PRINTED_FACTS = (
    "method",
    "seen",
    "comment",
    "note",
    "reason",
    "number",
    "expires_on",
    "content_version",
    "document_version",
    "document_sha256",
)


def _entry(
    event: OnboardingEvent,
    zone: str,
    cancelled: bool = False,
    cancels: datetime | None = None,
) -> HistoryEntry:
    payload = event.payload or {}
    return HistoryEntry(
        kind=event.kind,
        at=local(event.created_at, zone),
        actor=event.actor_name,
        actor_role=event.actor_role,
        facts=tuple((name, str(payload[name])) for name in _PRINTED_FACTS if payload.get(name)),
        cancelled=cancelled,
        cancels=cancels,
    )


def _item(
    task: OnboardingTask,
    record: TaskRecord,
    history: dict[int, list[HistoryEntry]],
    zone: str,
) -> RecordItem:
    completion = record.completion if record.status in _COMPLETION_STANDS else None
    completed_at = local(completion.created_at, zone) if completion else None
    return RecordItem(
        title=task.title,
        module_title=task.module_title,
        kind=task.kind,
        status=record.status,
        due_on=task.due_date,
        completed_on=completed_at.date() if completed_at else None,
        history=tuple(history.get(task.id, ())),
        withdrawn_on=local(task.withdrawn_at, zone).date() if task.withdrawn_at else None,
    )


def _how_signed(signed: OnboardingEvent) -> str:
    """The method of a competency, what was seen of a document, or a confirmation."""
    payload = signed.payload
    return payload.get("method") or payload.get("seen") or signed.kind


def _credentials(
    tasks: list[OnboardingTask], records: dict[int, TaskRecord]
) -> Iterator[CredentialEntry]:
    for task in tasks:
        record = records[task.id]
        event = record.last(CREDENTIAL_KINDS)
        if event is None or record.status not in _COMPLETION_STANDS:
            continue
        payload = event.payload
        yield CredentialEntry(
            title=task.title,
            issuer=payload.get("issuer") or "",
            number=payload.get("number") or "",
            issued_on=_day(payload.get("issued_on")),
            expires_on=_day(payload.get("expires_on")),
        )


def _acknowledgements(
    tasks: list[OnboardingTask], records: dict[int, TaskRecord], zone: str
) -> Iterator[AcknowledgementEntry]:
    for task in tasks:
        record = records[task.id]
        event = record.last([EventKind.ACKNOWLEDGED])
        if event is None or record.status not in _COMPLETION_STANDS:
            continue
        yield AcknowledgementEntry(
            title=task.title,
            typed_name=event.payload.get("typed_name") or event.actor_name,
            signed_at=local(event.created_at, zone),
            content_version=event.payload.get("content_version") or "",
            document_version=str(event.payload.get("document_version") or ""),
            document_sha256=event.payload.get("document_sha256") or "",
        )


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# ---- the compliance summary -------------------------------------------------------------------


def summary_input(clinic: Clinic, generated_at: datetime, lang: str | None = None) -> SummaryInput:
    """The dashboard's matrix and expiring credentials, as of ``generated_at``'s date, in
    ``lang`` (the clinic's language when not given)."""
    lang = lang or clinic.language
    today = generated_at.date()
    scope = select(Onboarding.id).where(Onboarding.clinic_id == clinic.id)
    hires = every_hire(clinic.id, today)
    staff = tuple(
        StaffRow(
            name=row.name,
            role_name=row.role_name,
            statuses=tuple(row.module_cells.get(module_id) for module_id, _ in hires.modules),
        )
        for row in hires.rows
    )
    expiring = tuple(
        ExpiringCredential(person=c.hire, credential=c.title, expires_on=c.expires_on)
        for c in expiring_credentials(clinic.id, scope, today)
    )
    closed = tuple(
        ClosedRow(c.name, c.role_name, c.status == OnboardingStatus.LEFT, c.closed_on)
        for c in closed_hires(clinic.id, clinic.time_zone)
    )
    return SummaryInput(
        clinic=clinic_info(clinic, lang=lang),
        generated_at=generated_at,
        catalog_version=catalog().version,
        modules=tuple(module_name(module_id, title, lang) for module_id, title in hires.modules),
        staff=staff,
        expiring=expiring,
        language=lang,
        closed=closed,
    )


def module_name(module_id: str, stored: str, lang: str) -> str:
    """A module's title in ``lang`` from the library; a module it no longer has keeps the title
    stored with the hire's plan (in the language that plan was made in)."""
    module = next((m for m in catalog().modules if m.id == module_id), None)
    return module.title.get(lang) if module is not None else stored


# ---- a role's blank checklist and plan --------------------------------------------------------


def role_checklist(role: ClinicRole, start: date, printed_on: date | None = None) -> Document:
    """The blank duty checklist a hire in ``role`` starting on ``start`` would get."""
    return _blank(blank_checklist, role, start, printed_on)


def role_plan(role: ClinicRole, start: date, printed_on: date | None = None) -> Document:
    """The blank dated onboarding plan a hire in ``role`` starting on ``start`` would get."""
    return _blank(blank_plan, role, start, printed_on)


def _blank(
    builder: Callable[..., Document], role: ClinicRole, start: date, printed_on: date | None
) -> Document:
    library = catalog()
    clinic = db.session.get(Clinic, role.clinic_id)
    info = clinic_info(clinic, library)
    header = (info.name, info.province_name, info.setting_name, role.name, library.version)
    plan = plan_for(library, clinic, role, start, created_on=printed_on)
    return builder(plan, *header, printed_on, form_scope(library, plan))
