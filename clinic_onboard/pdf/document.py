"""What each PDF export says: plain data in, a ``Document`` out.

Pure: no reportlab, no Flask, no database and no clock. Every date and time is passed in (a
record's ``generated_at`` included), so the same input always describes the same document and
the renderer can make it byte for byte identical. The database layer maps its rows onto
``RecordInput`` and ``SummaryInput``; the blank exports need only a ``Plan``, and print their
labels in the plan's language. The record and the summary print their labels in the language
their input names; their item and module titles are the database's stored snapshots.

Every fixed text is an English message of the app's gettext catalog, marked ``_("...")`` (or
``N_`` in a table) and translated by ``words.Words``: a new text needs only its French in
``translations/fr_CA/LC_MESSAGES/messages.po`` (``make translations``).
"""

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Literal

from clinic_onboard.catalog import Catalog
from clinic_onboard.pdf.model import (
    Block,
    Cell,
    Column,
    Document,
    Fact,
    FactGrid,
    Footer,
    Note,
    Section,
    SignatureLines,
    Signatures,
    Table,
    Tone,
    Verification,
)
from clinic_onboard.pdf.words import Words
from clinic_onboard.planner import Plan, PlannedDuty, PlannedTask
from clinic_onboard.record.progress import ModuleProgress
from clinic_onboard.record.states import TaskStatus
from clinic_onboard.record.words import (
    EVENT_WORDS,
    METHOD_WORDS,
    N_,
    PRINTED_STATUS_WORDS,
    PROGRESS_WORDS,
)

DISCLAIMER = N_("Guidance to adapt with your privacy officer; not legal advice.")
PAGE = N_("Page {page} of {total}")
CONTINUED = N_("{section} (continued)")
CONTENT = N_("Content {version}")
# The clinic's own document a signature names (or a new version asks to sign again).
DOCUMENT_VERSION = N_("Clinic document version {version} (SHA-256 {sha256}…)")

SignoffMethod = Literal[
    "observed",
    "demonstrated",
    "discussed",
    "simulated",
    "document reviewed",
    "original",
    "certified_copy",
    "online_registry",
    "confirmed",
]

