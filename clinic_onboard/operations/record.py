"""Appending to an onboarding's record, stating what it attests, and verifying it.

Every event is signed with the app's record key (``extensions.record_keys``); the chain's
statements (the plan's opening, a plan update applied, a renewal added, a reseal) record each
item's text and rule and the hire, so ``verify_onboarding`` and ``verify_chains`` (the record
page, ``verify-signoffs`` and backup import) can tell a change made outside the app.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from clinic_onboard.extensions import db, record_keys
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.models.types import utcnow
from clinic_onboard.record.chain import (
    GENESIS,
    ChainReport,
    Finding,
    RecordState,
    TaskText,
    event_message,
    latest_digests,
    stated_hire,
    stated_tasks,
    task_digest,
    verify_record,
    walk,
)
from clinic_onboard.record.progress import TaskFacts
from clinic_onboard.record.states import STATEMENT_KINDS, EventKind, TaskEvent
from clinic_onboard.record.words import N_

_HEADS = "record_heads"  # session.info: onboarding id -> last seq noted by start_change
# Who writes what the app does by itself (a renewal added, a reseal): no person's account.
SYSTEM_NAME, SYSTEM_ROLE = "clinic-onboard", "system"

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


class RecordConflict(RuntimeError):
    """Someone else added to this record at the same moment; nothing of ours was saved."""


def describe(finding: Finding, translate: Callable[[str], str] = str) -> str:
    """The finding in a sentence; ``translate`` is gettext on a page, left out in a command."""
    template = FINDINGS.get(finding.code, finding.code)
    words = {"seq": finding.seq, "item": finding.item_id, "detail": finding.detail}
    return translate(template) % words


# --- writing ----------------------------------------------------------------------------------


def append_event(
    onboarding: Onboarding,
    task: OnboardingTask | None,
    kind: str,
    actor: Membership | None,
    payload: dict[str, Any] | None = None,
) -> OnboardingEvent:
    """Add the next event of the chain, signed; ``actor`` None is the app acting by itself.

    A simultaneous writer makes this raise RecordConflict, as does any event added since
    ``start_change`` noted the record's last one.
    """
    last = _last_event(onboarding.id)
    noted = db.session.info.get(_HEADS, {}).pop(onboarding.id, None)
    if noted is not None and noted != (last.seq if last else 0):
        raise RecordConflict("the record changed after its state was read")
    event = OnboardingEvent(
        clinic_id=onboarding.clinic_id,
        onboarding_id=onboarding.id,
        task_id=task.id if task else None,
        seq=(last.seq + 1) if last else 1,
        kind=kind,
        actor_id=actor.user_id if actor else None,
        actor_name=actor.user.display_name if actor else SYSTEM_NAME,
        actor_role=actor.role.value if actor else SYSTEM_ROLE,
        payload=payload or {},
        created_at=utcnow(),
        prev_hash=last.hash if last else GENESIS,
    )
    item_id = task.item_id if task else None
    digest = stated_digests(onboarding.id).get(item_id) if item_id else None
    seal(event, item_id, onboarding.membership_id, digest)
    _insert(event)
    return event


def seal(event: OnboardingEvent, item_id: str | None, hire_id: int, digest: str | None) -> None:
    """Sign ``event`` under the current record key, for the hire and its item's stated digest."""
    message = event_message(event.facts(item_id), hire_id, digest)
    event.key_id, event.hash = record_keys().sign(message)


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


def _digests(tasks: Iterable[OnboardingTask]) -> dict[str, str]:
    return {task.item_id: task_digest(task_text(task)) for task in tasks}


def open_record(onboarding: Onboarding, actor: Membership | None) -> OnboardingEvent:
    """The record's first entry: the hire it is kept for and every item of the stored plan."""
    payload = {"hire": onboarding.membership_id, "tasks": _digests(onboarding.tasks)}
    return append_event(onboarding, None, EventKind.OPENED, actor, payload)


def record_plan_update(
    onboarding: Onboarding,
    actor: Membership | None,
    changed: Sequence[OnboardingTask],
    withdrawn: Sequence[OnboardingTask],
) -> OnboardingEvent:
    """A plan update applied: the items it added, reinstated or rewrote, and those withdrawn."""
    payload = {"tasks": _digests(changed), "withdrawn": sorted(t.item_id for t in withdrawn)}
    return append_event(onboarding, None, EventKind.PLAN_UPDATED, actor, payload)


def record_renewal(onboarding: Onboarding, renewal: OnboardingTask) -> OnboardingEvent:
    """The app added the next renewal of an item: state its text and rule."""
    payload = {"tasks": _digests([renewal]), "renews": renewal.item_id}
    return append_event(onboarding, None, EventKind.RENEWAL_ADDED, None, payload)


