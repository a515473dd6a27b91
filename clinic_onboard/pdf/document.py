"""What each PDF export says: plain data in, a ``Document`` out.

Pure: no reportlab, no Flask, no database and no clock. Every date and time is passed in (a
record's ``generated_at`` included), so the same input always describes the same document and
the renderer can make it byte for byte identical. The database layer maps its rows onto
``RecordInput`` and ``SummaryInput``; the blank exports need only a ``Plan``.
"""

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, get_args

from clinic_onboard.pdf.model import (
    Block,
    Cell,
    Column,
    Document,
    Fact,
    Footer,
    Note,
    Section,
    SignatureLines,
    Table,
    Tone,
    Verification,
)
from clinic_onboard.planner import Plan, PlannedDuty, PlannedTask

DISCLAIMER = "Guidance to adapt with your privacy officer; not legal advice."

ItemStatus = Literal["Signed off", "Completed", "Needs practice", "Not started", "Switched off"]
SignoffMethod = Literal["observed", "demonstrated", "discussed", "document reviewed"]
_ITEM_STATUSES = set(get_args(ItemStatus))
ModuleStatus = Literal["Done", "In progress", "Overdue", "Not started", "—"]

FREQUENCY_TITLES = {
    "start_of_day": "Start of day",
    "per_patient": "With every patient",
    "end_of_day": "End of day",
    "weekly": "Weekly",
    "monthly": "Monthly",
}
# A phase's title, the offset printed beside its tasks, and the day it sorts at among "By day N".
PHASES = {
    "before_start": ("Before the first day", "Before day 1", -1),
    "day_1": ("Day 1", "Day 1", 1),
    "week_1": ("Week 1", "Week 1", 7),
    "first_30_days": ("First 30 days", "By day 30", 30),
    "first_90_days": ("First 90 days", "By day 90", 90),
}
_STATUS_TONES: dict[str, Tone] = {
    "Signed off": "good",
    "Completed": "plain",
    "Needs practice": "warn",
    "Not started": "muted",
    "Switched off": "muted",
    "Done": "good",
    "In progress": "plain",
    "Overdue": "bad",
    "—": "muted",
}
_SIGNOFF_TEXT = {
    "none": "no sign-off",
    "supervisor": "supervisor signs off",
    "manager": "manager signs off",
}
_EXPIRY_WARNING_DAYS = 60
# A matrix column must fit words such as "confidentiality" whole: wider libraries are split into
# several matrices of balanced width, each repeating the staff column.
_MATRIX_COLUMNS_LANDSCAPE = 7
_MATRIX_COLUMNS_PORTRAIT = 4


def _require_aware(moment: datetime, what: str) -> None:
    """A naive time on a signed record is ambiguous across time zones, so refuse it early."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    province_name: str
    setting_name: str


@dataclass(frozen=True)
class HireInfo:
    name: str
    role_name: str
    start_date: date
    supervisor_name: str


@dataclass(frozen=True)
class RecordItem:
    """One onboarding item as it stands; the sign-off fields are empty until someone signs."""

    id: str
    title: str
    module_title: str
    kind: str
    status: ItemStatus | str
    completed_on: date | None = None
    signed_by: str = ""
    signer_role: str = ""
    method: SignoffMethod | str = ""
    signed_at: datetime | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.signed_at is not None:
            _require_aware(self.signed_at, f"signed_at of {self.id}")


@dataclass(frozen=True)
class CredentialEntry:
    title: str
    issuer: str
    number: str
    issued_on: date | None
    expires_on: date | None


@dataclass(frozen=True)
class AcknowledgementEntry:
    title: str
    typed_name: str
    signed_at: datetime

    def __post_init__(self) -> None:
        _require_aware(self.signed_at, f"signed_at of {self.title!r}")


@dataclass(frozen=True)
class RecordInput:
    """A hire's completed onboarding record, as the database layer hands it to the PDF."""

    clinic: ClinicInfo
    hire: HireInfo
    catalog_version: str
    generated_at: datetime
    items: tuple[RecordItem, ...]
    credentials: tuple[CredentialEntry, ...]
    acknowledgements: tuple[AcknowledgementEntry, ...]
    signature_meaning: str
    fingerprint: str  # hex head of the record's sign-off hash chain
    verify_url: str

    def __post_init__(self) -> None:
        _require_aware(self.generated_at, "generated_at")


