"""Keyed hash chains over an onboarding's events, so nobody without the key can rewrite them.

Each event carries an HMAC-SHA256 (``keys.KeyRing``) over its own facts, the previous event's
MAC, the hire the record is kept for and, for an item's event, the digest of the item's text
and sign-off rule as the record last stated it. Changing, removing or reordering an event
breaks a link; recomputing the chain needs the key, which the database does not hold.

What the events attest is stated in the chain too: the plan's opening entry names the hire and
every item's digest, and each legitimate change (a plan update applied, a renewal added, a
reseal of an older record) states the new digests. ``verify_record`` then compares the rows as
they are now with the latest statements, so a title, rule, hire or completion changed outside
the app shows as well. Pure: the caller passes the rows and the KeyRing.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from clinic_onboard.record.keys import KeyRing
from clinic_onboard.record.states import STATEMENT_KINDS, EventKind

GENESIS = "0" * 64
FORMAT = 2  # inside every MAC: the unkeyed SHA-256 events of before were format 1


@dataclass(frozen=True)
class EventFacts:
    """An event's own columns (and its item's id), in the order the chain links them."""

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


@dataclass(frozen=True)
class SealedEvent:
    """An event as stored: its facts, the id of the key that signed it (None before keys:
    a legacy SHA-256 event) and its MAC."""

    facts: EventFacts
    key_id: str | None
    mac: str


@dataclass(frozen=True)
class TaskText:
    """What a hire is asked to do and who must sign it, as the item's digest covers it."""

    item_id: str
    title: str
    guidance: str
    kind: str
    signoff: str
    validity_months: int | None
    renews: bool | None


