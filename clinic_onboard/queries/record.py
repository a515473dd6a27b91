"""An onboarding's record as it stands: each task's status folded from its events, the
record's fingerprint, and its verdict (``verify_onboarding``, ``verify_chains``: the record
page, ``verify-signoffs`` and backup import).

Verifying is a read: it judges the rows and the sealed events with the app's keys and writes
nothing. ``operations.record`` appends and reseals; ``operations.progress`` checks through
``task_records`` before each verb.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, select

from clinic_onboard.extensions import db, record_keys
from clinic_onboard.models import Onboarding, OnboardingEvent, OnboardingStatus, OnboardingTask
from clinic_onboard.queries.policy_documents import stored_document_names
from clinic_onboard.record.chain import (
    GENESIS,
    ChainReport,
    Finding,
    RecordState,
    TaskText,
    latest_digests,
    task_digest,
    verify_record,
)
from clinic_onboard.record.progress import TaskFacts, statuses
from clinic_onboard.record.states import (
    DONE_KINDS,
    REOPENING_KINDS,
    STATEMENT_KINDS,
    EventKind,
    TaskEvent,
    TaskStatus,
    is_finished,
)
from clinic_onboard.record.words import N_

# What each finding means (``describe``); plain text here, translated where it is shown.
FINDINGS = {
    "sequence": N_(
        "entry %(seq)s stands where entry %(detail)s should: entries were removed or renumbered"
    ),
    "link": N_("entry %(seq)s does not link to the entry before it: entries were removed or moved"),
    "unsealed": N_(
        "entry %(seq)s was written before entries were signed with a key and is not "
        "authenticated; run clinic-onboard reseal-records"
    ),
    "unknown_key": N_(
        "entry %(seq)s is signed with the key %(detail)s, which this installation does not hold"
    ),
    "forged": N_(
        "entry %(seq)s does not carry a valid signature: it was changed, moved or written "
        "outside the app"
    ),
    "unopened": N_(
        "no entry states the plan and the person it was made for; run clinic-onboard "
        "reseal-records for a record kept before entries were signed"
    ),
    "hire_changed": N_("the record now belongs to another person than the one entry %(seq)s names"),
    "task_changed": N_(
        "the text or sign-off rule of item %(item)s differs from what entry %(seq)s states"
    ),
    "task_unstated": N_("item %(item)s was added to the plan outside the app"),
    "task_removed": N_("item %(item)s, stated by entry %(seq)s, is missing from the plan"),
    "completed_unsigned": N_(
        "the onboarding is marked complete but the record holds no final sign-off"
    ),
    "completion_mismatch": N_(
        "the completion date differs from the final sign-off in entry %(seq)s"
    ),
    "reopened": N_("the onboarding is marked in progress after its final sign-off, entry %(seq)s"),
}


def describe(finding: Finding, translate: Callable[[str], str] = str) -> str:
    """The finding in a sentence; ``translate`` is gettext on a page, left out in a command."""
    template = FINDINGS.get(finding.code, finding.code)
    words = {"seq": finding.seq, "item": finding.item_id, "detail": finding.detail}
    return translate(template) % words


# --- the record's events --------------------------------------------------------------------


def stated_digests(onboarding_id: int) -> dict[str, str]:
    """Each item's digest as the record's statements give it now."""
    query = (
        select(OnboardingEvent)
        .where(
            OnboardingEvent.onboarding_id == onboarding_id,
            OnboardingEvent.kind.in_(STATEMENT_KINDS),
        )
        .order_by(OnboardingEvent.seq)
    )
    return latest_digests(e.facts(None) for e in db.session.scalars(query))


def task_text(task: OnboardingTask) -> TaskText:
    return TaskText(
        task.item_id,
        task.title,
        task.guidance,
        task.kind,
        task.signoff,
        task.validity_months,
        task.renews,
    )


def task_digests(tasks: Iterable[OnboardingTask]) -> dict[str, str]:
    """Each item's digest as the rows say now: what a statement states, what a verdict compares."""
    return {task.item_id: task_digest(task_text(task)) for task in tasks}