# The words of the library's codes, as the pages print them.
KINDS = {
    "task": N_("Task"),
    "competency": N_("Competency"),
    "credential": N_("Credential"),
    "document_check": N_("Document check"),
    "acknowledgement": N_("Acknowledgement"),
    "reading": N_("Reading"),
}
SIGNOFFS = {
    "none": N_("no sign-off"),
    "supervisor": N_("supervisor signs off"),
    "manager": N_("manager signs off"),
}
# Each phase's section title, the offset printed beside its tasks, and where it sorts.
PHASES = {
    "before_start": (N_("Before the first day"), N_("Before day 1"), -1),
    "day_1": (N_("Day 1"), N_("Day 1"), 1),
    "week_1": (N_("Week 1"), N_("Week 1"), 7),
    "first_30_days": (N_("First 30 days"), N_("By day 30"), 30),
    "first_90_days": (N_("First 90 days"), N_("By day 90"), 90),
}
# The onboarding's own status, by the value the database stores.
ONBOARDING_STATUSES = {"active": N_("In progress"), "completed": N_("Completed")}
# The record's statuses in the order its summary line counts them.
COUNT_ORDER = (
    TaskStatus.SIGNED_OFF,
    TaskStatus.DONE,
    TaskStatus.NEEDS_PRACTICE,
    TaskStatus.REJECTED,
    TaskStatus.NOT_STARTED,
    TaskStatus.AWAITING_SIGNOFF,
)
_STATUS_TONES: dict[TaskStatus, Tone] = {
    TaskStatus.SIGNED_OFF: "good",
    TaskStatus.DONE: "plain",
    TaskStatus.AWAITING_SIGNOFF: "plain",
    TaskStatus.NEEDS_PRACTICE: "warn",
    TaskStatus.REJECTED: "warn",
    TaskStatus.NOT_STARTED: "muted",
}
# A summary cell without progress is a module that does not apply to the person's role.
_PROGRESS_TONES: dict[ModuleProgress | None, Tone] = {
    ModuleProgress.DONE: "good",
    ModuleProgress.IN_PROGRESS: "plain",
    ModuleProgress.OVERDUE: "bad",
    ModuleProgress.NOT_STARTED: "muted",
    None: "muted",
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
class HistoryEntry:
    """One entry of an item's history as the record prints it: what happened, who, when.

    ``facts`` are the entry's own words by name ("method", "comment", "reason", "note",
    "number", "expires_on", "content_version"), as the event stored them; ``cancels`` is the
    time of the entry a correction voids; ``cancelled`` marks an entry a later correction
    voided (it stays, marked).
    """

    kind: str
    at: datetime
    actor: str
    actor_role: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    cancelled: bool = False
    cancels: datetime | None = None

    def __post_init__(self) -> None:
        _require_aware(self.at, f"the time of a {self.kind} entry")
        if self.cancels is not None:
            _require_aware(self.cancels, "the time of a cancelled entry")

    def fact(self, name: str) -> str:
        return dict(self.facts).get(name, "")


@dataclass(frozen=True)
class RecordItem:
    """One onboarding item as it stands, with every entry recorded on it in order.

    ``withdrawn_on`` is set for an item taken out of the plan after something was recorded on
    it: the record keeps it, marked, so a change of plan never hides its history.
    """

    title: str
    module_title: str
    kind: str
    status: TaskStatus
    due_on: date | None = None
    completed_on: date | None = None
    history: tuple[HistoryEntry, ...] = ()
    withdrawn_on: date | None = None


@dataclass(frozen=True)
class PendingRenewal:
    """A renewal the record is waiting for: the item and when it falls due."""

    title: str
    due_on: date


@dataclass(frozen=True)
class CredentialEntry:
    title: str
    issuer: str
    number: str
    issued_on: date | None
    expires_on: date | None


@dataclass(frozen=True)
class AcknowledgementEntry:
    """A policy signed by typing one's name, with the content version of the text signed."""

    title: str
    typed_name: str
    signed_at: datetime
    content_version: str = ""  # empty for acknowledgements recorded before it was stored
    # The clinic's own document signed, where the clinic attached one: its version and hash.
    document_version: str = ""
    document_sha256: str = ""

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
    left: bool = False  # the hire left the clinic before finishing: the record closed there
    offboarding: bool = False  # the checklist of someone leaving, not an onboarding
    status: str = "active"  # the onboarding's: "active", "completed"
    completed_on: date | None = None
    final_signoff: HistoryEntry | None = None
    pending_renewals: tuple[PendingRenewal, ...] = ()
    time_zone: str = ""  # the clinic's zone as people name it; every time is given in it

    def __post_init__(self) -> None:
        _require_aware(self.generated_at, "generated_at")


@dataclass(frozen=True)
class StaffRow:
    """One person in the compliance matrix: a status per module, in the summary's module order."""

    name: str
    role_name: str
    statuses: tuple[ModuleProgress | None, ...]  # None: the module is not for this role


@dataclass(frozen=True)
class ClosedRow:
    """Someone no longer onboarding: listed once, not as a row of cells that would all say the
    same (a large clinic's summary would otherwise be mostly finished people)."""

    name: str
    role_name: str
    left: bool  # left the clinic before finishing; otherwise completed with the final sign-off
    closed_on: date | None


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
    closed: tuple[ClosedRow, ...] = ()

    def __post_init__(self) -> None:
        _require_aware(self.generated_at, "generated_at")
        for row in self.staff:
            if len(row.statuses) != len(self.modules):
                raise ValueError(f"{row.name}: one status per module is needed")


@dataclass(frozen=True)
class FormScope:
    """What a blank form was made for beyond the place, setting and role: the clinic's EMR and
    the options its manager chose, by name in the form's language. Two clinics with the same
    role get different items by these, so a sheet printed for one says which it is."""

    emr: str = ""
    options: tuple[str, ...] = ()


def form_scope(catalog: Catalog, plan: Plan) -> FormScope:
    """The EMR and options of ``plan``'s clinic profile by name, options in library order; one
    the library no longer has is left out rather than printed as its code."""
    lang, profile = plan.language, plan.profile
    emr = catalog.emr_products.get(profile.emr) if profile.emr else None
    options = tuple(
        option.name.get(lang) for slug, option in catalog.options.items() if slug in profile.options
    )
    return FormScope(emr.name.get(lang) if emr else "", options)


# ---- the blank duty checklist -----------------------------------------------------------------


def blank_checklist(
    plan: Plan,
    clinic_name: str,
    jurisdiction_name: str,
    setting_name: str,
    role_name: str,
    catalog_version: str,
    printed_on: date | None = None,
    scope: FormScope = FormScope(),
) -> Document:
    """The role's duties by frequency, with a box to tick and room to initial and date each.

    Printed in the plan's language; the names passed in should be in that language too.
    """
    _ = Words(plan.language)
    names = {"role": role_name, "clinic": clinic_name}
    reviewer = _("Reviewed by ({role})", role=role_word("supervisor", _).lower())
    signatures = SignatureLines((reviewer, _("Signature"), _("Date")))
    return Document(
        title=_("Duty checklist: {role}, {clinic}", **names),
        kicker=clinic_name,
        headline=_("Duty checklist — {role}", **names),
        running_head=_("{clinic} · Duty checklist · {role}", **names),
        header=_profile_facts(_, jurisdiction_name, setting_name, role_name, scope),
        intro=_(
            "Tick each duty when you have done it and know how, then initial and date it. "
            "Ask your supervisor about anything you are unsure of."
        ),
        fill_ins=(role_word("staff", _), role_word("supervisor", _)),
        sections=(
            *_duty_sections(plan.duties, _),
            Section(_.pgettext("pdf", "Review"), (signatures,)),
        ),
        footer=_blank_footer(_, catalog_version, printed_on),
        subject=_("Role duty checklist"),
        author=clinic_name,
        language=_.pdf_language,
        created_at=_midday(printed_on),
    )


def frequencies(_: Words) -> dict[str, str]:
    """Each frequency's heading, in the working order: the page says when, not how often."""
    return {
        "start_of_day": _.pgettext("pdf", "Start of day"),
        "per_patient": _("With every patient"),
        "end_of_day": _.pgettext("pdf", "End of day"),
        "weekly": _.pgettext("pdf", "Weekly"),
        "monthly": _.pgettext("pdf", "Monthly"),
    }


def _profile_facts(
    _: Words, jurisdiction: str, setting: str, role: str, scope: FormScope
) -> tuple[Fact, ...]:
    """Everything the form's items were chosen by, so a sheet is never used for another setup."""
    return (
        Fact(_("Province or territory"), jurisdiction),
        Fact(_("Setting"), setting),
        Fact(_("Role"), role),
        Fact(_("EMR"), scope.emr or _("No EMR (paper charts)")),
        Fact(_("Clinic options"), ", ".join(scope.options) or _("None chosen")),
    )


def _blank_footer(_: Words, catalog_version: str, printed_on: date | None) -> Footer:
    printed = (_("Printed {date}", date=printed_on.isoformat()),) if printed_on else ()
    facts = (*printed, _(CONTENT, version=catalog_version))
    return Footer(facts, _(DISCLAIMER), _(PAGE), _(CONTINUED))


def _duty_sections(duties: Sequence[PlannedDuty], _: Words) -> Iterator[Section]:
    columns = (
        Column("", 0.06, "center"),
        Column(_("Duty"), 0.60),
        Column(_("Initials"), 0.15),
        Column(_("Date"), 0.19),
    )
    for frequency, title in frequencies(_).items():
        rows = tuple(_duty_row(duty) for duty in duties if duty.frequency == frequency)
        if rows:
            count = _.npgettext("pdf", "duty", "duties", len(rows))
            yield Section(title, (Table(columns, rows, write_in=True),), count)


def _duty_row(duty: PlannedDuty) -> tuple[Cell, ...]:
    return (
        Cell(kind="checkbox"),
        Cell(duty.title, short(duty.guidance), bold=True),
        Cell(),
        Cell(),
    )


def short(text: str, limit: int = 240) -> str:
    """The leading sentences that fit in ``limit`` characters: a printed sheet is a reminder.

    The first sentence is kept whole however long: a sentence cut in the middle (with "…")
    reads as a different instruction, and the cell wraps whatever it is given.
    """
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    kept = sentences[0]
    for sentence in sentences[1:]:
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}"
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
    scope: FormScope = FormScope(),
) -> Document:
    """The dated onboarding tasks by phase, with a box for each fact a sign-off records: when it
    was done and by whom, who signed off and when, the method and outcome by code, a comment,
    and a credential's number and expiry. A signature log ties the initials to names.

    Printed in the plan's language; the names passed in should be in that language too.
    """
    _ = Words(plan.language)
    names = {"role": role_name, "clinic": clinic_name}
    return Document(
        title=_("Onboarding plan: {role}, {clinic}", **names),
        kicker=clinic_name,
        headline=_("Onboarding plan — {role}", **names),
        running_head=_("{clinic} · Onboarding plan · {role}", **names),
        header=(
            *_profile_facts(_, jurisdiction_name, setting_name, role_name, scope),
            Fact(_("First day"), _.long_date(plan.start_date)),
        ),
        intro=_(
            "Due dates fall on {jurisdiction}'s working days. When a task is done, the "
            "staff member writes the date and their initials; where a sign-off is needed, the "
            "person signing confirms they saw it done as described, and writes the date, the "
            "method and the outcome by their codes.",
            jurisdiction=jurisdiction_name,
        ),
        fill_ins=(role_word("staff", _), role_word("supervisor", _)),
        sections=(
            *_crowded_days(plan, _),  # said up front, before anyone plans the weeks
            Section(_("How to fill in"), (Note(_code_legend(_)),), keep_together=True),
            _signature_log(_),  # before the tasks: each person prints and signs once
            *_task_sections(plan.tasks, _),
            *_switched_off(plan, _),
            Section(
                _("Plan complete"),
                (_signatures(_, "staff", "supervisor", "manager"),),
                keep_together=True,
            ),
        ),
        footer=_blank_footer(_, catalog_version, printed_on),
        landscape=True,
        subject=_.pgettext("pdf", "Onboarding plan"),
        author=clinic_name,
        language=_.pdf_language,
        created_at=_midday(printed_on),
    )


