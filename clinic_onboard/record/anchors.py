"""Chain heads anchored outside the database, so truncation and wholesale deletion show.

A chain only proves what it still holds: deleting its last events, or all of them, or the
whole onboarding, leaves a shorter chain that links perfectly. An anchor is a line the app
appends to a log kept apart from the database each time a record grows: "onboarding 12 of
clinic 3 reached event 7, whose hash was h". Comparing the latest anchor of each onboarding
with what the database holds names those deletions, up to the latest anchor.

The clinic logs' chains (record/log_chain.py: a fridge's readings) are anchored in the same
log, one head per log unit: their lines name a "unit" where an onboarding's name an
"onboarding", so a unit's anchor can never be read as an onboarding's with the same id.

Each line carries an HMAC under the record's keys (record/keys.py), so a line written by
someone without the key is refused rather than believed. Pure: no Flask, no database, no
clock (the caller passes the time).
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from clinic_onboard.record.keys import KeyRing

HEAD = "head"
DELETED = "deleted"  # the app itself deleted the onboarding: its absence is no tampering
KINDS = (HEAD, DELETED)
ONBOARDING, LOG_UNIT = "onboarding", "unit"  # the chains anchored, as each line names its id
COMMON = frozenset({"clinic", "seq", "head", "at", "kind", "key", "mac"})
FIELDS = {chain: COMMON | {chain} for chain in (ONBOARDING, LOG_UNIT)}

# What the database holds of one onboarding's chain: (seq, hash) pairs, at least its last
# event and the event at the anchored seq (the whole chain will do).
Held = Sequence[tuple[int, str]]


class AnchorLogError(ValueError):
    """A line of the anchor log cannot be read; the message names the line."""


class AnchorReason(StrEnum):
    """Why an anchor and the database disagree (the English text the CLI prints)."""

    LAST_EVENTS_DELETED = "the record ends before the anchored event: its last events were deleted"
    HEAD_REWRITTEN = "the anchored event has changed since it was anchored"
    ALL_EVENTS_DELETED = "every event of the record was deleted"
    ONBOARDING_DELETED = "the onboarding was deleted outside the app"
    LOG_DELETED = "the log was deleted outside the app"
    FORGED = "the anchor line is not authentic (its MAC fails or its key id is not held)"


@dataclass(frozen=True)
class Anchor:
    """A chain's head at a moment: ``kind`` is HEAD, or DELETED by the app; ``chain_id`` is
    the onboarding's id, or the log unit's for a LOG_UNIT anchor."""

    chain_id: int
    clinic_id: int
    seq: int
    head: str
    at: datetime
    kind: str = HEAD
    chain: str = ONBOARDING


@dataclass(frozen=True)
class LoggedAnchor:
    """An anchor as read from the log: its line number and whether its MAC holds."""

    anchor: Anchor
    line: int
    authentic: bool


@dataclass(frozen=True)
class AnchorProblem:
    chain_id: int  # the onboarding's id, or the log unit's
    seq: int | None
    reason: AnchorReason
    line: int | None = None  # the anchor log's line, for a forged one


def _body(anchor: Anchor, key_id: str) -> dict[str, object]:
    return {
        anchor.chain: anchor.chain_id,
        "clinic": anchor.clinic_id,
        "seq": anchor.seq,
        "head": anchor.head,
        "at": anchor.at.isoformat(timespec="microseconds"),
        "kind": anchor.kind,
        "key": key_id,
    }


def _canonical(body: Mapping[str, object]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def anchor_line(anchor: Anchor, keys: KeyRing) -> str:
    """One JSON line, newline included, MAC'd under the current key over every other field."""
    body = _body(anchor, keys.current)
    _, mac = keys.sign(_canonical(body))
    return _canonical({**body, "mac": mac}).decode() + "\n"


def parse_line(text: str, number: int, keys: KeyRing) -> LoggedAnchor:
    """Read line ``number``; a line that is not an anchor raises AnchorLogError naming it.

    A well-formed line whose MAC fails is returned (not authentic) so it can be reported.
    """
    try:
        data = json.loads(text)
    except ValueError:
        raise AnchorLogError(f"line {number} is not JSON") from None
    chain = _chain_of(data)
    if chain is None:
        fields = " or ".join(", ".join(sorted(f)) for f in FIELDS.values())
        raise AnchorLogError(f"line {number} does not hold exactly {fields}")
    try:
        anchor = _anchor(data, chain)
    except (TypeError, ValueError) as error:
        raise AnchorLogError(f"line {number}: {error}") from None
    body = {name: value for name, value in data.items() if name != "mac"}
    authentic = isinstance(data["key"], str) and isinstance(data["mac"], str)
    authentic = authentic and keys.verify(data["key"], _canonical(body), data["mac"])
    return LoggedAnchor(anchor, number, authentic)


def _chain_of(data: object) -> str | None:
    """Which chain a line anchors, from the exact set of its fields (None: not an anchor)."""
    if not isinstance(data, dict):
        return None
    return next((chain for chain, fields in FIELDS.items() if set(data) == fields), None)


