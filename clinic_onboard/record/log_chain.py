"""Keyed hash chains over each clinic log's entries, the same mechanism as onboarding events.

Every entry carries an HMAC-SHA256 (``keys.KeyRing``) over its own facts and the previous
entry's MAC, so an edited, removed or reordered reading breaks a link, and recomputing the
chain needs the key the database does not hold. A correction is a VOID entry naming the seq it
voids: the voided reading stays in the chain. Pure: the caller passes the rows and the KeyRing.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from clinic_onboard.record.chain import GENESIS, Finding, _canonical
from clinic_onboard.record.keys import KeyRing

FORMAT = "log-1"  # inside every MAC: a log entry's message can never pass for an event's


@dataclass(frozen=True)
class EntryFacts:
    seq: int
    unit_id: int
    kind: str
    day: date
    session: str
    payload: Mapping[str, Any]
    actor_id: int | None
    actor_name: str
    created_at: datetime
    prev_hash: str


@dataclass(frozen=True)
class SealedEntry:
    facts: EntryFacts
    key_id: str
    mac: str


def entry_message(facts: EntryFacts) -> bytes:
    """The bytes an entry's MAC signs."""
    return _canonical(
        {
            "format": FORMAT,
            "seq": facts.seq,
            "unit": facts.unit_id,
            "kind": facts.kind,
            "day": facts.day.isoformat(),
            "session": facts.session,
            "payload": dict(facts.payload),
            "actor_id": facts.actor_id,
            "actor_name": facts.actor_name,
            "created_at": facts.created_at.isoformat(timespec="microseconds"),
            "prev": facts.prev_hash,
        }
    )


def verify_log(entries: Sequence[SealedEntry], ring: KeyRing) -> Finding | None:
    """The first entry that breaks the unit's chain, or None when every link and MAC holds."""
    prev = GENESIS
    for expected, entry in enumerate(entries, start=1):
        seq = entry.facts.seq
        if seq != expected:
            return Finding("sequence", seq, detail=str(expected))
        if entry.facts.prev_hash != prev:
            return Finding("link", seq)
        if not ring.holds(entry.key_id):
            return Finding("unknown_key", seq, detail=entry.key_id)
        if not ring.verify(entry.key_id, entry_message(entry.facts), entry.mac):
            return Finding("forged", seq)
        prev = entry.mac
    return None
