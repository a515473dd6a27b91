"""The shape of every entry in the library, as strict pydantic models.

Scalars are strict (YAML ``"10"`` is not the number 10, ``yes`` is not true) and unknown keys are
errors, so a typo in the content fails the check instead of silently meaning "all". Rules that span
entries (known slugs, unique ids, cycles) live in ``checks``.

Every text a person can be shown is a ``Text`` in English and French; notes that only content
authors read (``breach_duty``, ``card_note``, ...) are ``Plain``, in English.
"""

import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from clinic_onboard.catalog.references import Reference
from clinic_onboard.catalog.text import Text, parse_optional_text

Kind = Literal["task", "competency", "credential", "document_check", "acknowledgement", "reading"]
# Kinds the hire records as a document (issuer, number, dates, a copy) and a signer verifies:
# a professional credential, or a check such as a police record check.
DOCUMENT_KINDS = frozenset({"credential", "document_check"})
Phase = Literal["before_start", "day_1", "week_1", "first_30_days", "first_90_days"]
Signoff = Literal["none", "supervisor", "manager"]
Basis = Literal["law", "guidance", "policy"]
Frequency = Literal["start_of_day", "per_patient", "end_of_day", "weekly", "monthly"]
# How often a clinic log is due: on each open day, the clinic's weekday, its day of the month,
# or only when the equipment is used (a sterilizer cycle: never a gap).
Cadence = Literal["daily", "weekly", "monthly", "per_use"]
FieldKind = Literal["number", "pass_fail", "text", "expiry"]
Status = Literal["confirmed", "caveat", "unverified"]
Pipeda = Literal["substantially_similar", "custodian_exemption", "applies"]
JurisdictionType = Literal["province", "territory"]


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return check


def _within(low: int, high: int) -> Callable[[int], int]:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}..{high}")
        return value

    return check