@dataclass(frozen=True)
class RecordState:
    """The onboarding's rows as they are now: what the chain's statements must agree with."""

    onboarding_id: int
    hire_id: int
    completed: bool
    completed_at: datetime | None
    tasks: Mapping[str, str]  # item id -> digest of the row's TaskText


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a record; ``code`` names the case, the rest says where."""

    code: str
    seq: int | None = None
    item_id: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ChainReport:
    """The verdict on one onboarding's record; other checks (anchors) may add findings."""

    onboarding_id: int
    events: int
    head: str
    findings: tuple[Finding, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.findings

    def adding(self, *findings: Finding) -> "ChainReport":
        return replace(self, findings=(*self.findings, *findings))


def _canonical(body: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: every database and platform gives the same bytes."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _body(facts: EventFacts) -> dict[str, Any]:
    return {
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


def event_message(facts: EventFacts, hire_id: int, task_digest: str | None) -> bytes:
    """The bytes an event's MAC signs: its facts, the hire and its item's stated digest."""
    return _canonical(
        {**_body(facts), "format": FORMAT, "hire": hire_id, "task_digest": task_digest}
    )


def legacy_hash(facts: EventFacts) -> str:
    """The unkeyed SHA-256 of events written before the record was keyed (reseal checks it)."""
    return hashlib.sha256(_canonical(_body(facts))).hexdigest()


def task_digest(task: TaskText) -> str:
    return hashlib.sha256(_canonical(task.__dict__)).hexdigest()


def stated_tasks(event: EventFacts) -> dict[str, str]:
    """The item digests a statement event sets (none for other events)."""
    tasks = event.payload.get("tasks") if event.kind in STATEMENT_KINDS else None
    return dict(tasks) if isinstance(tasks, Mapping) else {}


def latest_digests(events: Iterable[EventFacts]) -> dict[str, str]:
    """Each item's digest as the record states it after ``events`` (in seq order)."""
    digests: dict[str, str] = {}
    for event in events:
        digests.update(stated_tasks(event))
    return digests


def stated_hire(events: Sequence[SealedEvent]) -> tuple[int, int] | None:
    """(seq, hire id) of the first statement naming the hire the record is kept for."""
    for event in events:
        hire = event.facts.payload.get("hire") if event.facts.kind in STATEMENT_KINDS else None
        if isinstance(hire, int):
            return event.facts.seq, hire
    return None


def walk(
    events: Sequence[SealedEvent], hire_id: int, ring: KeyRing, *, legacy: bool = False
) -> Finding | None:
    """The first event that breaks the chain, or None when every link and MAC holds.

    ``legacy`` accepts events without a key id when their old SHA-256 holds (only reseal uses
    it, before it signs them); otherwise such an event is reported as not authenticated.
    """
    prev, digests = GENESIS, {}
    for expected, event in enumerate(events, start=1):
        facts = event.facts
        digest = digests.get(facts.task_item_id) if facts.task_item_id else None
        found = _link_finding(facts, expected, prev) or _mac_finding(
            event, hire_id, digest, ring, legacy
        )
        if found:
            return found
        digests.update(stated_tasks(facts))
        prev = event.mac
    return None


def _link_finding(facts: EventFacts, expected: int, prev: str) -> Finding | None:
    if facts.seq != expected:
        return Finding("sequence", facts.seq, detail=str(expected))
    if facts.prev_hash != prev:
        return Finding("link", facts.seq)
    return None


def _mac_finding(
    event: SealedEvent, hire_id: int, digest: str | None, ring: KeyRing, legacy: bool
) -> Finding | None:
    seq = event.facts.seq
    if event.key_id is None:
        if not legacy:
            return Finding("unsealed", seq)
        return None if legacy_hash(event.facts) == event.mac else Finding("forged", seq)
    if not ring.holds(event.key_id):
        return Finding("unknown_key", seq, detail=event.key_id)
    if not ring.verify(event.key_id, event_message(event.facts, hire_id, digest), event.mac):
        return Finding("forged", seq)
    return None


def verify_record(state: RecordState, events: Sequence[SealedEvent], ring: KeyRing) -> ChainReport:
    """Every link and MAC, then the rows against what the chain states (hire, items, completion).

    The walk uses the hire the record's opening entry names, so a record moved to another
    person is named as such rather than as a broken signature.
    """
    head = events[-1].mac if events else GENESIS
    report = ChainReport(state.onboarding_id, len(events), head)
    opening = stated_hire(events)
    broken = walk(events, opening[1] if opening else state.hire_id, ring)
    if broken:
        return report.adding(broken)
    facts = [e.facts for e in events]
    return report.adding(
        *_hire_findings(state, opening),
        *_task_findings(state, facts),
        *_completion_findings(state, facts),
    )


def _hire_findings(state: RecordState, opening: tuple[int, int] | None) -> list[Finding]:
    if opening is None:
        return [Finding("unopened")]
    seq, hire = opening
    return [Finding("hire_changed", seq)] if hire != state.hire_id else []


def _task_findings(state: RecordState, facts: Sequence[EventFacts]) -> list[Finding]:
    stated_at: dict[str, int] = {}
    for event in facts:
        stated_at.update(dict.fromkeys(stated_tasks(event), event.seq))
    digests = latest_digests(facts)
    found = []
    for item_id, digest in sorted(state.tasks.items()):
        if item_id not in digests:
            found.append(Finding("task_unstated", item_id=item_id))
        elif digests[item_id] != digest:
            found.append(Finding("task_changed", stated_at[item_id], item_id))
    for item_id in sorted(set(digests) - set(state.tasks)):
        found.append(Finding("task_removed", stated_at[item_id], item_id))
    return found


def _completion_findings(state: RecordState, facts: Sequence[EventFacts]) -> list[Finding]:
    final = next((e for e in reversed(facts) if e.kind == EventKind.FINAL_SIGNOFF), None)
    if not state.completed:
        return [Finding("reopened", final.seq)] if final else []
    if final is None:
        return [Finding("completed_unsigned")]
    if state.completed_at != final.created_at:
        return [Finding("completion_mismatch", final.seq)]
    return []