@dataclass(frozen=True)
class StaffRow:
    """One person in the compliance matrix: a status per module, in the summary's module order."""

    name: str
    role_name: str
    statuses: tuple[ModuleStatus | str, ...]


@dataclass(frozen=True)
class ExpiringCredential:
    person: str
    credential: str
    expires_on: date


@dataclass(frozen=True)
class SummaryInput:
    clinic: ClinicInfo
    generated_at: datetime
    catalog_version: str
    modules: tuple[str, ...]
    staff: tuple[StaffRow, ...]
    expiring: tuple[ExpiringCredential, ...]

    def __post_init__(self) -> None:
        _require_aware(self.generated_at, "generated_at")
        for row in self.staff:
            if len(row.statuses) != len(self.modules):
                raise ValueError(f"{row.name}: one status per module is needed")


# ---- the blank duty checklist -----------------------------------------------------------------


def blank_checklist(
    plan: Plan,
    clinic_name: str,
    jurisdiction_name: str,
    setting_name: str,
    role_name: str,
    catalog_version: str,
    printed_on: date | None = None,
) -> Document:
    """The role's duties by frequency, with a box to tick and room to initial and date each."""
    sections = tuple(_duty_sections(plan.duties))
    review = Section("Review", (SignatureLines(("Reviewed by (supervisor)", "Signature", "Date")),))
    return Document(
        title=f"Duty checklist: {role_name}, {clinic_name}",
        kicker=clinic_name,
        headline=f"Duty checklist — {role_name}",
        running_head=f"{clinic_name} · Duty checklist · {role_name}",
        header=_profile_facts(jurisdiction_name, setting_name, role_name),
        intro="Tick each duty when you have done it and know how, then initial and date it. "
        "Ask your supervisor about anything you are unsure of.",
        fill_ins=("Staff member", "Supervisor"),
        sections=(*sections, review),
        footer=_blank_footer(catalog_version, printed_on),
        subject="Role duty checklist",
    )


def _profile_facts(jurisdiction: str, setting: str, role: str) -> tuple[Fact, ...]:
    return (
        Fact("Province or territory", jurisdiction),
        Fact("Setting", setting),
        Fact("Role", role),
    )


def _blank_footer(catalog_version: str, printed_on: date | None) -> Footer:
    printed = (f"Printed {printed_on.isoformat()}",) if printed_on else ()
    return Footer((*printed, f"Content {catalog_version}"), DISCLAIMER)


def _duty_sections(duties: Sequence[PlannedDuty]) -> Iterator[Section]:
    columns = (
        Column("", 0.06, "center"),
        Column("Duty", 0.60),
        Column("Initials", 0.15),
        Column("Date", 0.19),
    )
    for frequency, title in FREQUENCY_TITLES.items():
        rows = tuple(_duty_row(duty) for duty in duties if duty.frequency == frequency)
        if rows:
            count = _count(len(rows), "duty", "duties")
            yield Section(title, (Table(columns, rows, write_in=True),), count)


def _duty_row(duty: PlannedDuty) -> tuple[Cell, ...]:
    return (
        Cell(kind="checkbox"),
        Cell(duty.title, short(duty.guidance), bold=True),
        Cell(),
        Cell(),
    )


def short(text: str, limit: int = 240) -> str:
    """The leading sentences that fit in ``limit`` characters: a printed sheet is a reminder."""
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    kept = sentences[0]
    for sentence in sentences[1:]:
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}"
    if len(kept) > limit:
        kept = kept[:limit].rsplit(" ", 1)[0] + "…"
    return kept


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


# ---- the blank onboarding plan ----------------------------------------------------------------


def blank_plan(
    plan: Plan,
    clinic_name: str,
    jurisdiction_name: str,
    setting_name: str,
    role_name: str,
    catalog_version: str,
    printed_on: date | None = None,
) -> Document:
    """The dated onboarding tasks by phase, with lines for who did each, who signed, and when."""
    closing = Section(
        "Plan complete",
        (SignatureLines(("Staff member", "Supervisor", "Manager", "Date")),),
    )
    return Document(
        title=f"Onboarding plan: {role_name}, {clinic_name}",
        kicker=clinic_name,
        headline=f"Onboarding plan — {role_name}",
        running_head=f"{clinic_name} · Onboarding plan · {role_name}",
        header=(
            *_profile_facts(jurisdiction_name, setting_name, role_name),
            Fact("First day", long_date(plan.start_date)),
        ),
        intro=f"Due dates fall on {jurisdiction_name}'s working days. When a task is done, the "
        "staff member writes their name; where a sign-off is needed, the person signing "
        "confirms they saw it done as described.",
        fill_ins=("Staff member", "Supervisor"),
        sections=(*_task_sections(plan.tasks), *_switched_off(plan), closing),
        footer=_blank_footer(catalog_version, printed_on),
        subject="Onboarding plan",
    )