def _crowded_days(plan: Plan, _: Words) -> Iterator[Section]:
    """Days over the plan's daily limit, said up front: their tasks could go nowhere else."""
    if not plan.crowded_days:
        return
    days = ", ".join(_.long_date(crowded.day) for crowded in plan.crowded_days)
    note = _(
        "More than {limit} tasks fall due on {days}: they could not move to another day of "
        "their phase. Plan the time for them with your supervisor.",
        limit=plan.max_per_day,
        days=days,
    )
    yield Section(_("Busy days"), (Note(note, emphasis=True),))


# The codes written in the method and outcome boxes, and what each means.
METHOD_CODES = {
    "observed": N_("O"),
    "demonstrated": N_("D"),
    "discussed": N_("Di"),
    "document reviewed": N_("R"),
}
OUTCOME_CODES = ((N_("C"), N_("competent")), (N_("P"), N_("needs practice: say what in Comment")))


def _code_legend(_: Words) -> str:
    methods = " · ".join(
        f"{_(code)} = {_(METHOD_WORDS[method]).lower()}" for method, code in METHOD_CODES.items()
    )
    outcomes = " · ".join(
        f"{_.pgettext('pdf code', code)} = {_(word)}" for code, word in OUTCOME_CODES
    )
    return _("Method: {methods}. Outcome: {outcomes}.", methods=methods, outcomes=outcomes)


