"""What a task keeps of its fold (``kept_state``) gives the status the whole fold gives."""

import random

import pytest

from clinic_onboard.record.states import (
    STATE_KINDS,
    EventKind,
    KeptState,
    TaskEvent,
    kept_state,
    task_status,
)

KINDS = sorted({*STATE_KINDS, EventKind.OPENED})


def _status_from_kept(state: KeptState, needs_signoff: bool):
    events = [] if state.kind is None else [TaskEvent(0, state.kind)]
    return task_status(events, needs_signoff)


@pytest.mark.parametrize("seed", range(200))
def test_the_kept_kind_gives_the_folded_status(seed: int) -> None:
    rng = random.Random(seed)
    events: list[TaskEvent] = []
    for number in range(1, rng.randint(1, 12)):
        if events and rng.random() < 0.2:
            events.append(TaskEvent(number, EventKind.VOIDED, rng.choice(events).id))
        else:
            events.append(TaskEvent(number, rng.choice(KINDS)))
    state = kept_state(events)
    for needs_signoff in (True, False):
        assert _status_from_kept(state, needs_signoff) == task_status(events, needs_signoff)


def test_a_void_brings_the_earlier_state_back() -> None:
    done, signed = TaskEvent(1, EventKind.COMPLETED), TaskEvent(2, EventKind.SIGNED_OFF)
    assert kept_state([done, signed]) == KeptState(2, EventKind.SIGNED_OFF, 1)
    voided = TaskEvent(3, EventKind.VOIDED, voids=2)
    assert kept_state([done, signed, voided]) == KeptState(1, EventKind.COMPLETED, 1)
    assert kept_state([done, TaskEvent(4, EventKind.VOIDED, voids=1)]) == KeptState()