def _anchor(data: Mapping[str, object], chain: str) -> Anchor:
    chain_id, clinic_id, seq = data[chain], data["clinic"], data["seq"]
    if not all(type(n) is int and n >= 0 for n in (chain_id, clinic_id, seq)):
        raise ValueError(f"{chain}, clinic and seq must be whole numbers")
    if data["kind"] not in KINDS or not isinstance(data["head"], str) or not data["head"]:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} and head a hash")
    if not isinstance(data["at"], str):
        raise ValueError("at must be an ISO time")
    at = datetime.fromisoformat(data["at"])
    return Anchor(chain_id, clinic_id, seq, data["head"], at, data["kind"], chain)


@dataclass
class LatestAnchors:
    """The anchor log folded, line by line, into each chain's latest authentic anchor:
    ``latest`` by onboarding id, ``units`` by log unit id.

    Latest means the highest seq since the app last anchored the onboarding's deletion: lines
    from two workers may land out of order, and anchoring again (``anchor-records``) must never
    lower an anchor to a truncated chain or replace one at the same seq with a rewritten head.
    """

    latest: dict[int, Anchor] = field(default_factory=dict)
    units: dict[int, Anchor] = field(default_factory=dict)
    forged: list[LoggedAnchor] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    def of(self, chain: str) -> dict[int, Anchor]:
        """The latest anchors of one kind of chain, by its id."""
        return self.units if chain == LOG_UNIT else self.latest

    def add(self, logged: LoggedAnchor) -> None:
        if not logged.authentic:
            self.forged.append(logged)
            return
        anchor = logged.anchor
        table = self.of(anchor.chain)
        if _supersedes(anchor, table.get(anchor.chain_id)):
            table[anchor.chain_id] = anchor

    def read(self, lines: Iterable[str], keys: KeyRing, first_number: int = 1) -> int:
        """Fold ``lines`` (numbered from ``first_number``); returns the next line's number.

        A malformed line is kept by its message and the rest still read: one torn line must
        not hide every anchor after it.
        """
        number = first_number
        for text in lines:
            try:
                self.add(parse_line(text, number, keys))
            except AnchorLogError as error:
                self.malformed.append(str(error))
            number += 1
        return number


def _supersedes(anchor: Anchor, current: Anchor | None) -> bool:
    """A deletion ends the onboarding (a later head is a new one under a reused id); among
    heads, only a longer chain moves the anchor."""
    if current is None or DELETED in (anchor.kind, current.kind):
        return True
    return anchor.seq > current.seq


def check_anchor(anchor: Anchor | None, held: Held | None) -> AnchorReason | None:
    """What the database lost since ``anchor``; ``held`` is None when the onboarding (or the
    log unit) is gone."""
    if anchor is None or anchor.kind == DELETED:
        return None
    if held is None:
        gone = AnchorReason.LOG_DELETED if anchor.chain == LOG_UNIT else None
        return gone or AnchorReason.ONBOARDING_DELETED
    if not held:
        return AnchorReason.ALL_EVENTS_DELETED
    hashes = dict(held)
    if max(hashes) < anchor.seq:
        return AnchorReason.LAST_EVENTS_DELETED
    if hashes.get(anchor.seq) != anchor.head:
        return AnchorReason.HEAD_REWRITTEN
    return None


def anchor_problems(
    anchors: LatestAnchors, heads: Mapping[int, Held], chain: str = ONBOARDING
) -> list[AnchorProblem]:
    """Every forged line, and every chain whose latest anchor the database contradicts, of
    one kind of chain (onboardings, or log units).

    ``heads`` maps every chain the database holds to its (seq, hash) pairs (empty when it has
    no entry); an anchored chain missing from it was deleted.
    """
    problems = [
        AnchorProblem(f.anchor.chain_id, f.anchor.seq, AnchorReason.FORGED, f.line)
        for f in anchors.forged
        if f.anchor.chain == chain
    ]
    for chain_id, anchor in sorted(anchors.of(chain).items()):
        reason = check_anchor(anchor, heads.get(chain_id))
        if reason is not None:
            problems.append(AnchorProblem(chain_id, anchor.seq, reason))
    return problems


def is_anchored(anchor: Anchor | None, held: Held) -> bool:
    """Whether the database's last event is covered by an anchor (no events: nothing to cover).

    A head newer than its anchor is information, not tampering: the anchor is written after the
    commit, so it lags when the log could not be written or the app stopped in between.
    """
    if not held:
        return True
    return anchor is not None and anchor.kind == HEAD and anchor.seq >= max(s for s, _ in held)


def unanchored(
    anchors: LatestAnchors, heads: Mapping[int, Held], chain: str = ONBOARDING
) -> list[int]:
    """The chains (onboardings, or log units) whose last entries are newer than their latest
    anchor."""
    latest = anchors.of(chain)
    return [i for i, held in sorted(heads.items()) if not is_anchored(latest.get(i), held)]