def _signatures(_: Words, *roles: str) -> Signatures:
    """Signature, printed name and date lines for each of ``roles``, in both gender forms."""
    return Signatures(
        tuple(role_word(role, _) for role in roles),
        _("Signature"),
        _("Printed name"),
        _("Date"),
    )


def _signature_log(_: Words, rows: int = 6) -> Section:
    """Whose initials are whose: each person initialling the plan prints and signs once."""
    columns = (
        Column(_("Initials"), 0.12),
        Column(_("Printed name"), 0.38),
        Column(_("Role"), 0.22),
        Column(_("Signature"), 0.28),
    )
    blank = tuple((Cell(), Cell(), Cell(), Cell()) for _row in range(rows))
    return Section(_("Signature log"), (Table(columns, blank, write_in=True),), keep_together=True)


def _midday(day: date | None) -> datetime | None:
    """A printed form's creation moment: its print date (the form carries no time)."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC) if day else None


def _task_sections(tasks: Sequence[PlannedTask], _: Words) -> Iterator[Section]:
    """One section per phase, plus "By day N" for day-count items that match no phase."""
    groups: dict[tuple[int, str], list[PlannedTask]] = {}
    for task in tasks:
        groups.setdefault(_group(task, _), []).append(task)
    columns = (
        Column(_("Due"), 0.08),
        Column(_.pgettext("pdf", "Task"), 0.33),
        Column(_("Done on"), 0.065),
        Column(_("Initials"), 0.06),
        Column(_("Signed off by (initials)"), 0.065),
        Column(_("Sign-off date"), 0.065),
        Column(_("Method"), 0.055),
        Column(_("Outcome"), 0.055),
        Column(_("Comment"), 0.095),
        Column(_("Credential no."), 0.07),
        Column(_("Expires"), 0.06),
    )
    for (_day, title), members in sorted(groups.items()):
        rows = tuple(_task_row(task, _) for task in members)
        count = _.npgettext("pdf", "task", "tasks", len(rows))
        yield Section(title, (Table(columns, rows, write_in=True),), count)


def _group(task: PlannedTask, _: Words) -> tuple[int, str]:
    """Where a task is listed: its phase, the phase its day count matches, or "By day N"."""
    if task.phase is not None:
        title, _offset, day = PHASES[task.phase]
        return day, _(title)
    days = max(task.due_days or 0, 1)
    for title, _offset, day in PHASES.values():
        if day == days:
            return day, _(title)
    return days, _("By day {days}", days=days)


def _task_row(task: PlannedTask, _: Words) -> tuple[Cell, ...]:
    kind = _(KINDS[task.kind]) if task.kind in KINDS else task.kind.capitalize()
    when = f"{_.weekday(task.due_date)} {task.due_date.isoformat()}"
    due = Cell(offset(task, _), when, bold=True)
    about = f"{short(task.guidance, 0)}\n{kind} · {_(SIGNOFFS[task.signoff])}".lstrip()
    title = Cell(task.title, about, bold=True)
    none = Cell("—", tone="muted")
    signed = (
        (Cell(),) * 4
        if task.signoff != "none"
        else (Cell(_("Not needed"), tone="muted"),) + (none,) * 3
    )
    credential = (Cell(), Cell()) if task.kind == "credential" else (none, none)
    return (due, title, Cell(), Cell(), *signed, Cell(), *credential)


def offset(task: PlannedTask, _: Words) -> str:
    """When a task falls due relative to the first day: "Day 14", "Week 1", "Before day 1"."""
    if task.phase is not None:
        return _(PHASES[task.phase][1])
    return _("Day {days}", days=max(task.due_days or 0, 1))


def _switched_off(plan: Plan, _: Words) -> Iterator[Section]:
    if not plan.switched_off:
        return
    columns = (Column(_("Item"), 0.5), Column(_("The clinic's reason"), 0.5))
    rows = tuple((Cell(entry.title), Cell(entry.reason)) for entry in plan.switched_off)
    count = _.npgettext("pdf", "item", "items", len(rows))
    yield Section(_("Switched off by the clinic"), (Table(columns, rows),), count)


# ---- the completed, signed record -------------------------------------------------------------


def completed_record(record: RecordInput) -> Document:
    """Every item with its whole history, the final sign-off, credentials, acknowledgements,
    pending renewals and the proof, in the record's language.

    A signed record is not guidance: its footer carries no disclaimer.
    """
    clinic, hire, _ = record.clinic, record.hire, Words(record.language)
    names = {"name": hire.name, "role": hire.role_name, "clinic": clinic.name}
    if record.offboarding:
        return offboarding_record(record, names, _)
    return Document(
        title=_("Onboarding record: {name}, {role}, {clinic}", **names),
        kicker=clinic.name,
        headline=_("Onboarding record — {name}", **names),
        running_head=_("{clinic} · Onboarding record · {name}", **names),
        header=_record_facts(record, _),
        intro=_left_line(record, _) + status_summary(record.items, _),
        sections=(
            *_item_sections(record.items, _),
            _final_signoff_section(record.final_signoff, _),
            _credentials_section(record.credentials, record.generated_at.date(), _),
            _acknowledgements_section(record.acknowledgements, _),
            _renewals_section(record.pending_renewals, _),
            _closing_section(record, _),
        ),
        footer=Footer(
            (
                _("Generated {moment}", moment=_.moment(record.generated_at)),
                _(CONTENT, version=record.catalog_version),
                _("Fingerprint starts {fingerprint}", fingerprint=record.fingerprint[:12]),
            ),
            "",
            _(PAGE),
            _(CONTINUED),
        ),
        subject=_("Completed onboarding record"),
        author=clinic.name,
        language=_.pdf_language,
        created_at=record.generated_at,
    )


def _record_facts(record: RecordInput, _: Words) -> tuple[Fact, ...]:
    """Who, what role, since when, how far along, and the clock every time is read on."""
    hire, clinic = record.hire, record.clinic
    status = ONBOARDING_STATUSES.get(record.status)
    completed = _.long_date(record.completed_on) if record.completed_on else "—"
    return (
        Fact(_("Staff member"), hire.name),
        Fact(_("Role"), hire.role_name),
        Fact(role_word("supervisor", _), hire.supervisor_name),
        Fact(_("First day"), _.long_date(hire.start_date)),
        Fact(_("Onboarding status"), _(status) if status else record.status.capitalize()),
        Fact(_("Completed on"), completed),
        Fact(_("Province or territory"), clinic.province_name),
        Fact(_("Setting"), clinic.setting_name),
        Fact(_("Times are in"), record.time_zone or record.generated_at.tzname() or "UTC"),
    )


def offboarding_record(record: RecordInput, names: dict[str, str], _: Words) -> Document:
    """The onboarding record's layout with the offboarding's own title and last day."""
    document = completed_record(replace(record, offboarding=False))
    return replace(
        document,
        title=_("Offboarding record: {name}, {role}, {clinic}", **names),
        headline=_("Offboarding record — {name}", **names),
        running_head=_("{clinic} · Offboarding record · {name}", **names),
        header=(
            Fact(_("Staff member"), record.hire.name),
            Fact(_("Role"), record.hire.role_name),
            Fact(_("Last day"), _.long_date(record.hire.start_date)),
            # the status and completion facts, said of the offboarding
            Fact(_("Offboarding status"), document.header[4].value),
            *document.header[5:],
        ),
        subject=_("Offboarding record"),
    )


def _left_line(record: RecordInput, _: Words) -> str:
    """The status line of a record closed by a departure, before the counts."""
    if not record.left:
        return ""
    return (
        _("Closed unfinished: the staff member left the clinic. The record is kept as it was.")
        + " "
    )


def status_summary(items: Sequence[RecordItem], _: Words) -> str:
    """One line a reader takes in at a glance: "24 items: 18 signed off, 2 not started"; the
    withdrawn items are counted apart, whatever their status."""
    if not items:
        return _("No items.")
    counts = Counter(item.status for item in items if item.withdrawn_on is None)
    parts = [_status_count(status, counts[status], _) for status in COUNT_ORDER if counts[status]]
    withdrawn = sum(item.withdrawn_on is not None for item in items)
    if withdrawn:
        parts.append(_.npgettext("pdf", "withdrawn", "withdrawn", withdrawn))
    items_words = _.npgettext("pdf", "item", "items", len(items))
    return _("{items}: {statuses}.", items=items_words, statuses=", ".join(parts))


def _status_count(status: TaskStatus, number: int, _: Words) -> str:
    """ "2 signed off": each status as a count says it, agreeing in number in French."""
    counted = {
        TaskStatus.SIGNED_OFF: lambda: _.npgettext("pdf", "signed off", "signed off", number),
        TaskStatus.DONE: lambda: _.npgettext("pdf", "completed", "completed", number),
        TaskStatus.AWAITING_SIGNOFF: lambda: _.npgettext(
            "pdf", "waiting for sign-off", "waiting for sign-off", number
        ),
        TaskStatus.NEEDS_PRACTICE: lambda: _.npgettext(
            "pdf", "needs practice", "needs practice", number
        ),
        TaskStatus.REJECTED: lambda: _.npgettext("pdf", "rejected", "rejected", number),
        TaskStatus.NOT_STARTED: lambda: _.npgettext("pdf", "not started", "not started", number),
    }
    return counted[status]()


def _item_sections(items: Sequence[RecordItem], _: Words) -> Iterator[Section]:
    columns = (
        Column(_("Item"), 0.30),
        Column(_("Status"), 0.15),
        Column(_("History"), 0.55),
    )
    modules: dict[str, list[RecordItem]] = {}
    for item in items:
        modules.setdefault(item.module_title, []).append(item)
    for module_title, members in modules.items():
        rows = tuple(_item_row(item, _) for item in members)
        yield Section(
            module_title, (Table(columns, rows),), _.npgettext("pdf", "item", "items", len(rows))
        )


def _item_row(item: RecordItem, _: Words) -> tuple[Cell, ...]:
    kind = _(KINDS[item.kind]) if item.kind in KINDS else item.kind.capitalize()
    lines = [kind]
    if item.due_on is not None:
        lines[0] += " · " + _("Due {date}", date=item.due_on.isoformat())
    if item.withdrawn_on is not None:
        lines.append(
            _(
                "Withdrawn from the plan on {date}; kept here for its history.",
                date=item.withdrawn_on.isoformat(),
            )
        )
    completed = (
        _("Completed {date}", date=item.completed_on.isoformat()) if item.completed_on else ""
    )
    withdrawn = _("Withdrawn") if item.withdrawn_on is not None else ""
    history = "\n".join(history_text(entry, _) for entry in item.history)
    return (
        Cell(item.title, "\n".join(lines), bold=True),
        Cell(
            _(PRINTED_STATUS_WORDS[item.status]),
            "\n".join(line for line in (completed, withdrawn) if line),
            tone=_STATUS_TONES[item.status],
            bold=True,
        ),
        Cell(history or _("Nothing recorded yet."), tone="plain" if history else "muted"),
    )


def history_text(entry: HistoryEntry, _: Words) -> str:
    """One history entry in a line: "2026-12-02 10:05 EST · Needs practice · Grace Okafor,
    Supervisor · Observed · “Label the tubes first”". A new kind of entry needs its word in
    ``EVENT_WORDS`` and, if it carries facts, a line here."""
    word = EVENT_WORDS.get(entry.kind)  # type: ignore[call-overload]
    parts = [_.moment(entry.at), _(word) if word else entry.kind.replace("_", " ").capitalize()]
    parts.append(
        f"{entry.actor}, {role_word(entry.actor_role, _)}" if entry.actor_role else entry.actor
    )
    method = entry.fact("method") or entry.fact("seen")
    if method:
        parts.append(_method(method, _))
    if entry.fact("number"):
        parts.append(_("No. {number}", number=entry.fact("number")))
    if entry.fact("expires_on"):
        parts.append(_("Expires {date}", date=entry.fact("expires_on")))
    if entry.fact("content_version"):
        parts.append(_(CONTENT, version=entry.fact("content_version")))
    if entry.fact("document_version"):
        parts.append(
            _document_words(entry.fact("document_version"), entry.fact("document_sha256"), _)
        )
    if entry.cancels is not None:
        parts.append(_("Cancels the entry of {moment}", moment=_.moment(entry.cancels)))
    for name in ("comment", "note", "reason"):
        if entry.fact(name):
            parts.append(_.quote(entry.fact(name)))
    if entry.cancelled:
        parts.append(_("[cancelled by a correction]"))
    return " · ".join(parts)


def _document_words(version: str, sha256: str, _: Words) -> str:
    return _(DOCUMENT_VERSION, version=version, sha256=sha256[:12])


def role_word(role: str, _: Words) -> str:
    """A role's label on paper, in both gender forms where the language has two (the screen's
    "Superviseur" stands above a woman's name as often as a man's)."""
    words = {
        "manager": lambda: _.pgettext("pdf role", "Manager"),
        "supervisor": lambda: _.pgettext("pdf role", "Supervisor"),
        "staff": lambda: _.pgettext("pdf role", "Staff member"),
    }
    return words[role]() if role in words else role.capitalize()


def _method(method: str, _: Words) -> str:
    if not method:
        return "—"
    return _(METHOD_WORDS[method]) if method in METHOD_WORDS else method.capitalize()


def _moment_cell(when: datetime | None, _: Words) -> Cell:
    if when is None:
        return Cell("—")
    return Cell(when.date().isoformat(), _.clock(when))


def _final_signoff_section(final: HistoryEntry | None, _: Words) -> Section:
    """The manager's sign-off that closes the onboarding: who, in what role, and when."""
    heading = _("Final sign-off")
    if final is None:
        return Section(heading, (Note(_("Not given yet: the onboarding is still in progress.")),))
    facts = (
        Fact(_("Signed by"), final.actor),
        Fact(_("Role"), role_word(final.actor_role, _)),
        Fact(_("Signed at"), _.moment(final.at)),
    )
    return Section(heading, (FactGrid(facts),), keep_together=True)


