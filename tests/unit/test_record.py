"""The pure record logic: hash chains and task states folded from events."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from clinic_onboard.record.chain import GENESIS, EventFacts, event_hash, first_broken_link
from clinic_onboard.record.states import EventKind, TaskEvent, TaskStatus, task_status

T0 = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)


def _chain(length: int) -> list[tuple[EventFacts, str]]:
    chain, prev = [], GENESIS
    for seq in range(1, length + 1):
        facts = EventFacts(
            seq,
            7,
            f"ipac.item_{seq}",
            "completed",
            3,
            "Amira Haddad",
            "staff",
            {"note": "Émilie — ᐃᓄᒃᑎᑐᑦ"},
            T0 + timedelta(minutes=seq),
            prev,
        )
        prev = event_hash(facts)
        chain.append((facts, prev))
    return chain


def test_an_intact_chain_verifies() -> None:
    assert first_broken_link(_chain(5)) is None
    assert first_broken_link([]) is None


def test_the_hash_is_stable_and_covers_every_fact() -> None:
    facts, digest = _chain(1)[0]
    assert event_hash(facts) == digest and len(digest) == 64
    for change in (
        {"kind": "signed_off"},
        {"actor_name": "Someone"},
        {"payload": {"note": "x"}},
        {"created_at": T0},
        {"task_item_id": "other"},
        {"actor_role": "manager"},
    ):
        assert event_hash(replace(facts, **change)) != digest


@pytest.mark.parametrize(
    ("tamper", "seq", "reason"),
    [
        (
            lambda c: c.__setitem__(2, (replace(c[2][0], actor_name="Forged"), c[2][1])),
            3,
            "contents changed",
        ),
        (lambda c: c.pop(1), 3, "expected event 2"),
        (
            lambda c: c.__setitem__(3, (replace(c[3][0], prev_hash=GENESIS), c[3][1])),
            4,
            "does not link",
        ),
    ],
)
def test_tampering_names_the_first_broken_link(tamper, seq: int, reason: str) -> None:
    chain = _chain(5)
    tamper(chain)
    broken = first_broken_link(chain)
    assert broken is not None and broken.seq == seq and reason in broken.reason


@pytest.mark.parametrize(
    ("kinds", "needs_signoff", "expected"),
    [
        ([], True, TaskStatus.NOT_STARTED),
        (["completed"], False, TaskStatus.DONE),
        (["completed"], True, TaskStatus.AWAITING_SIGNOFF),
        (["completed", "undone"], True, TaskStatus.NOT_STARTED),
        (["completed", "needs_practice"], True, TaskStatus.NEEDS_PRACTICE),
        (["completed", "needs_practice", "completed", "signed_off"], True, TaskStatus.SIGNED_OFF),
        (["acknowledged"], False, TaskStatus.DONE),
        (["credential_recorded"], True, TaskStatus.AWAITING_SIGNOFF),
    ],
)
def test_task_status_folds_events(
    kinds: list[str], needs_signoff: bool, expected: TaskStatus
) -> None:
    events = [TaskEvent(i, kind) for i, kind in enumerate(kinds, start=1)]
    assert task_status(events, needs_signoff) is expected


def test_a_voided_event_no_longer_counts() -> None:
    events = [
        TaskEvent(1, EventKind.COMPLETED),
        TaskEvent(2, EventKind.SIGNED_OFF),
        TaskEvent(3, EventKind.VOIDED, voids=2),
    ]
    assert task_status(events, needs_signoff=True) is TaskStatus.AWAITING_SIGNOFF
    assert (
        task_status([*events, TaskEvent(4, EventKind.VOIDED, voids=1)], True)
        is TaskStatus.NOT_STARTED
    )