def _task_sections(tasks: Sequence[PlannedTask]) -> Iterator[Section]:
    """One section per phase, plus "By day N" for day-count items that match no phase."""
    groups: dict[tuple[int, str], list[PlannedTask]] = {}
    for task in tasks:
        groups.setdefault(_group(task), []).append(task)
    columns = (
        Column("Due", 0.16),
        Column("Task", 0.38),
        Column("Completed by", 0.17),
        Column("Signed off by", 0.17),
        Column("Date", 0.12),
    )
    for (_, title), members in sorted(groups.items()):
        rows = tuple(_task_row(task) for task in members)
        count = _count(len(rows), "task", "tasks")
        yield Section(title, (Table(columns, rows, write_in=True),), count)


def _group(task: PlannedTask) -> tuple[int, str]:
    """Where a task is listed: its phase, the phase its day count matches, or "By day N"."""
    if task.phase is not None:
        title, _, day = PHASES[task.phase]
        return day, title
    days = max(task.due_days or 0, 1)
    for title, _, day in PHASES.values():
        if day == days:
            return day, title
    return days, f"By day {days}"


def _task_row(task: PlannedTask) -> tuple[Cell, ...]:
    kind = task.kind.capitalize()
    signer = Cell() if task.signoff != "none" else Cell("Not needed", tone="muted")
    due = Cell(offset(task), f"{task.due_date:%a} {task.due_date.isoformat()}", bold=True)
    title = Cell(task.title, f"{kind} · {_SIGNOFF_TEXT[task.signoff]}", bold=True)
    return (due, title, Cell(), signer, Cell())


def offset(task: PlannedTask) -> str:
    """When a task falls due relative to the first day: "Day 14", "Week 1", "Before day 1"."""
    if task.phase is not None:
        return PHASES[task.phase][1]
    return f"Day {max(task.due_days or 0, 1)}"


def _switched_off(plan: Plan) -> Iterator[Section]:
    if not plan.switched_off:
        return
    columns = (Column("Item", 0.5), Column("The clinic's reason", 0.5))
    rows = tuple((Cell(entry.title), Cell(entry.reason)) for entry in plan.switched_off)
    count = _count(len(rows), "item", "items")
    yield Section("Switched off by the clinic", (Table(columns, rows),), count)


# ---- the completed, signed record -------------------------------------------------------------


def completed_record(record: RecordInput) -> Document:
    """Every item with its status and sign-off, credentials, acknowledgements and the proof."""
    clinic, hire = record.clinic, record.hire
    return Document(
        title=f"Onboarding record: {hire.name}, {hire.role_name}, {clinic.name}",
        kicker=clinic.name,
        headline=f"Onboarding record — {hire.name}",
        running_head=f"{clinic.name} · Onboarding record · {hire.name}",
        header=(
            Fact("Staff member", hire.name),
            Fact("Role", hire.role_name),
            Fact("First day", long_date(hire.start_date)),
            Fact("Supervisor", hire.supervisor_name),
            Fact("Province or territory", clinic.province_name),
            Fact("Setting", clinic.setting_name),
        ),
        intro=status_summary(record.items),
        sections=(
            *_item_sections(record.items),
            _credentials_section(record.credentials, record.generated_at.date()),
            _acknowledgements_section(record.acknowledgements),
            _closing_section(record),
        ),
        footer=Footer(
            (
                f"Generated {moment(record.generated_at)}",
                f"Content {record.catalog_version}",
                f"Fingerprint {record.fingerprint[:12]}…",
            ),
            DISCLAIMER,
        ),
        subject="Completed onboarding record",
    )


def status_summary(items: Sequence[RecordItem]) -> str:
    """One line a reader takes in at a glance: "24 items: 18 signed off, 2 not started"."""
    counts = Counter(item.status for item in items)
    # the usual statuses in a fixed order, then any others the database layer passes
    order = [s for s in get_args(ItemStatus) if s in counts] + sorted(set(counts) - _ITEM_STATUSES)
    parts = ", ".join(f"{counts[status]} {status.lower()}" for status in order)
    return f"{_count(len(items), 'item', 'items')}: {parts}." if items else "No items."


