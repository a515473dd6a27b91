"""The pure record logic: keyed hash chains, what they attest, and task states folded from
events."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from clinic_onboard.record.chain import (
    GENESIS,
    EventFacts,
    Finding,
    RecordState,
    SealedEvent,
    TaskText,
    event_message,
    legacy_hash,
    task_digest,
    verify_record,
    walk,
)
from clinic_onboard.record.keys import KeyRing, parse_keys
from clinic_onboard.record.states import EventKind, TaskEvent, TaskStatus, task_status

T0 = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
RING = parse_keys("k1:" + "a2V5LWZvci10ZXN0cy1vbmx5LW5vdC1hLXNlY3JldC0xMjM0")
OTHER = KeyRing({"k1": b"another key of thirty-two bytes!!"}, "k1")
HIRE = 11
ITEM = TaskText("ipac.item", "Hand hygiene", "Wash.", "competency", "supervisor", None, None)
DIGEST = task_digest(ITEM)


def _facts(seq: int, prev: str, kind: str = "completed", **changes) -> EventFacts:
    statement = kind == EventKind.OPENED
    payload = {"hire": HIRE, "tasks": {ITEM.item_id: DIGEST}} if statement else {"note": "Émilie"}
    facts = EventFacts(
        seq,
        7,
        None if statement else ITEM.item_id,
        kind,
        3,
        "Amira Haddad",
        "staff",
        payload,
        T0 + timedelta(minutes=seq),
        prev,
    )
    return replace(facts, **changes)


def _sealed(facts: EventFacts, ring: KeyRing = RING, hire: int = HIRE) -> SealedEvent:
    digest = DIGEST if facts.task_item_id else None
    key_id, mac = ring.sign(event_message(facts, hire, digest))
    return SealedEvent(facts, key_id, mac)


def _chain(length: int) -> list[SealedEvent]:
    """An opening entry stating the hire and the item, then ``length - 1`` completions."""
    chain, prev = [], GENESIS
    for seq in range(1, length + 1):
        event = _sealed(_facts(seq, prev, EventKind.OPENED if seq == 1 else "completed"))
        chain.append(event)
        prev = event.mac
    return chain


def _state(**changes) -> RecordState:
    state = RecordState(7, HIRE, False, None, {ITEM.item_id: DIGEST})
    return replace(state, **changes)


def test_an_intact_chain_verifies() -> None:
    report = verify_record(_state(), _chain(5), RING)
    assert report.ok and report.events == 5 and report.head == _chain(5)[-1].mac
    assert walk([], HIRE, RING) is None


def test_the_mac_covers_every_fact_the_hire_and_the_item() -> None:
    facts = _facts(2, "f" * 64)
    message = event_message(facts, HIRE, DIGEST)
    for change in (
        {"kind": "signed_off"},
        {"actor_name": "Someone"},
        {"payload": {"note": "x"}},
        {"created_at": T0},
        {"task_item_id": "other"},
        {"actor_role": "manager"},
        {"actor_id": 4},
        {"seq": 3},
        {"prev_hash": GENESIS},
    ):
        assert event_message(replace(facts, **change), HIRE, DIGEST) != message
    assert event_message(facts, HIRE + 1, DIGEST) != message
    assert event_message(facts, HIRE, task_digest(replace(ITEM, signoff="none"))) != message


def _rewrite(chain: list[SealedEvent], at: int, ring: KeyRing, **changes) -> None:
    """Change entry ``at`` and re-sign it and every later entry under ``ring``."""
    prev = chain[at - 2].mac if at > 1 else GENESIS
    for index in range(at - 1, len(chain)):
        facts = replace(chain[index].facts, prev_hash=prev)
        if index == at - 1:
            facts = replace(facts, **changes)
        chain[index] = _sealed(facts, ring)
        prev = chain[index].mac


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (
            lambda c: c.__setitem__(2, replace(c[2], facts=replace(c[2].facts, actor_name="X"))),
            Finding("forged", 3),
        ),
        (lambda c: c.pop(1), Finding("sequence", 3, detail="2")),
        (
            lambda c: c.__setitem__(3, replace(c[3], facts=replace(c[3].facts, prev_hash=GENESIS))),
            Finding("link", 4),
        ),
        (lambda c: _rewrite(c, 3, OTHER, actor_name="X"), Finding("forged", 3)),
        (
            lambda c: _rewrite(
                c,
                3,
                parse_keys("evil:" + "ZXZpbC1rZXktb2YtdGhpcnR5LXR3by1ieXRlcy0xMjM0"),
                actor_name="X",
            ),
            Finding("unknown_key", 3, detail="evil"),
        ),
        (
            lambda c: c.__setitem__(2, SealedEvent(c[2].facts, None, legacy_hash(c[2].facts))),
            Finding("unsealed", 3),
        ),
        (lambda c: c.append(_sealed(_facts(6, c[-1].mac), OTHER)), Finding("forged", 6)),
    ],
)
def test_tampering_names_the_first_broken_link(tamper, expected: Finding) -> None:
    chain = _chain(5)
    tamper(chain)
    assert verify_record(_state(), chain, RING).findings == (expected,)


def test_an_old_sha256_chain_passes_only_where_reseal_asks_for_it() -> None:
    chain, prev = [], GENESIS
    for seq in (1, 2):
        facts = _facts(seq, prev)
        prev = legacy_hash(facts)
        chain.append(SealedEvent(facts, None, prev))
    assert walk(chain, HIRE, RING) == Finding("unsealed", 1)
    assert walk(chain, HIRE, RING, legacy=True) is None
    chain[1] = replace(chain[1], facts=replace(chain[1].facts, actor_name="X"))
    assert walk(chain, HIRE, RING, legacy=True) == Finding("forged", 2)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (_state(hire_id=12), (Finding("hire_changed", 1),)),
        (
            _state(tasks={ITEM.item_id: task_digest(replace(ITEM, title="Other"))}),
            (Finding("task_changed", 1, ITEM.item_id),),
        ),
        (
            _state(tasks={ITEM.item_id: DIGEST, "new.item": DIGEST}),
            (Finding("task_unstated", item_id="new.item"),),
        ),
        (_state(tasks={}), (Finding("task_removed", 1, ITEM.item_id),)),
        (_state(completed=True, completed_at=T0), (Finding("completed_unsigned"),)),
    ],
)
def test_the_rows_must_agree_with_what_the_record_states(state, expected) -> None:
    assert verify_record(state, _chain(3), RING).findings == expected


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