Plain = Annotated[StrictStr, Field(min_length=1)]  # one language: notes for content authors
MaybeEmptyPlain = StrictStr  # for facts the reference could not confirm: "" rather than a guess
# A printed fact the reference could not confirm: "" (in both languages) rather than a guess.
MaybeEmptyText = Annotated[Text, PlainValidator(parse_optional_text)]
Slug = Annotated[
    StrictStr, AfterValidator(_matching(r"[a-z][a-z0-9_]*", "a slug (a-z, 0-9 and _)"))
]
Code = Annotated[StrictStr, AfterValidator(_matching(r"[A-Z]{2}", "a two-letter code"))]
EntryId = Annotated[
    StrictStr,
    AfterValidator(_matching(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+", "an id like module.name")),
]
LanguageCode = Annotated[StrictStr, AfterValidator(_matching(r"[a-z]{2,3}", "an ISO 639 code"))]
DueDays = Annotated[StrictInt, AfterValidator(_within(0, 365))]
ValidityMonths = Annotated[StrictInt, AfterValidator(_within(1, 120))]
Version = Annotated[
    StrictStr, AfterValidator(_matching(r"\d+\.\d+\.\d+", "a version like 2026.11.0"))
]
# Lists that must not be empty: an empty ``applies`` list would silently mean "nobody".
Texts = Annotated[tuple[Text, ...], Field(min_length=1)]
References = Annotated[tuple[Reference, ...], Field(min_length=1)]
Plains = tuple[Plain, ...]
Slugs = Annotated[tuple[Slug, ...], Field(min_length=1)]
Codes = Annotated[tuple[Code, ...], Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LibraryInfo(Strict):
    version: Version
    title: Text
    disclaimer: Text


class PrivateClinicPrivacy(Strict):
    """The privacy facts of a privately run clinic where they differ from a public one's
    (Nunavut: PIPEDA, not the ATIPP Act); a clinic chooses with the ``private_clinic`` option."""

    laws: Texts
    law_short: Text
    regulator: Text
    worker_term: Text


class Privacy(Strict):
    laws: Texts
    law_short: Text
    regulator: Text
    worker_term: Text
    pipeda: Pipeda
    breach_duty: Plain
    status: Status
    private_clinic: PrivateClinicPrivacy | None = None

    def for_clinic(self, private: bool) -> "Privacy":
        """These facts, or a private clinic's where the jurisdiction has them apart."""
        if not (private and self.private_clinic):
            return self
        private = self.private_clinic
        return self.model_copy(
            update={name: getattr(private, name) for name in type(private).model_fields}
        )


class HealthPlan(Strict):
    name: Text
    short: MaybeEmptyText
    card: Text | None = None  # the card's own name where it is not "health card (short name)"
    card_note: Plain
    claims: MaybeEmptyPlain
    status: Status


class Ohs(Strict):
    compensation_board: Text  # the workers' compensation board (WSIB, CNESST, WorkSafeBC, ...)
    regulator: Text
    law: MaybeEmptyText
    worker_training: MaybeEmptyPlain
    whmis_law: MaybeEmptyText
    status: Status


class Accessibility(Strict):
    law: MaybeEmptyText
    private_clinic_training: StrictBool
    note: Plain
    status: Status


class Ipac(Strict):
    body: Text
    documents: Plains
    status: Status


class Jurisdiction(Strict):
    code: Code
    name: Text
    in_name: Text  # "in Ontario" / "en Ontario", "au Québec": French prepositions vary by place
    type: JurisdictionType
    languages: Annotated[tuple[LanguageCode, ...], Field(min_length=1)]
    languages_note: Plain
    privacy: Privacy
    health_plan: HealthPlan
    ohs: Ohs
    accessibility: Accessibility
    ipac: Ipac


class Setting(Strict):
    slug: Slug
    name: Text
    summary: Text


class Role(Strict):
    slug: Slug
    name: Text
    summary: Text
    clinical: StrictBool
    includes: tuple[Slug, ...] = ()


class Option(Strict):
    slug: Slug
    name: Text
    summary: Text


class EmrProduct(Strict):
    slug: Slug
    name: Text


class ModuleHeader(Strict):
    id: Slug
    title: Text
    summary: Text
    order: StrictInt
    # What the clinic does when someone leaves: never in an onboarding plan, only in the
    # checklist made on their last day (``planner.build_plan(offboarding=True)``).
    offboarding: StrictBool = False


class Applies(Strict):
    """Who an entry is for; a missing key means everyone. Keys match ``planner.rules.RULES``."""

    roles: Slugs | None = None
    provinces: Codes | None = None
    settings: Slugs | None = None
    options: Slugs | None = None
    emr: Slugs | None = None


class TaskFields(Strict):
    """When a task falls due and how it is signed: shared by library items and custom items."""

    kind: Kind
    phase: Phase | None = None
    due_days: DueDays | None = None
    signoff: Signoff
    validity_months: ValidityMonths | None = None
    renews: StrictBool | None = None


class Content(Strict):
    """What items and duties share: the words shown to the hire and who they are for."""

    id: EntryId
    title: Text
    guidance: Text
    basis: Basis
    applies: Applies = Applies()
    references: References


class Item(Content, TaskFields):
    requires: tuple[EntryId, ...] = ()


class LogField(Strict):
    """One value a log entry records: a number with its unit and acceptable range, a pass or
    fail, a short text, or an expiry date (acceptable while it is still ahead)."""

    id: Slug
    label: Text
    short: Text | None = None  # the column heading on a paper sheet, where space is tight
    kind: FieldKind
    unit: Plain | None = None
    min: StrictFloat | StrictInt | None = None
    max: StrictFloat | StrictInt | None = None


class LogSession(Strict):
    """A moment a log is read at (opening, closing, each cycle), each with all the fields."""

    id: Slug
    label: Text


class ClinicLog(Content):
    """A record the clinic keeps, not a person: one log per unit the clinic names (each
    refrigerator, each sterilizer), with its fields, cadence and what to do when out of range."""

    unit: Text  # what one log is kept for: "refrigerator", "sterilizer", "emergency cart"
    cadence: Cadence
    sessions: Annotated[tuple[LogSession, ...], Field(min_length=1)]
    fields: Annotated[tuple[LogField, ...], Field(min_length=1)]
    incident_steps: Texts  # what to do now when a value is out of range, in order


class DutyLog(Strict):
    """The log (and its session) a duty is done by recording: ticking it means an entry."""

    id: EntryId
    session: Slug


class Duty(Content):
    frequency: Frequency
    log: DutyLog | None = None
