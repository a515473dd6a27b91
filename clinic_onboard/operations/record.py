"""Appending to an onboarding's record, and resealing records kept before the key.

Every event is signed with the app's record key (``extensions.record_keys``); the chain's
statements (the plan's opening, a plan update applied, a renewal added, a reseal) record each
item's text and rule and the hire, so ``queries.record``'s verdicts can tell a change made
outside the app.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic_onboard.extensions import db, record_keys
from clinic_onboard.models import Membership, Onboarding, OnboardingEvent, OnboardingTask
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import task_states
from clinic_onboard.queries.record import (
    last_event,
    record_events,
    stated_digests,
    task_digests,
)
from clinic_onboard.record.chain import (
    GENESIS,
    Finding,
    event_message,
    stated_hire,
    stated_tasks,
    walk,
)
from clinic_onboard.record.states import EventKind

_HEADS = "record_heads"  # session.info: onboarding id -> last seq noted by start_change
# Who writes what the app does by itself (a renewal added, a reseal): no person's account.
SYSTEM_NAME, SYSTEM_ROLE = "clinic-onboard", "system"


class RecordConflict(RuntimeError):
    """Someone else added to this record at the same moment; nothing of ours was saved."""


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
    last = last_event(onboarding.id)
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
    if task is not None:
        task_states.follow(task, event)  # only once the event is in: a conflict keeps the state
    return event


def seal(event: OnboardingEvent, item_id: str | None, hire_id: int, digest: str | None) -> None:
    """Sign ``event`` under the current record key, for the hire and its item's stated digest."""
    message = event_message(event.facts(item_id), hire_id, digest)
    event.key_id, event.hash = record_keys().sign(message)


def open_record(onboarding: Onboarding, actor: Membership | None) -> OnboardingEvent:
    """The record's first entry: the hire it is kept for and every item of the stored plan."""
    payload = {"hire": onboarding.membership_id, "tasks": task_digests(onboarding.tasks)}
    return append_event(onboarding, None, EventKind.OPENED, actor, payload)


def record_plan_update(
    onboarding: Onboarding,
    actor: Membership | None,
    changed: Sequence[OnboardingTask],
    withdrawn: Sequence[OnboardingTask],
) -> OnboardingEvent:
    """A plan update applied: the items it added, reinstated or rewrote, and those withdrawn."""
    payload = {"tasks": task_digests(changed), "withdrawn": sorted(t.item_id for t in withdrawn)}
    return append_event(onboarding, None, EventKind.PLAN_UPDATED, actor, payload)


def record_renewal(onboarding: Onboarding, renewal: OnboardingTask) -> OnboardingEvent:
    """The app added the next renewal of an item: state its text and rule."""
    payload = {"tasks": task_digests([renewal]), "renews": renewal.item_id}
    return append_event(onboarding, None, EventKind.RENEWAL_ADDED, None, payload)


def start_change(onboarding: Onboarding) -> None:
    """Note the record's last event, then reload the onboarding, before a verb reads the state.

    A verb checks the state folded from the events, then appends. The next ``append_event``
    raises RecordConflict if any event was added since this note: otherwise a sign-off landing
    between the check and the append would let a second sign-off of the same item through,
    its own sequence number being still free. Optimistic, so no lock is held while folding.
    """
    last = last_event(onboarding.id)
    db.session.info.setdefault(_HEADS, {})[onboarding.id] = last.seq if last else 0
    # The status too must be read after the note (a final sign-off closes the record).
    db.session.execute(
        select(Onboarding)
        .where(Onboarding.id == onboarding.id)
        .execution_options(populate_existing=True)
    )


def _insert(event: OnboardingEvent) -> None:
    """Flush inside a savepoint so a lost race leaves the outer transaction usable."""
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError as error:
        raise RecordConflict("the record changed while you were saving") from error


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
        "tasks": task_digests(onboarding.tasks),
        "events": len(events),
    }
    db.session.flush()
    append_event(onboarding, None, EventKind.RESEALED, None, payload)