def _item_sections(items: Sequence[RecordItem]) -> Iterator[Section]:
    columns = (
        Column("Item", 0.325),
        Column("Status", 0.12),
        Column("Completed", 0.12),
        Column("Signed off by", 0.17),
        Column("Method", 0.145),
        Column("Signed at", 0.12),
    )
    modules: dict[str, list[RecordItem]] = {}
    for item in items:
        modules.setdefault(item.module_title, []).append(item)
    for module_title, members in modules.items():
        rows = tuple(_item_row(item) for item in members)
        yield Section(module_title, (Table(columns, rows),), _count(len(rows), "item", "items"))


def _item_row(item: RecordItem) -> tuple[Cell, ...]:
    about = f"{item.kind.capitalize()} · {item.id}"
    if item.note:
        about = f"{about}\nNote: {item.note}"
    return (
        Cell(item.title, about, bold=True),
        Cell(item.status, tone=_STATUS_TONES.get(item.status, "plain"), bold=True),
        Cell(item.completed_on.isoformat() if item.completed_on else "—"),
        Cell(item.signed_by or "—", item.signer_role),
        Cell(item.method.capitalize() if item.method else "—"),
        _moment_cell(item.signed_at),
    )


def _moment_cell(when: datetime | None) -> Cell:
    if when is None:
        return Cell("—")
    return Cell(when.date().isoformat(), f"{when:%H:%M} {when.tzname()}")


def _credentials_section(credentials: Sequence[CredentialEntry], today: date) -> Section:
    if not credentials:
        return Section("Credentials", (Note("No credentials are recorded."),))
    columns = (
        Column("Credential", 0.29),
        Column("Issuer", 0.23),
        Column("Number", 0.19),
        Column("Issued", 0.14),
        Column("Expires", 0.15),
    )
    rows = tuple(_credential_row(credential, today) for credential in credentials)
    return Section(
        "Credentials", (Table(columns, rows),), _count(len(rows), "credential", "credentials")
    )


def _credential_row(credential: CredentialEntry, today: date) -> tuple[Cell, ...]:
    issued = credential.issued_on.isoformat() if credential.issued_on else "—"
    return (
        Cell(credential.title, bold=True),
        Cell(credential.issuer),
        Cell(credential.number or "—"),
        Cell(issued),
        _expiry_cell(credential.expires_on, today),
    )


def _expiry_cell(expires_on: date | None, today: date) -> Cell:
    """The expiry date with how far off it is: expired and soon-to-expire stand out."""
    if expires_on is None:
        return Cell("No expiry", tone="muted")
    days = (expires_on - today).days
    if days < 0:
        return Cell(expires_on.isoformat(), "Expired", tone="bad", bold=True)
    if days <= _EXPIRY_WARNING_DAYS:
        return Cell(expires_on.isoformat(), f"In {_count(days, 'day', 'days')}", tone="warn")
    return Cell(expires_on.isoformat())


def _acknowledgements_section(acknowledgements: Sequence[AcknowledgementEntry]) -> Section:
    if not acknowledgements:
        return Section("Acknowledgements", (Note("No acknowledgements are recorded."),))
    columns = (
        Column("Acknowledgement", 0.52),
        Column("Typed name", 0.26),
        Column("Signed at", 0.22),
    )
    rows = tuple(
        (Cell(ack.title, bold=True), Cell(ack.typed_name), _moment_cell(ack.signed_at))
        for ack in acknowledgements
    )
    return Section(
        "Acknowledgements",
        (Table(columns, rows),),
        _count(len(rows), "acknowledgement", "acknowledgements"),
    )


def _closing_section(record: RecordInput) -> Section:
    """What a sign-off means, signature lines and the proof, together on the last page."""
    explanation = (
        "The fingerprint is the head of this record's chain of sign-offs: each sign-off is "
        "hashed together with the one before it, so changing any of them changes the "
        "fingerprint. Scan the code or open the address to check this printout against the "
        "clinic's record."
    )
    blocks = (
        Note(record.signature_meaning, emphasis=True),
        SignatureLines(("Staff member", "Manager", "Date")),
        Verification(record.fingerprint, record.verify_url, explanation),
    )
    return Section("What a sign-off means", blocks, keep_together=True)


# ---- the compliance summary -------------------------------------------------------------------


