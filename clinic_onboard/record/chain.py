"""SHA-256 hash chains over an onboarding's events, so any later edit shows.

Each event's hash covers its own facts and the previous event's hash; changing, removing or
reordering any event breaks every link after it, and ``first_broken_link`` names the first.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class EventFacts:
    """What an event's hash covers, in the order the chain links them."""

    seq: int
    onboarding_id: int
    task_item_id: str | None
    kind: str
    actor_id: int | None
    actor_name: str
    actor_role: str
    payload: Mapping[str, Any]
    created_at: datetime
    prev_hash: str


def event_hash(facts: EventFacts) -> str:
    """Canonical JSON (sorted keys, UTC ISO time) so every database gives the same digest."""
    body = {
        "seq": facts.seq,
        "onboarding_id": facts.onboarding_id,
        "task": facts.task_item_id,
        "kind": facts.kind,
        "actor_id": facts.actor_id,
        "actor_name": facts.actor_name,
        "actor_role": facts.actor_role,
        "payload": dict(facts.payload),
        "created_at": facts.created_at.isoformat(timespec="microseconds"),
        "prev": facts.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def first_broken_link(chain: Iterable[tuple[EventFacts, str]]) -> BrokenLink | None:
    """Walk (facts, stored hash) pairs in seq order; None when the whole chain holds."""
    expected_prev, expected_seq = GENESIS, 1
    for facts, stored in chain:
        if facts.seq != expected_seq:
            return BrokenLink(facts.seq, f"expected event {expected_seq}, found {facts.seq}")
        if facts.prev_hash != expected_prev:
            return BrokenLink(facts.seq, "does not link to the event before it")
        if event_hash(facts) != stored:
            return BrokenLink(facts.seq, "its contents changed after it was recorded")
        expected_prev, expected_seq = stored, expected_seq + 1
    return None