def start_change(onboarding: Onboarding) -> None:
    """Note the record's last event, then reload the onboarding, before a verb reads the state.

    A verb checks the state folded from the events, then appends. The next ``append_event``
    raises RecordConflict if any event was added since this note: otherwise a sign-off landing
    between the check and the append would let a second sign-off of the same item through,
    its own sequence number being still free. Optimistic, so no lock is held while folding.
    """
    last = _last_event(onboarding.id)
    db.session.info.setdefault(_HEADS, {})[onboarding.id] = last.seq if last else 0
    # The status too must be read after the note (a final sign-off closes the record).
    db.session.execute(
        select(Onboarding)
        .where(Onboarding.id == onboarding.id)
        .execution_options(populate_existing=True)
    )


def _last_event(onboarding_id: int) -> OnboardingEvent | None:
    query = (
        select(OnboardingEvent)
        .where(OnboardingEvent.onboarding_id == onboarding_id)
        .order_by(OnboardingEvent.seq.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def _insert(event: OnboardingEvent) -> None:
    """Flush inside a savepoint so a lost race leaves the outer transaction usable."""
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError as error:
        raise RecordConflict("the record changed while you were saving") from error


# --- reading ----------------------------------------------------------------------------------


def task_facts(task: OnboardingTask) -> TaskFacts:
    return TaskFacts(task.id, task.module, task.module_title, task.due_date, task.signoff != "none")


def as_task_event(event: OnboardingEvent) -> TaskEvent:
    return TaskEvent(event.id, event.kind, event.payload.get("voids"))


def chain_head(onboarding: Onboarding) -> str:
    """The fingerprint of the record: its last event's MAC (GENESIS when empty)."""
    last = _last_event(onboarding.id)
    return last.hash if last else GENESIS


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
    """Every onboarding's verdict, three queries per ``batch`` onboardings."""
    ids = db.session.scalars(select(Onboarding.id).order_by(Onboarding.id)).all()
    for start in range(0, len(ids), batch):
        yield from _verify_batch(ids[start : start + batch])


def _verify_batch(onboarding_ids: Sequence[int]) -> Iterator[ChainReport]:
    onboardings = db.session.scalars(
        select(Onboarding).where(Onboarding.id.in_(onboarding_ids)).order_by(Onboarding.id)
    ).all()
    tasks: dict[int, list[OnboardingTask]] = defaultdict(list)
    for task in db.session.scalars(
        select(OnboardingTask).where(OnboardingTask.onboarding_id.in_(onboarding_ids))
    ):
        tasks[task.onboarding_id].append(task)
    events: dict[int, list[tuple[OnboardingEvent, str | None]]] = defaultdict(list)
    for event, item_id in record_events(onboarding_ids):
        events[event.onboarding_id].append((event, item_id))
    for onboarding in onboardings:
        yield _report(onboarding, tasks[onboarding.id], events[onboarding.id])


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
        tasks=_digests(tasks),
    )
    sealed = [event.sealed(item_id) for event, item_id in events]
    return verify_record(state, sealed, record_keys())


# --- resealing records kept before the key ----------------------------------------------------


@dataclass(frozen=True)
class Resealed:
    """One older record's reseal: ``refused`` names the break that kept it as it was."""

    onboarding_id: int
    events: int
    refused: Finding | None = None


def reseal_records() -> Iterator[Resealed]:
    """Check and sign every record kept before the key: unkeyed events, or no opening entry.

    Each old chain must still verify as it was written (its SHA-256 links, and the MACs of any
    event added after the key came); then every event is signed again under the current key
    and a RESEALED entry states the hire and each item as they are now. A broken chain is left
    untouched and reported.
    """
    for onboarding in db.session.scalars(select(Onboarding).order_by(Onboarding.id)):
        events = record_events([onboarding.id])
        sealed = [event.sealed(item_id) for event, item_id in events]
        if stated_hire(sealed) is not None and all(s.key_id for s in sealed):
            continue
        broken = walk(sealed, onboarding.membership_id, record_keys(), legacy=True)
        if broken is None:
            _sign_again(onboarding, events)
        yield Resealed(onboarding.id, len(events), broken)


def _sign_again(
    onboarding: Onboarding, events: Sequence[tuple[OnboardingEvent, str | None]]
) -> None:
    prev, digests = GENESIS, {}
    for event, item_id in events:
        event.prev_hash = prev
        seal(event, item_id, onboarding.membership_id, digests.get(item_id) if item_id else None)
        digests.update(stated_tasks(event.facts(item_id)))
        prev = event.hash
    payload = {
        "hire": onboarding.membership_id,
        "tasks": _digests(onboarding.tasks),
        "events": len(events),
    }
    db.session.flush()
    append_event(onboarding, None, EventKind.RESEALED, None, payload)