def compliance_summary(summary: SummaryInput) -> Document:
    """Staff by module at a glance, and the credentials about to lapse."""
    clinic = summary.clinic
    today = summary.generated_at.date()
    return Document(
        title=f"Compliance summary: {clinic.name}",
        kicker=clinic.name,
        headline="Onboarding and credentials summary",
        running_head=f"{clinic.name} · Compliance summary · {today.isoformat()}",
        header=(
            Fact("Province or territory", clinic.province_name),
            Fact("Setting", clinic.setting_name),
            Fact("Staff", str(len(summary.staff))),
            Fact("As of", long_date(today)),
        ),
        intro="Each cell is a staff member's progress through one module. "
        "Done: every item complete and signed off. Overdue: an item is past its due date. "
        "—: the module does not apply to their role.",
        sections=(_matrix_section(summary), _expiring_section(summary.expiring, today)),
        footer=Footer(
            (f"Generated {moment(summary.generated_at)}", f"Content {summary.catalog_version}"),
            DISCLAIMER,
        ),
        landscape=len(summary.modules) > _MATRIX_COLUMNS_PORTRAIT,
        subject="Compliance summary",
    )


def _matrix_section(summary: SummaryInput) -> Section:
    if not summary.staff:
        return Section("Onboarding by module", (Note("No staff are onboarding."),))
    tables: list[Block] = [_matrix(summary, span) for span in matrix_spans(len(summary.modules))]
    return Section(
        "Onboarding by module", tuple(tables), _count(len(summary.staff), "person", "people")
    )


def matrix_spans(modules: int) -> list[range]:
    """Module columns per matrix, as few matrices as fit and balanced: 15 give 5, 5, 5."""
    portrait = modules <= _MATRIX_COLUMNS_PORTRAIT
    widest = _MATRIX_COLUMNS_PORTRAIT if portrait else _MATRIX_COLUMNS_LANDSCAPE
    tables = -(-modules // widest)  # ceiling division
    spans, start = [], 0
    for index in range(tables):
        size = modules // tables + (index < modules % tables)
        spans.append(range(start, start + size))
        start += size
    return spans


def _matrix(summary: SummaryInput, span: range) -> Table:
    """Staff down the side, modules ``span`` across: wide libraries split into several tables."""
    person_share = 0.22
    share = (1 - person_share) / len(span)
    columns = (
        Column("Staff member", person_share),
        *(Column(summary.modules[i], share, "center") for i in span),
    )
    rows = tuple(
        (
            Cell(row.name, row.role_name, bold=True),
            *(_status_cell(row.statuses[i]) for i in span),
        )
        for row in summary.staff
    )
    return Table(columns, rows, keep_together=True)


def _status_cell(status: str) -> Cell:
    return Cell(status, tone=_STATUS_TONES.get(status, "plain"), bold=status == "Overdue")


def _expiring_section(expiring: Sequence[ExpiringCredential], today: date) -> Section:
    if not expiring:
        return Section("Credentials expiring soon", (Note("No credentials expire soon."),))
    columns = (
        Column("Staff member", 0.30),
        Column("Credential", 0.36),
        Column("Expires", 0.17),
        Column("Days left", 0.17),
    )
    rows = tuple(_expiring_row(entry, today) for entry in sorted(expiring, key=_by_expiry))
    return Section(
        "Credentials expiring soon",
        (Table(columns, rows),),
        _count(len(rows), "credential", "credentials"),
    )


def _by_expiry(entry: ExpiringCredential) -> tuple[date, str]:
    return entry.expires_on, entry.person


def _expiring_row(entry: ExpiringCredential, today: date) -> tuple[Cell, ...]:
    days = (entry.expires_on - today).days
    left = (
        Cell("Expired", tone="bad", bold=True)
        if days < 0
        else Cell(str(days), tone="warn" if days <= 30 else "plain")
    )
    return (
        Cell(entry.person, bold=True),
        Cell(entry.credential),
        Cell(entry.expires_on.isoformat()),
        left,
    )


# ---- formatting -------------------------------------------------------------------------------


def long_date(day: date) -> str:
    """ "Tuesday 1 December 2026": unambiguous on paper, unlike 01/12/2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def moment(when: datetime) -> str:
    """ "2026-12-15 16:40 EST": the zone printed, since a record may be read in another one."""
    return f"{when:%Y-%m-%d %H:%M} {when.tzname()}"
