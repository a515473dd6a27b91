"""What each PDF export says: plain data in, a ``Document`` out.

Pure: no reportlab, no Flask, no database and no clock. Every date and time is passed in (a
record's ``generated_at`` included), so the same input always describes the same document and
the renderer can make it byte for byte identical. The database layer maps its rows onto
``RecordInput`` and ``SummaryInput``; the blank exports need only a ``Plan``, and print their
labels in the plan's language (``labels``). The record and the summary print their labels in the
language their input names; their item and module titles are the database's stored snapshots.
"""

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, get_args

from clinic_onboard.pdf.labels import (
    ENGLISH,
    ENGLISH_RECORD,
    SUMMARY_LABELS,
    Labels,
    RecordLabels,
    SummaryLabels,
    labels_for,
    record_labels_for,
    summary_labels_for,
)
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

DISCLAIMER = ENGLISH.disclaimer

ItemStatus = Literal["Signed off", "Completed", "Needs practice", "Not started", "Switched off"]
SignoffMethod = Literal["observed", "demonstrated", "discussed", "document reviewed"]
_ITEM_STATUSES = set(get_args(ItemStatus))
ModuleStatus = Literal["Done", "In progress", "Overdue", "Not started", "—"]

_STATUS_TONES: dict[str, Tone] = {
    # The summary's cells in every language, by what they mean.
    **{
        words.cells[key]: tone
        for words in SUMMARY_LABELS.values()
        for key, tone in (
            ("done", "good"),
            ("in_progress", "plain"),
            ("overdue", "bad"),
            ("not_started", "muted"),
        )
    },
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
    """One onboarding item as it stands; the sign-off fields are empty until someone signs.

    ``withdrawn_on`` is set for an item taken out of the plan after something was recorded on
    it: the record keeps it, marked, so a change of plan never hides its history.
    """

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
    withdrawn_on: date | None = None

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
    language: str = "en"  # of the labels; the caller gives the other texts in the same language

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
    language: str = "en"  # of the labels; the caller gives the names in the same language

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
    """The role's duties by frequency, with a box to tick and room to initial and date each.

    Printed in the plan's language; the names passed in should be in that language too.
    """
    words = labels_for(plan.language)
    names = {"role": role_name, "clinic": clinic_name}
    review = Section(
        words.review, (SignatureLines((words.reviewed_by, words.signature, words.date)),)
    )
    return Document(
        title=words.checklist_title.format(**names),
        kicker=clinic_name,
        headline=words.checklist_headline.format(**names),
        running_head=words.checklist_running_head.format(**names),
        header=_profile_facts(words, jurisdiction_name, setting_name, role_name),
        intro=words.checklist_intro,
        fill_ins=(words.staff_member, words.supervisor),
        sections=(*_duty_sections(plan.duties, words), review),
        footer=_blank_footer(words, catalog_version, printed_on),
        subject=words.checklist_subject,
        language=words.pdf_language,
    )


def _profile_facts(words: Labels, jurisdiction: str, setting: str, role: str) -> tuple[Fact, ...]:
    return (
        Fact(words.province, jurisdiction),
        Fact(words.setting, setting),
        Fact(words.role, role),
    )


def _blank_footer(words: Labels, catalog_version: str, printed_on: date | None) -> Footer:
    printed = (words.printed.format(date=printed_on.isoformat()),) if printed_on else ()
    content = words.content.format(version=catalog_version)
    return Footer((*printed, content), words.disclaimer, words.page)


def _duty_sections(duties: Sequence[PlannedDuty], words: Labels) -> Iterator[Section]:
    columns = (
        Column("", 0.06, "center"),
        Column(words.duty, 0.60),
        Column(words.initials, 0.15),
        Column(words.date, 0.19),
    )
    for frequency, title in words.frequencies.items():
        rows = tuple(_duty_row(duty) for duty in duties if duty.frequency == frequency)
        if rows:
            count = words.count(len(rows), words.duties)
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
    """The dated onboarding tasks by phase, with lines for who did each, who signed, and when.

    Printed in the plan's language; the names passed in should be in that language too.
    """
    words = labels_for(plan.language)
    names = {"role": role_name, "clinic": clinic_name}
    closing = Section(
        words.plan_complete,
        (SignatureLines((words.staff_member, words.supervisor, words.manager, words.date)),),
    )
    return Document(
        title=words.plan_title.format(**names),
        kicker=clinic_name,
        headline=words.plan_headline.format(**names),
        running_head=words.plan_running_head.format(**names),
        header=(
            *_profile_facts(words, jurisdiction_name, setting_name, role_name),
            Fact(words.first_day, words.long_date(plan.start_date)),
        ),
        intro=words.plan_intro.format(jurisdiction=jurisdiction_name),
        fill_ins=(words.staff_member, words.supervisor),
        sections=(*_task_sections(plan.tasks, words), *_switched_off(plan, words), closing),
        footer=_blank_footer(words, catalog_version, printed_on),
        subject=words.plan_subject,
        language=words.pdf_language,
    )


def _task_sections(tasks: Sequence[PlannedTask], words: Labels) -> Iterator[Section]:
    """One section per phase, plus "By day N" for day-count items that match no phase."""
    groups: dict[tuple[int, str], list[PlannedTask]] = {}
    for task in tasks:
        groups.setdefault(_group(task, words), []).append(task)
    columns = (
        Column(words.due, 0.16),
        Column(words.task, 0.38),
        Column(words.completed_by, 0.17),
        Column(words.signed_off_by, 0.17),
        Column(words.date, 0.12),
    )
    for (_, title), members in sorted(groups.items()):
        rows = tuple(_task_row(task, words) for task in members)
        count = words.count(len(rows), words.tasks)
        yield Section(title, (Table(columns, rows, write_in=True),), count)


def _group(task: PlannedTask, words: Labels) -> tuple[int, str]:
    """Where a task is listed: its phase, the phase its day count matches, or "By day N"."""
    if task.phase is not None:
        phase = words.phases[task.phase]
        return phase.day, phase.title
    days = max(task.due_days or 0, 1)
    for phase in words.phases.values():
        if phase.day == days:
            return phase.day, phase.title
    return days, words.by_day.format(days=days)


def _task_row(task: PlannedTask, words: Labels) -> tuple[Cell, ...]:
    kind = words.kinds.get(task.kind, task.kind.capitalize())
    signer = Cell() if task.signoff != "none" else Cell(words.not_needed, tone="muted")
    when = f"{words.weekday(task.due_date)} {task.due_date.isoformat()}"
    due = Cell(offset(task, words), when, bold=True)
    title = Cell(task.title, f"{kind} · {words.signoffs[task.signoff]}", bold=True)
    return (due, title, Cell(), signer, Cell())


def offset(task: PlannedTask, words: Labels = ENGLISH) -> str:
    """When a task falls due relative to the first day: "Day 14", "Week 1", "Before day 1"."""
    if task.phase is not None:
        return words.phases[task.phase].offset
    return words.day.format(days=max(task.due_days or 0, 1))


def _switched_off(plan: Plan, words: Labels) -> Iterator[Section]:
    if not plan.switched_off:
        return
    columns = (Column(words.item, 0.5), Column(words.reason, 0.5))
    rows = tuple((Cell(entry.title), Cell(entry.reason)) for entry in plan.switched_off)
    count = words.count(len(rows), words.items)
    yield Section(words.switched_off, (Table(columns, rows),), count)


# ---- the completed, signed record -------------------------------------------------------------


def completed_record(record: RecordInput) -> Document:
    """Every item with its status and sign-off, credentials, acknowledgements and the proof,
    in the record's language."""
    clinic, hire = record.clinic, record.hire
    words, page = record_labels_for(record.language), labels_for(record.language)
    names = {"name": hire.name, "role": hire.role_name, "clinic": clinic.name}
    return Document(
        title=words.title.format(**names),
        kicker=clinic.name,
        headline=words.headline.format(**names),
        running_head=words.running_head.format(**names),
        header=(
            Fact(words.staff_member, hire.name),
            Fact(words.role, hire.role_name),
            Fact(words.first_day, page.long_date(hire.start_date)),
            Fact(words.supervisor, hire.supervisor_name),
            Fact(words.province, clinic.province_name),
            Fact(words.setting, clinic.setting_name),
        ),
        intro=status_summary(record.items, words, page),
        sections=(
            *_item_sections(record.items, words, page),
            _credentials_section(record.credentials, record.generated_at.date(), words, page),
            _acknowledgements_section(record.acknowledgements, words, page),
            _closing_section(record, words),
        ),
        footer=Footer(
            (
                words.generated.format(moment=page.moment(record.generated_at)),
                words.content.format(version=record.catalog_version),
                words.fingerprint.format(fingerprint=record.fingerprint[:12]),
            ),
            words.disclaimer,
            words.page,
        ),
        subject=words.subject,
        language=words.pdf_language,
    )


def status_summary(
    items: Sequence[RecordItem], words: RecordLabels = ENGLISH_RECORD, page: Labels = ENGLISH
) -> str:
    """One line a reader takes in at a glance: "24 items: 18 signed off, 2 not started"; the
    withdrawn items are counted apart, whatever their status."""
    if not items:
        return words.no_items
    counts = Counter(item.status for item in items if item.withdrawn_on is None)
    # the usual statuses in a fixed order, then any others the database layer passes
    order = [s for s in get_args(ItemStatus) if s in counts] + sorted(set(counts) - _ITEM_STATUSES)
    parts = [
        page.count(counts[status], words.status_counts.get(status, (status.lower(),) * 2))
        for status in order
    ]
    withdrawn = sum(item.withdrawn_on is not None for item in items)
    if withdrawn:
        parts.append(page.count(withdrawn, words.withdrawn_count))
    items_words = page.count(len(items), words.items)
    return words.summary.format(items=items_words, statuses=", ".join(parts))


def _item_sections(
    items: Sequence[RecordItem], words: RecordLabels, page: Labels
) -> Iterator[Section]:
    columns = (
        Column(words.item, 0.325),
        Column(words.status, 0.12),
        Column(words.completed, 0.12),
        Column(words.signed_off_by, 0.17),
        Column(words.method, 0.145),
        Column(words.signed_at, 0.12),
    )
    modules: dict[str, list[RecordItem]] = {}
    for item in items:
        modules.setdefault(item.module_title, []).append(item)
    for module_title, members in modules.items():
        rows = tuple(_item_row(item, words, page) for item in members)
        yield Section(module_title, (Table(columns, rows),), page.count(len(rows), words.items))


def _item_row(item: RecordItem, words: RecordLabels, page: Labels) -> tuple[Cell, ...]:
    about = f"{words.kinds.get(item.kind, item.kind.capitalize())} · {item.id}"
    if item.note:
        about = f"{about}\n{words.note.format(note=item.note)}"
    if item.withdrawn_on is not None:
        about = f"{about}\n{words.withdrawn_on.format(date=item.withdrawn_on.isoformat())}"
    method = words.methods.get(item.method, item.method.capitalize()) if item.method else "—"
    return (
        Cell(item.title, about, bold=True),
        Cell(
            words.statuses.get(item.status, item.status),
            words.withdrawn if item.withdrawn_on is not None else "",
            tone=_STATUS_TONES.get(item.status, "plain"),
            bold=True,
        ),
        Cell(item.completed_on.isoformat() if item.completed_on else "—"),
        Cell(item.signed_by or "—", item.signer_role),
        Cell(method),
        _moment_cell(item.signed_at, page),
    )


def _moment_cell(when: datetime | None, page: Labels) -> Cell:
    if when is None:
        return Cell("—")
    return Cell(when.date().isoformat(), page.clock(when))


def _credentials_section(
    credentials: Sequence[CredentialEntry], today: date, words: RecordLabels, page: Labels
) -> Section:
    if not credentials:
        return Section(words.credentials_title, (Note(words.no_credentials),))
    columns = (
        Column(words.credential, 0.29),
        Column(words.issuer, 0.23),
        Column(words.number, 0.19),
        Column(words.issued, 0.14),
        Column(words.expires, 0.15),
    )
    rows = tuple(_credential_row(credential, today, words, page) for credential in credentials)
    count = page.count(len(rows), words.credentials)
    return Section(words.credentials_title, (Table(columns, rows),), count)


def _credential_row(
    credential: CredentialEntry, today: date, words: RecordLabels, page: Labels
) -> tuple[Cell, ...]:
    issued = credential.issued_on.isoformat() if credential.issued_on else "—"
    return (
        Cell(credential.title, bold=True),
        Cell(credential.issuer),
        Cell(credential.number or "—"),
        Cell(issued),
        _expiry_cell(credential.expires_on, today, words, page),
    )


def _expiry_cell(expires_on: date | None, today: date, words: RecordLabels, page: Labels) -> Cell:
    """The expiry date with how far off it is: expired and soon-to-expire stand out."""
    if expires_on is None:
        return Cell(words.no_expiry, tone="muted")
    days = (expires_on - today).days
    if days < 0:
        return Cell(expires_on.isoformat(), words.expired, tone="bad", bold=True)
    if days <= _EXPIRY_WARNING_DAYS:
        left = words.expires_in.format(days=page.count(days, words.days))
        return Cell(expires_on.isoformat(), left, tone="warn")
    return Cell(expires_on.isoformat())


def _acknowledgements_section(
    acknowledgements: Sequence[AcknowledgementEntry], words: RecordLabels, page: Labels
) -> Section:
    if not acknowledgements:
        return Section(words.acknowledgements_title, (Note(words.no_acknowledgements),))
    columns = (
        Column(words.acknowledgement, 0.52),
        Column(words.typed_name, 0.26),
        Column(words.signed_at, 0.22),
    )
    rows = tuple(
        (Cell(ack.title, bold=True), Cell(ack.typed_name), _moment_cell(ack.signed_at, page))
        for ack in acknowledgements
    )
    count = page.count(len(rows), words.acknowledgements)
    return Section(words.acknowledgements_title, (Table(columns, rows),), count)


def _closing_section(record: RecordInput, words: RecordLabels) -> Section:
    """What a sign-off means, signature lines and the proof, together on the last page."""
    proof = Verification(
        record.fingerprint,
        record.verify_url,
        words.explanation,
        words.fingerprint_heading,
        words.verify_at,
    )
    blocks = (
        Note(record.signature_meaning, emphasis=True),
        SignatureLines((words.staff_member, words.manager, words.date)),
        proof,
    )
    return Section(words.meaning_title, blocks, keep_together=True)


# ---- the compliance summary -------------------------------------------------------------------


def compliance_summary(summary: SummaryInput) -> Document:
    """Staff by module at a glance and the credentials about to lapse, in the summary language."""
    clinic, words = summary.clinic, summary_labels_for(summary.language)
    page = labels_for(summary.language)
    today = summary.generated_at.date()
    return Document(
        title=words.title.format(clinic=clinic.name),
        kicker=clinic.name,
        headline=words.headline,
        running_head=words.running_head.format(clinic=clinic.name, date=today.isoformat()),
        header=(
            Fact(page.province, clinic.province_name),
            Fact(page.setting, clinic.setting_name),
            Fact(words.staff, str(len(summary.staff))),
            Fact(words.as_of, page.long_date(today)),
        ),
        intro=words.intro,
        sections=(
            _matrix_section(summary, words, page),
            _expiring_section(summary.expiring, today, words, page),
        ),
        footer=Footer(
            (
                words.generated.format(moment=page.moment(summary.generated_at)),
                page.content.format(version=summary.catalog_version),
            ),
            page.disclaimer,
            page.page,
        ),
        landscape=len(summary.modules) > _MATRIX_COLUMNS_PORTRAIT,
        subject=words.subject,
        language=page.pdf_language,
    )


def _matrix_section(summary: SummaryInput, words: SummaryLabels, page: Labels) -> Section:
    if not summary.staff:
        return Section(words.by_module, (Note(words.no_staff),))
    tables: list[Block] = [
        _matrix(summary, span, words) for span in matrix_spans(len(summary.modules))
    ]
    return Section(words.by_module, tuple(tables), page.count(len(summary.staff), words.people))


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


def _matrix(summary: SummaryInput, span: range, words: SummaryLabels) -> Table:
    """Staff down the side, modules ``span`` across: wide libraries split into several tables."""
    person_share = 0.22
    share = (1 - person_share) / len(span)
    columns = (
        Column(words.staff_member, person_share),
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
    tone = _STATUS_TONES.get(status, "plain")
    return Cell(status, tone=tone, bold=tone == "bad")


def _expiring_section(
    expiring: Sequence[ExpiringCredential], today: date, words: SummaryLabels, page: Labels
) -> Section:
    if not expiring:
        return Section(words.expiring, (Note(words.no_expiring),))
    columns = (
        Column(words.staff_member, 0.30),
        Column(words.credential, 0.36),
        Column(words.expires, 0.17),
        Column(words.days_left, 0.17),
    )
    entries = sorted(expiring, key=_by_expiry)
    rows = tuple(_expiring_row(entry, today, words) for entry in entries)
    return Section(
        words.expiring, (Table(columns, rows),), page.count(len(rows), words.credentials)
    )


def _by_expiry(entry: ExpiringCredential) -> tuple[date, str]:
    return entry.expires_on, entry.person


def _expiring_row(entry: ExpiringCredential, today: date, words: SummaryLabels) -> tuple[Cell, ...]:
    days = (entry.expires_on - today).days
    left = (
        Cell(words.expired, tone="bad", bold=True)
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
    return ENGLISH.long_date(day)