def last_event(onboarding_id: int) -> OnboardingEvent | None:
    query = (
        select(OnboardingEvent)
        .where(OnboardingEvent.onboarding_id == onboarding_id)
        .order_by(OnboardingEvent.seq.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def task_facts(task: OnboardingTask) -> TaskFacts:
    return TaskFacts(task.id, task.module, task.module_title, task.due_date, task.signoff != "none")


def as_task_event(event: OnboardingEvent) -> TaskEvent:
    return TaskEvent(event.id, event.kind, event.payload.get("voids"))


def chain_head(onboarding: Onboarding) -> str:
    """The fingerprint of the record: its last event's MAC (GENESIS when empty)."""
    last = last_event(onboarding.id)
    return last.hash if last else GENESIS


# --- each task's record ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRecord:
    """One task's status and its live (not voided) events, in order."""

    status: TaskStatus
    events: tuple[OnboardingEvent, ...]

    def last(self, kinds: Iterable[str]) -> OnboardingEvent | None:
        wanted = set(kinds)
        return next((e for e in reversed(self.events) if e.kind in wanted), None)

    @property
    def completion(self) -> OnboardingEvent | None:
        """The hire's latest completion, acknowledgement or credential."""
        return self.last(DONE_KINDS)

    @property
    def practice_comment(self) -> str | None:
        """What the signer said when sending the item back: what to practise, or why a
        document was rejected; None once the item has moved on."""
        if self.status not in (TaskStatus.NEEDS_PRACTICE, TaskStatus.REJECTED):
            return None
        event = self.last(REOPENING_KINDS)
        return (event.payload.get("comment") or event.payload.get("reason")) if event else None


def fold_records(
    tasks: Sequence[OnboardingTask],
    events: Sequence[OnboardingEvent],
    *,
    withdrawn: bool = False,
) -> dict[int, TaskRecord]:
    """Each live task's record from events already loaded (no query here); with ``withdrawn``,
    the withdrawn tasks' records too, as they stood (the record PDF keeps their history)."""
    live = [t for t in tasks if withdrawn or t.withdrawn_at is None]
    status = statuses(
        [task_facts(t) for t in live],
        [as_task_event(e) for e in events],
        {e.id: e.task_id for e in events},
    )
    voided = voided_ids(events)
    by_task: dict[int, list[OnboardingEvent]] = {t.id: [] for t in live}
    for event in events:
        if event.task_id in by_task and event.id not in voided:
            by_task[event.task_id].append(event)
    return {t.id: TaskRecord(status[t.id], tuple(by_task[t.id])) for t in live}


def voided_ids(events: Iterable[OnboardingEvent]) -> set[int]:
    return {e.payload.get("voids") for e in events if e.kind == EventKind.VOIDED}


def events_of(onboarding: Onboarding) -> list[OnboardingEvent]:
    query = (
        select(OnboardingEvent)
        .where(OnboardingEvent.onboarding_id == onboarding.id)
        .order_by(OnboardingEvent.seq)
    )
    return list(db.session.scalars(query))


def task_records(onboarding: Onboarding) -> dict[int, TaskRecord]:
    return fold_records(onboarding.tasks, events_of(onboarding))


def stored_file_names(clinic_id: int) -> set[str]:
    """The uploaded files the clinic's record names: every credential event's copy, voided
    or not, since the append-only record keeps them all, and every version of the clinic's
    own policy documents, which signatures name."""
    return set(stored_file_labels(clinic_id)) | stored_document_names(clinic_id)


def stored_file_labels(clinic_id: int) -> dict[str, str]:
    """Each credential copy the clinic's record names, with the original name it shows for it."""
    payloads = db.session.scalars(
        select(OnboardingEvent.payload).where(
            OnboardingEvent.clinic_id == clinic_id, OnboardingEvent.kind == EventKind.CREDENTIAL
        )
    )
    files = [p["file"] for p in payloads if p and p.get("file")]
    return {file["stored_name"]: file["original_name"] for file in files}


# --- verifying --------------------------------------------------------------------------------

# An event with its item's id, when the item belongs to the same onboarding: an event pointed
# at another hire's item of the same id must not verify.
_EVENTS_WITH_ITEMS = select(OnboardingEvent, OnboardingTask.item_id).outerjoin(
    OnboardingTask,
    and_(
        OnboardingEvent.task_id == OnboardingTask.id,
        OnboardingTask.onboarding_id == OnboardingEvent.onboarding_id,
    ),
)


def record_events(onboarding_ids: Sequence[int]) -> list[tuple[OnboardingEvent, str | None]]:
    """Each event of these onboardings with its item's id, in seq order: one query."""
    query = _EVENTS_WITH_ITEMS.where(OnboardingEvent.onboarding_id.in_(onboarding_ids)).order_by(
        OnboardingEvent.onboarding_id, OnboardingEvent.seq
    )
    return [(event, item_id) for event, item_id in db.session.execute(query)]


def verify_onboarding(
    onboarding: Onboarding, events: Sequence[tuple[OnboardingEvent, str | None]] | None = None
) -> ChainReport:
    """One record's verdict; ``events`` (from ``record_events``) saves the query when the
    caller has them already. The onboarding's tasks are read through its relationship."""
    found = record_events([onboarding.id]) if events is None else events
    return _report(onboarding, onboarding.tasks, found)


def verify_chains(batch: int = 500) -> Iterator[ChainReport]:
    """Every onboarding's verdict, four queries per ``batch`` onboardings. A batch is a range
    of consecutive ids found by keyset (never a list of every id), and its tasks and events are
    read by that range: an index range scan on (onboarding_id, seq) in record order, so each
    batch costs what its own events cost, not a scan of the whole table."""
    after = 0
    while ids := _next_ids(after, batch):
        yield from _verify_batch(ids[0], ids[-1])
        after = ids[-1]


def _next_ids(after: int, batch: int) -> list[int]:
    query = select(Onboarding.id).where(Onboarding.id > after).order_by(Onboarding.id)
    return list(db.session.scalars(query.limit(batch)))


def _verify_batch(first: int, last: int) -> Iterator[ChainReport]:
    onboardings = db.session.scalars(
        select(Onboarding).where(Onboarding.id.between(first, last)).order_by(Onboarding.id)
    ).all()
    tasks: dict[int, list[OnboardingTask]] = defaultdict(list)
    for task in db.session.scalars(
        select(OnboardingTask).where(OnboardingTask.onboarding_id.between(first, last))
    ):
        tasks[task.onboarding_id].append(task)
    events: dict[int, list[tuple[OnboardingEvent, str | None]]] = defaultdict(list)
    for event, item_id in db.session.execute(events_in_range(first, last)):
        events[event.onboarding_id].append((event, item_id))
    for onboarding in onboardings:
        yield _report(onboarding, tasks[onboarding.id], events[onboarding.id])


def events_in_range(first: int, last: int) -> Select:
    """The events of onboardings ``first``..``last`` with their items' ids, in record order."""
    return _EVENTS_WITH_ITEMS.where(OnboardingEvent.onboarding_id.between(first, last)).order_by(
        OnboardingEvent.onboarding_id, OnboardingEvent.seq
    )


def _report(
    onboarding: Onboarding,
    tasks: Iterable[OnboardingTask],
    events: Sequence[tuple[OnboardingEvent, str | None]],
) -> ChainReport:
    """The one place a record is judged: its rows now, its sealed events, the app's keys."""
    state = RecordState(
        onboarding_id=onboarding.id,
        hire_id=onboarding.membership_id,
        completed=onboarding.status == OnboardingStatus.COMPLETED,
        completed_at=onboarding.completed_at,
        tasks=task_digests(tasks),
    )
    sealed = [event.sealed(item_id) for event, item_id in events]
    return verify_record(state, sealed, record_keys())


def items_left(onboarding: Onboarding) -> list[tuple[OnboardingTask, TaskStatus]]:
    """Live items neither done nor signed off, with their status, in plan order: what stands
    between the record and its final sign-off (renewals come later and never hold it up)."""
    records = task_records(onboarding)
    return [
        (t, records[t.id].status)
        for t in onboarding.tasks
        if t.id in records and t.renewal_of_id is None and not is_finished(records[t.id].status)
    ]
