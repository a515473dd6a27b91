"""From database rows to the PDF layer's inputs: records, summaries and a role's blank sheets.

A thin mapping layer: it reads the clinic's data (inside an app context) and hands plain data to
``clinic_onboard.pdf``; it handles no request and decides no access, which the views do first.
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime

from sqlalchemy import select

from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
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
from clinic_onboard.pdf.document import ROLES, signature_meaning
from clinic_onboard.pdf.words import Words
from clinic_onboard.queries.dashboard import expiring_credentials
from clinic_onboard.queries.hire_summaries import every_hire
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.record import TaskRecord, chain_head, events_of, fold_records
from clinic_onboard.record.states import CREDENTIAL_KINDS, SIGNING_KINDS, EventKind, TaskStatus
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
    """Every item of ``onboarding`` as it stands, with its credentials and signatures, in
    ``lang`` (the clinic's language when not given).

    Renewals appear once recorded; a renewal not yet due is not part of the onboarding. An item
    withdrawn from the plan stays, marked, once anything was recorded on it (the HTML record
    and the chain keep it too); one withdrawn untouched was never part of the hire's history.
    """
    clinic = db.session.get(Clinic, onboarding.clinic_id)
    lang = lang or clinic.language
    _ = Words(lang)
    records = fold_records(onboarding.tasks, events_of(onboarding), withdrawn=True)
    live = [task for task in onboarding.tasks if _printed(task, records[task.id])]
    supervisor = onboarding.supervisor
    return RecordInput(
        clinic=clinic_info(clinic, lang=lang),
        hire=HireInfo(
            name=onboarding.membership.user.display_name,
            role_name=onboarding.role.name,
            start_date=onboarding.start_date,
            supervisor_name=supervisor.display_name if supervisor else _("None named"),
        ),
        catalog_version=onboarding.catalog_version,
        generated_at=generated_at,
        items=tuple(_item(task, records[task.id], _) for task in live),
        credentials=tuple(_credentials(live, records)),
        acknowledgements=tuple(_acknowledgements(live, records)),
        signature_meaning=signature_meaning(lang),
        fingerprint=chain_head(onboarding),
        verify_url=verify_url,
        language=lang,
        left=onboarding.status == OnboardingStatus.LEFT,
        offboarding=onboarding.kind == OFFBOARDING,
    )


def _printed(task: OnboardingTask, record: TaskRecord) -> bool:
    """Whether the record lists ``task``: withdrawn items and renewals only with history."""
    optional = task.withdrawn_at is not None or task.renewal_of_id is not None
    return not optional or bool(record.events)


def _item(task: OnboardingTask, record: TaskRecord, _: Words) -> RecordItem:
    completion = record.completion if record.status in _COMPLETION_STANDS else None
    signed = record.last(SIGNING_KINDS) if record.status is TaskStatus.SIGNED_OFF else None
    note = ""
    comment = record.practice_comment
    if record.status is TaskStatus.NEEDS_PRACTICE:
        note = _("To practise: {comment}", comment=comment) if comment else ""
    elif record.status is TaskStatus.REJECTED:
        note = _("Rejected: {reason}", reason=comment) if comment else ""
    elif completion is not None:
        note = completion.payload.get("note") or ""
    role = signed.actor_role if signed else ""
    return RecordItem(
        id=task.item_id,
        title=task.title,
        module_title=task.module_title,
        kind=task.kind,
        status=record.status,
        completed_on=completion.created_at.date() if completion else None,
        signed_by=signed.actor_name if signed else "",
        signer_role=_(ROLES[role]) if role in ROLES else role.capitalize(),
        method=_how_signed(signed) if signed else "",
        signed_at=signed.created_at if signed else None,
        note=note,
        withdrawn_on=task.withdrawn_at.date() if task.withdrawn_at else None,
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
    tasks: list[OnboardingTask], records: dict[int, TaskRecord]
) -> Iterator[AcknowledgementEntry]:
    for task in tasks:
        record = records[task.id]
        event = record.last([EventKind.ACKNOWLEDGED])
        if event is None or record.status not in _COMPLETION_STANDS:
            continue
        typed = event.payload.get("typed_name") or event.actor_name
        yield AcknowledgementEntry(title=task.title, typed_name=typed, signed_at=event.created_at)


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
    return SummaryInput(
        clinic=clinic_info(clinic, lang=lang),
        generated_at=generated_at,
        catalog_version=catalog().version,
        # Module titles come from the hires' stored plans, in the language they were made in.
        modules=tuple(title for _, title in hires.modules),
        staff=staff,
        expiring=expiring,
        language=lang,
    )


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
    return builder(plan, *header, printed_on)
