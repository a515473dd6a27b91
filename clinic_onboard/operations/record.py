"""Appending to an onboarding's record, and checking its hash chain."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic_onboard.extensions import db
from clinic_onboard.models import Membership, Onboarding, OnboardingEvent, OnboardingTask
from clinic_onboard.models.types import utcnow
from clinic_onboard.record.chain import GENESIS, BrokenLink, event_hash, first_broken_link
from clinic_onboard.record.progress import TaskFacts, statuses
from clinic_onboard.record.states import TaskEvent, TaskStatus

_HEADS = "record_heads"  # session.info: onboarding id -> last seq noted by start_change


class RecordConflict(RuntimeError):
    """Someone else added to this record at the same moment; nothing of ours was saved."""


def append_event(
    onboarding: Onboarding,
    task: OnboardingTask | None,
    kind: str,
    actor: Membership,
    payload: dict[str, Any] | None = None,
) -> OnboardingEvent:
    """Add the next event of the chain; a simultaneous writer makes this raise RecordConflict,
    as does any event added since ``start_change`` noted the record's last one."""
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
        actor_id=actor.user_id,
        actor_name=actor.user.display_name,
        actor_role=actor.role.value,
        payload=payload or {},
        created_at=utcnow(),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = event_hash(event.facts(task.item_id if task else None))
    _insert(event)
    return event


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


def task_facts(task: OnboardingTask) -> TaskFacts:
    return TaskFacts(task.id, task.module, task.module_title, task.due_date, task.signoff != "none")


def task_statuses(onboarding: Onboarding) -> dict[int, TaskStatus]:
    """Every task's status, from one query over the onboarding's events."""
    events = db.session.scalars(
        select(OnboardingEvent)
        .where(OnboardingEvent.onboarding_id == onboarding.id)
        .order_by(OnboardingEvent.seq)
    ).all()
    tasks = [task_facts(t) for t in onboarding.tasks if t.withdrawn_at is None]
    return statuses(tasks, [as_task_event(e) for e in events], {e.id: e.task_id for e in events})


def as_task_event(event: OnboardingEvent) -> TaskEvent:
    return TaskEvent(event.id, event.kind, event.payload.get("voids"))


@dataclass(frozen=True)
class ChainReport:
    onboarding_id: int
    events: int
    broken: BrokenLink | None


def verify_chains(batch: int = 500) -> Iterator[ChainReport]:
    """Check every onboarding's chain, reading events in seq order, one query per batch."""
    ids = db.session.scalars(select(Onboarding.id).order_by(Onboarding.id)).all()
    for start in range(0, len(ids), batch):
        yield from _verify_batch(ids[start : start + batch])


def _verify_batch(onboarding_ids: list[int]) -> Iterator[ChainReport]:
    rows = db.session.execute(
        select(OnboardingEvent, OnboardingTask.item_id)
        .outerjoin(OnboardingTask, OnboardingEvent.task_id == OnboardingTask.id)
        .where(OnboardingEvent.onboarding_id.in_(onboarding_ids))
        .order_by(OnboardingEvent.onboarding_id, OnboardingEvent.seq)
    ).all()
    chains: dict[int, list] = {i: [] for i in onboarding_ids}
    for event, item_id in rows:
        chains[event.onboarding_id].append((event.facts(item_id), event.hash))
    for onboarding_id, chain in chains.items():
        yield ChainReport(onboarding_id, len(chain), first_broken_link(chain))


def chain_head(onboarding: Onboarding) -> str:
    """The fingerprint of the record: its last event's hash (GENESIS when empty)."""
    last = _last_event(onboarding.id)
    return last.hash if last else GENESIS