def _renewals_section(renewals: Sequence[PendingRenewal], _: Words) -> Section:
    heading = _("Pending renewals")
    if not renewals:
        return Section(heading, (Note(_("No renewal is pending.")),))
    columns = (Column(_("Item"), 0.7), Column(_("Due"), 0.3))
    rows = tuple((Cell(r.title, bold=True), Cell(r.due_on.isoformat())) for r in renewals)
    count = _.npgettext("pdf", "renewal", "renewals", len(rows))
    return Section(heading, (Table(columns, rows),), count)


def _credentials_section(credentials: Sequence[CredentialEntry], today: date, _: Words) -> Section:
    if not credentials:
        return Section(_("Credentials"), (Note(_("No credentials are recorded.")),))
    columns = (
        Column(_("Credential"), 0.29),
        Column(_("Issuer"), 0.23),
        Column(_("Number"), 0.19),
        Column(_("Issued"), 0.14),
        Column(_("Expires"), 0.15),
    )
    rows = tuple(_credential_row(credential, today, _) for credential in credentials)
    count = _.npgettext("pdf", "credential", "credentials", len(rows))
    return Section(_("Credentials"), (Table(columns, rows),), count)


def _credential_row(credential: CredentialEntry, today: date, _: Words) -> tuple[Cell, ...]:
    issued = credential.issued_on.isoformat() if credential.issued_on else "—"
    return (
        Cell(credential.title, bold=True),
        Cell(credential.issuer),
        Cell(credential.number or "—"),
        Cell(issued),
        _expiry_cell(credential.expires_on, today, _),
    )


