"""A task's state, folded from its events; voided events are left out of the fold."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class EventKind(StrEnum):
    COMPLETED = "completed"  # the hire did it (task, reading, competency)
    ACKNOWLEDGED = "acknowledged"  # typed full name under the policy text
    CREDENTIAL = "credential_recorded"  # issuer, number, dates, optional file
    UNDONE = "undone"  # the hire took back a completion not yet signed off
    SIGNED_OFF = "signed_off"  # a supervisor or manager: competent
    NEEDS_PRACTICE = "needs_practice"  # a supervisor: not yet; re-opens the task
    VERIFIED = "verified"  # a credential or document seen and accepted
    REJECTED = "rejected"  # a credential or document refused, with the reason; re-opens it
    CONFIRMED = "confirmed"  # a reading, task or acknowledgement confirmed done
    VOIDED = "voided"  # a correction: cancels one earlier event, with a reason
    FINAL_SIGNOFF = "final_signoff"  # the manager completes the whole onboarding
    LEFT = "left"  # the hire left the clinic: the record closes unfinished
    # A manager uploaded a new version of the clinic's document behind an acknowledgement the
    # hire signed: the item re-opens for them to read and sign again (the old signature stays).
    POLICY_REVISED = "policy_revised"
    # A returning hire's credential still valid from an earlier onboarding (payload: its card).
    CARRIED_OVER = "carried_over"
    # Statements (record/chain.py): what the record attests, each item's text and rule.
    OPENED = "opened"  # the plan is stored: the hire and every item
    PLAN_UPDATED = "plan_updated"  # a plan update applied: the items it added or changed
    RENEWAL_ADDED = "renewal_added"  # the next renewal of an item
    RESEALED = "resealed"  # an older record checked and signed with the key


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    AWAITING_SIGNOFF = "awaiting_signoff"
    NEEDS_PRACTICE = "needs_practice"
    REJECTED = "rejected"
    DONE = "done"
    SIGNED_OFF = "signed_off"


STATEMENT_KINDS = frozenset(
    {EventKind.OPENED, EventKind.PLAN_UPDATED, EventKind.RENEWAL_ADDED, EventKind.RESEALED}
)
DONE_KINDS = frozenset(
    {EventKind.COMPLETED, EventKind.ACKNOWLEDGED, EventKind.CREDENTIAL, EventKind.CARRIED_OVER}
)
# Events whose payload is a card (issuer, number, dates, file).
CREDENTIAL_KINDS = frozenset({EventKind.CREDENTIAL, EventKind.CARRIED_OVER})
# A signer's entries: those that finish an item, and those that send it back to the hire.
SIGNING_KINDS = frozenset({EventKind.SIGNED_OFF, EventKind.VERIFIED, EventKind.CONFIRMED})
REOPENING_KINDS = frozenset({EventKind.NEEDS_PRACTICE, EventKind.REJECTED})
# What takes an item back to not started: an undo, or a new version of the clinic's document.
RESTARTING_KINDS = frozenset({EventKind.UNDONE, EventKind.POLICY_REVISED})
# The kinds that set a task's status: the newest live one alone decides it (``_step``).
STATE_KINDS = frozenset({*DONE_KINDS, *RESTARTING_KINDS, *SIGNING_KINDS, *REOPENING_KINDS})


class SignoffForm(StrEnum):
    """What a signature attests, by the item's kind (``policy.signoff_form``)."""

    COMPETENCY = "competency"  # the hire can do it: a method and competent / needs practice
    DOCUMENT = "document"  # a credential or document: what was seen, verified / rejected
    CONFIRMATION = "confirmation"  # a reading, task or acknowledgement: completion confirmed


# How each form is verified (the value a signature stores), and its outcomes' event kinds.
SIGNOFF_METHODS = {
    SignoffForm.COMPETENCY: ("observed", "demonstrated", "discussed", "simulated"),
    SignoffForm.DOCUMENT: ("original", "certified_copy", "online_registry"),
    SignoffForm.CONFIRMATION: (),
}
SIGNOFF_OUTCOMES = {
    SignoffForm.COMPETENCY: {
        "competent": EventKind.SIGNED_OFF,
        "needs_practice": EventKind.NEEDS_PRACTICE,
    },
    SignoffForm.DOCUMENT: {"verified": EventKind.VERIFIED, "rejected": EventKind.REJECTED},
    SignoffForm.CONFIRMATION: {"confirmed": EventKind.CONFIRMED},
}


@dataclass(frozen=True)
class TaskEvent:
    """The part of an event that decides state."""

    id: int
    kind: str
    voids: int | None = None  # for VOIDED: the id of the event it cancels


def task_status(events: Iterable[TaskEvent], needs_signoff: bool) -> TaskStatus:
    """Fold one task's events in order; a task needing no sign-off is DONE once done."""
    listed = list(events)
    voided = {e.voids for e in listed if e.kind == EventKind.VOIDED}
    status = TaskStatus.NOT_STARTED
    for event in listed:
        if event.id not in voided:
            status = _step(status, EventKind(event.kind), needs_signoff)
    return status


@dataclass(frozen=True)
class KeptState:
    """What ``onboarding_tasks`` keeps of a task's fold, so pages count without reading events:
    the newest live state event (its id and kind; None when nothing counts yet) and the newest
    live completion, acknowledgement or credential (the sign-off queue and reminders show it).
    """

    event_id: int | None = None
    kind: str | None = None
    done_id: int | None = None


def kept_state(events: Iterable[TaskEvent]) -> KeptState:
    """Fold one task's events in order (voids of any of them applied) into what is kept.

    ``task_status`` gives the same status from ``state.kind`` alone as from every event, since
    each state kind sets the status whatever came before (tests/unit check both folds agree).
    """
    listed = list(events)
    voided = {e.voids for e in listed if e.kind == EventKind.VOIDED}
    live = [e for e in listed if e.id not in voided]
    state = next((e for e in reversed(live) if e.kind in STATE_KINDS), None)
    done = next((e for e in reversed(live) if e.kind in DONE_KINDS), None)
    return KeptState(
        state.id if state else None, state.kind if state else None, done.id if done else None
    )


def _step(status: TaskStatus, kind: EventKind, needs_signoff: bool) -> TaskStatus:
    if kind == EventKind.CARRIED_OVER:
        return TaskStatus.DONE  # checked in the earlier onboarding: nothing to sign again
    if kind in DONE_KINDS:
        return TaskStatus.AWAITING_SIGNOFF if needs_signoff else TaskStatus.DONE
    if kind in RESTARTING_KINDS:
        return TaskStatus.NOT_STARTED
    if kind in SIGNING_KINDS:
        return TaskStatus.SIGNED_OFF
    if kind == EventKind.NEEDS_PRACTICE:
        return TaskStatus.NEEDS_PRACTICE
    if kind == EventKind.REJECTED:
        return TaskStatus.REJECTED
    return status


def is_finished(status: TaskStatus) -> bool:
    return status in (TaskStatus.DONE, TaskStatus.SIGNED_OFF)
