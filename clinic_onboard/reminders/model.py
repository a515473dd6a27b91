"""Plain data the reminder rules work on: who, what is open, and what each person is told.

The shell (``operations.reminders``) builds these from the database; nothing here knows about
Flask, SQLAlchemy or the clock, so every rule is unit-tested with hand-made values.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from clinic_onboard.policy import AppRole
from clinic_onboard.record.states import TaskStatus


class Frequency(StrEnum):
    """How often a person accepts a digest; ``off`` means never."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class Kind(StrEnum):
    """What a reminder is about, from the recipient's point of view (also the digest section)."""

    OVERDUE = "overdue"  # the hire: one of their items is past due
    DUE_SOON = "due_soon"  # the hire: one of their items falls due within a week
    EXPIRING = "expiring"  # the hire: their own credential expires soon, or has expired
    SIGNOFF = "signoff"  # a supervisor or manager: an item waits for their sign-off
    STAFF_OVERDUE = "staff_overdue"  # a manager: a hire has items past due (one per hire)
    STAFF_EXPIRING = "staff_expiring"  # a manager: a hire's credential expires soon or expired
    LOG_GAP = "log_gap"  # a manager: a clinic log was not recorded on an open day


@dataclass(frozen=True)
class Link:
    """A page of the app as (endpoint, values); the shell turns it into an absolute URL."""

    endpoint: str
    values: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str
    frequency: Frequency = Frequency.DAILY
    language: str = "en"  # the digest's language: theirs, else their first clinic's


@dataclass(frozen=True)
class Member:
    """A person's app role in one clinic."""

    user_id: int
    clinic_id: int
    role: AppRole


@dataclass(frozen=True)
class Hire:
    """One onboarding, active or completed (renewals live on after completion)."""

    onboarding_id: int
    clinic_id: int
    clinic_name: str
    user_id: int
    name: str
    supervisor_id: int | None


@dataclass(frozen=True)
class Task:
    """A live (not withdrawn) item with its status folded from the record."""

    id: int
    onboarding_id: int
    title: str
    kind: str
    due_date: date
    status: TaskStatus
    signoff: str
    renewal_of_id: int | None = None
    completion_id: int | None = None  # the live completion an AWAITING_SIGNOFF item waits on
    completed_on: date | None = None


@dataclass(frozen=True)
class CredentialRecord:
    """A live (not voided) credential event: the card recorded on one task, in record order."""

    task_id: int
    seq: int
    expires_on: date


@dataclass(frozen=True)
class Credential:
    """The latest card of an item across its renewals (``root_id``: the original item)."""

    root_id: int
    onboarding_id: int
    title: str
    expires_on: date


@dataclass(frozen=True)
class LogGap:
    """A clinic log not (fully) recorded on one of the clinic's open days."""

    clinic_id: int
    clinic_name: str
    unit_id: int
    unit_name: str
    day: date
    sessions: int  # how many of the day's readings are missing


@dataclass(frozen=True)
class Snapshot:
    """Everything the rules need, for any number of clinics."""

    people: dict[int, Person]
    members: list[Member]
    hires: list[Hire]
    tasks: list[Task]
    credentials: list[CredentialRecord] = field(default_factory=list)
    log_gaps: list[LogGap] = field(default_factory=list)


@dataclass(frozen=True)
class Item:
    """One thing to tell one person.

    ``key`` names what it is about and ``stage`` its situation today: the pair is mentioned
    once, and again only when the stage changes (a new expiry window, another week overdue).
    """

    recipient_id: int
    clinic_id: int
    clinic_name: str
    kind: Kind
    key: str
    stage: str
    title: str
    when: date
    link: Link
    hire_name: str | None = None
    count: int = 1  # a summary's number of items (a hire's overdue items, a log's readings)

    @property
    def identity(self) -> tuple[int, str, str, str]:
        """What the sent-reminder log keeps unique."""
        return (self.recipient_id, self.kind.value, self.key, self.stage)