def _expiry_cell(expires_on: date | None, today: date, _: Words) -> Cell:
    """The expiry date with how far off it is: expired and soon-to-expire stand out."""
    if expires_on is None:
        return Cell(_("No expiry"), tone="muted")
    days = (expires_on - today).days
    if days < 0:
        return Cell(expires_on.isoformat(), _("Expired"), tone="bad", bold=True)
    if days <= _EXPIRY_WARNING_DAYS:
        left = _("In {days}", days=_.npgettext("pdf", "day", "days", days))
        return Cell(expires_on.isoformat(), left, tone="warn")
    return Cell(expires_on.isoformat())


def _acknowledgements_section(
    acknowledgements: Sequence[AcknowledgementEntry], _: Words
) -> Section:
    if not acknowledgements:
        return Section(_("Acknowledgements"), (Note(_("No acknowledgements are recorded.")),))
    columns = (
        Column(_("Acknowledgement"), 0.40),
        Column(_("Typed name"), 0.22),
        Column(_("Content signed"), 0.18),
        Column(_("Signed at"), 0.20),
    )
    rows = tuple(
        (
            Cell(ack.title, bold=True),
            Cell(ack.typed_name),
            _content_cell(ack, _),
            _moment_cell(ack.signed_at, _),
        )
        for ack in acknowledgements
    )
    count = _.npgettext("pdf", "acknowledgement", "acknowledgements", len(rows))
    return Section(_("Acknowledgements"), (Table(columns, rows),), count)


def _content_cell(ack: AcknowledgementEntry, _: Words) -> Cell:
    """The library content signed and, below it, the clinic's document version signed."""
    if not ack.content_version:
        return Cell(_("Not recorded"), tone="muted")
    if not ack.document_version:
        return Cell(ack.content_version)
    return Cell(ack.content_version, _document_words(ack.document_version, ack.document_sha256, _))


def _closing_section(record: RecordInput, _: Words) -> Section:
    """What a sign-off means, signature lines and the proof, together on the last page."""
    proof = Verification(
        record.fingerprint,
        record.verify_url,
        _(
            "The fingerprint is the head of this record's chain of sign-offs: each sign-off "
            "is hashed together with the one before it, so changing any of them changes the "
            "fingerprint. Scan the code or open the address, then upload this PDF file or type "
            "its SHA-256, to learn whether it is exactly the document the clinic issued."
        ),
        _("Record fingerprint (head of the sign-off chain)"),
        _("Verify at"),
    )
    blocks = (
        Note(record.signature_meaning, emphasis=True),
        _signatures(_, "staff", "manager"),
        proof,
    )
    return Section(_("What a sign-off means"), blocks, keep_together=True)


def signature_meaning(language: str) -> str:
    """What a sign-off attests, in ``language``: the record prints it above the signatures."""
    _ = Words(language)
    return _(
        "By signing off an item, the person named confirmed: for a competency, that they "
        "personally verified that the staff member can do it safely and as the clinic expects, by "
        "the method shown; for a credential or document check, that they saw it in the form shown "
        "and that it is genuine, the staff member's own and in date; for a reading, task or "
        "acknowledgement, that it was completed as the clinic asks. Their name, role and the time "
        "were recorded and cannot be changed; a correction is added as a new entry."
    )


# ---- the compliance summary -------------------------------------------------------------------


def compliance_summary(summary: SummaryInput) -> Document:
    """Staff still onboarding by module at a glance, the credentials about to lapse, and who
    completed or left, in the summary language."""
    clinic, _ = summary.clinic, Words(summary.language)
    today = summary.generated_at.date()
    return Document(
        title=_("Compliance summary: {clinic}", clinic=clinic.name),
        kicker=clinic.name,
        headline=_("Compliance summary"),
        running_head=_(
            "{clinic} · Compliance summary · {date}", clinic=clinic.name, date=today.isoformat()
        ),
        header=(
            Fact(_("Province or territory"), clinic.province_name),
            Fact(_("Setting"), clinic.setting_name),
            Fact(_("Onboarding"), str(len(summary.staff))),
            Fact(_("Completed or left"), str(len(summary.closed))),
            Fact(_("As of"), _.long_date(today)),
        ),
        intro=_(
            "Each cell is a staff member's progress through one module. "
            "Done: every item complete and signed off. Overdue: an item is past its due date. "
            "—: the module does not apply to their role. People who completed onboarding or "
            "left are listed after the credentials."
        ),
        sections=(
            _matrix_section(summary, _),
            _expiring_section(summary.expiring, today, _),
            _closed_section(summary.closed, _),
        ),
        footer=Footer(
            (
                _("Generated {moment}", moment=_.moment(summary.generated_at)),
                _(CONTENT, version=summary.catalog_version),
            ),
            _(DISCLAIMER),
            _(PAGE),
            _(CONTINUED),
        ),
        landscape=len(summary.modules) > _MATRIX_COLUMNS_PORTRAIT,
        subject=_("Compliance summary"),
        author=clinic.name,
        language=_.pdf_language,
        created_at=summary.generated_at,
    )


def _matrix_section(summary: SummaryInput, _: Words) -> Section:
    heading = _("Onboarding by module")
    if not summary.staff:
        return Section(heading, (Note(_("No staff are onboarding.")),))
    tables: list[Block] = [_matrix(summary, span, _) for span in matrix_spans(len(summary.modules))]
    return Section(
        heading, tuple(tables), _.npgettext("pdf", "person", "people", len(summary.staff))
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


def _matrix(summary: SummaryInput, span: range, _: Words) -> Table:
    """Staff down the side, modules ``span`` across: wide libraries split into several tables."""
    person_share = 0.22
    share = (1 - person_share) / len(span)
    columns = (
        Column(_("Staff member"), person_share),
        *(Column(summary.modules[i], share, "center") for i in span),
    )
    rows = tuple(
        (
            Cell(row.name, row.role_name, bold=True),
            *(_progress_cell(row.statuses[i], _) for i in span),
        )
        for row in summary.staff
    )
    return Table(columns, rows, keep_together=True)


def _progress_cell(progress: ModuleProgress | None, _: Words) -> Cell:
    tone = _PROGRESS_TONES[progress]
    return Cell(_(PROGRESS_WORDS[progress]) if progress else "—", tone=tone, bold=tone == "bad")


def _expiring_section(expiring: Sequence[ExpiringCredential], today: date, _: Words) -> Section:
    heading = _("Credentials expiring soon")
    if not expiring:
        return Section(heading, (Note(_("No credentials expire soon.")),))
    columns = (
        Column(_("Staff member"), 0.30),
        Column(_("Credential"), 0.36),
        Column(_("Expires"), 0.17),
        Column(_("Days left"), 0.17),
    )
    entries = sorted(expiring, key=_by_expiry)
    rows = tuple(_expiring_row(entry, today, _) for entry in entries)
    count = _.npgettext("pdf", "credential", "credentials", len(rows))
    return Section(heading, (Table(columns, rows),), count)


def _closed_section(closed: Sequence[ClosedRow], _: Words) -> Section:
    heading = _("Completed or left")
    if not closed:
        return Section(heading, (Note(_("No one has completed onboarding or left yet.")),))
    columns = (
        Column(_("Staff member"), 0.40),
        Column(_("Outcome"), 0.36),
        Column(_("Date"), 0.24),
    )
    rows = tuple(
        (
            Cell(row.name, row.role_name, bold=True),
            Cell(_("Left before finishing") if row.left else _("Completed and signed off")),
            Cell(row.closed_on.isoformat() if row.closed_on else "—"),
        )
        for row in closed
    )
    count = _.npgettext("pdf", "person", "people", len(rows))
    return Section(heading, (Table(columns, rows),), count)


def _by_expiry(entry: ExpiringCredential) -> tuple[date, str]:
    return entry.expires_on, entry.person


def _expiring_row(entry: ExpiringCredential, today: date, _: Words) -> tuple[Cell, ...]:
    days = (entry.expires_on - today).days
    left = (
        Cell(_("Expired"), tone="bad", bold=True)
        if days < 0
        else Cell(str(days), tone="warn" if days <= 30 else "plain")
    )
    return (
        Cell(entry.person, bold=True),
        Cell(entry.credential),
        Cell(entry.expires_on.isoformat()),
        left,
    )
