"""The anchor log: every commit that grows a record appends the onboarding's new chain head to
a file kept apart from the database (``RECORD_ANCHOR_LOG``; record/anchors.py says why), and
the checks that read it back.

Heads are noted when their events are flushed and written only after the transaction
commits, one line per onboarding touched: a rolled-back transaction, or a savepoint that lost
a race, anchors nothing. Writing after the commit means a crash, or a log that cannot be
written, between the commit and the append only makes the anchor lag behind the record
(detection holds up to the latest anchor, and ``verify-signoffs`` says "not anchored yet"),
never a false alarm; writing before the commit would anchor events a rollback then removes.
The user's request is not failed after its commit: a log that cannot be written is logged as
an error for the operator.

Each clinic log unit's chain of entries (a fridge's readings) is anchored the same way, in the
same log, one head per unit; ``verify-logs`` checks those anchors.

The app's own deletion of an onboarding (``session.delete(onboarding)``) appends a "deleted"
anchor, so that absence is not reported as tampering; a deletion made outside the app is.
"""

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import IO, Any, NamedTuple

from flask import Flask, current_app
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session, SessionTransaction

from clinic_onboard.extensions import db, record_keys
from clinic_onboard.models import LogEntry, LogUnit, Onboarding, OnboardingEvent
from clinic_onboard.record.anchors import (
    DELETED,
    HEAD,
    LOG_UNIT,
    ONBOARDING,
    Anchor,
    AnchorProblem,
    AnchorReason,
    Held,
    LatestAnchors,
    anchor_line,
    anchor_problems,
    check_anchor,
    is_anchored,
    unanchored,
)
from clinic_onboard.record.chain import GENESIS

log = logging.getLogger(__name__)

_NOTED = "record_anchors_noted"  # session.info: heads flushed in this transaction
_INDEX = "record_anchor_index"
BATCH = 500


def init_app(app: Flask) -> None:
    app.extensions[_INDEX] = AnchorIndex(Path(app.config["RECORD_ANCHOR_LOG"]))


class _Noted(NamedTuple):
    """A head seen at a flush; ``row`` tells at the commit whether it survived (a savepoint
    rolled back detaches its rows)."""

    row: object
    chain_id: int  # the onboarding's, or the log unit's
    clinic_id: int
    seq: int
    head: str
    kind: str
    chain: str = ONBOARDING


def _noted(session: Session) -> list[_Noted]:
    return session.info.setdefault(_NOTED, [])


@event.listens_for(db.session, "before_flush")
def _note_deletions(session: Session, _context: Any, _instances: Any) -> None:
    """An onboarding the app deletes: its last event is read now, before the flush takes it."""
    for row in session.deleted:
        if isinstance(row, Onboarding):
            with session.no_autoflush:
                last = session.execute(
                    select(OnboardingEvent.seq, OnboardingEvent.hash)
                    .where(OnboardingEvent.onboarding_id == row.id)
                    .order_by(OnboardingEvent.seq.desc())
                    .limit(1)
                ).first()
            seq, head = (last.seq, last.hash) if last else (0, GENESIS)
            _noted(session).append(_Noted(row, row.id, row.clinic_id, seq, head, DELETED))


@event.listens_for(db.session, "after_flush")
def _note_heads(session: Session, _context: Any) -> None:
    for row in session.new:
        if isinstance(row, OnboardingEvent):
            noted = _Noted(row, row.onboarding_id, row.clinic_id, row.seq, row.hash, HEAD)
            _noted(session).append(noted)
        elif isinstance(row, LogEntry):
            noted = _Noted(row, row.unit_id, row.clinic_id, row.seq, row.hash, HEAD, LOG_UNIT)
            _noted(session).append(noted)


@event.listens_for(db.session, "after_commit")
def _anchor_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint released: the transaction may still roll back
    anchors = _newest(n for n in session.info.pop(_NOTED, []) if _survived(n))
    if not anchors:
        return
    try:
        append_anchors(anchors)
    except OSError:
        log.exception(
            "Could not append %d record anchor(s) to RECORD_ANCHOR_LOG; the records are saved "
            "but not anchored yet (clinic-onboard anchor-records anchors them)",
            len(anchors),
        )


@event.listens_for(db.session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended (committed and anchored above, or rolled back): drop its notes."""
    if transaction.parent is None:
        session.info.pop(_NOTED, None)


def _survived(noted: _Noted) -> bool:
    state = inspect(noted.row)
    return state.was_deleted if noted.kind == DELETED else state.persistent


def _newest(noted: Iterable[_Noted]) -> list[Anchor]:
    """One anchor per chain (onboarding or log unit): its deletion, else its highest entry."""
    now = datetime.now(UTC)
    chosen: dict[tuple[str, int], _Noted] = {}
    for n in noted:
        current = chosen.get((n.chain, n.chain_id))
        if current is None or n.kind == DELETED or (current.kind == HEAD and n.seq > current.seq):
            chosen[(n.chain, n.chain_id)] = n
    return [
        Anchor(n.chain_id, n.clinic_id, n.seq, n.head, now, n.kind, n.chain)
        for _, n in sorted(chosen.items())
    ]


def append_anchors(anchors: list[Anchor]) -> None:
    """Append the lines in one write() on an O_APPEND descriptor, then fsync: lines from
    several workers never interleave, and a line is on disk before this returns."""
    path = current_app.config["RECORD_ANCHOR_LOG"]
    data = "".join(anchor_line(a, record_keys()) for a in anchors).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        if os.write(descriptor, data) != len(data):
            raise OSError(f"short write to {path}")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class _Chains:
    """One kind of anchored chain: whose ids name the chains, the chained rows, and the rows'
    column that names their chain. Records and clinic logs are anchored the same way."""

    kind: str  # ONBOARDING or LOG_UNIT, as anchor lines name them
    owners: Any  # the model whose rows are the chains (Onboarding, LogUnit)
    rows: Any  # the chained rows' model (OnboardingEvent, LogEntry)
    key: str  # the rows' column naming their chain

    @property
    def chain_id(self) -> Any:
        return getattr(self.rows, self.key)


RECORDS = _Chains(ONBOARDING, Onboarding, OnboardingEvent, "onboarding_id")
LOGS = _Chains(LOG_UNIT, LogUnit, LogEntry, "unit_id")


def _last_rows(chains: _Chains) -> Any:
    """Each chain's last row, as (chain_id, clinic_id, seq, hash)."""
    rows = chains.rows
    last = (
        select(chains.chain_id, func.max(rows.seq).label("seq"))
        .group_by(chains.chain_id)
        .subquery()
    )
    return select(chains.chain_id.label("chain_id"), rows.clinic_id, rows.seq, rows.hash).join(
        last, (chains.chain_id == last.c[chains.key]) & (rows.seq == last.c.seq)
    )


def anchor_records(clinic_id: int | None = None) -> int:
    """Anchor the current head of every onboarding (of one clinic) that has events; returns
    how many. Raises OSError when the log cannot be written."""
    return _anchor_heads(RECORDS, clinic_id)


def anchor_logs(clinic_id: int | None = None) -> int:
    """Anchor the current head of every clinic log unit (of one clinic) that has entries;
    returns how many. Raises OSError when the log cannot be written."""
    return _anchor_heads(LOGS, clinic_id)


def _anchor_heads(chains: _Chains, clinic_id: int | None) -> int:
    query = _last_rows(chains).order_by(chains.chain_id)
    if clinic_id is not None:
        query = query.where(chains.rows.clinic_id == clinic_id)
    now = datetime.now(UTC)
    anchors = [
        Anchor(r.chain_id, r.clinic_id, r.seq, r.hash, now, HEAD, chains.kind)
        for r in db.session.execute(query)
    ]
    if anchors:
        append_anchors(anchors)
    return len(anchors)


class AnchorIndex:
    """The anchor log folded once per process, then only the lines added since.

    The record page asks for one onboarding's latest anchor on every view: reading the whole
    log each time would grow with every sign-off ever made. The log only grows, so the bytes
    already folded are never read again; a log that shrank was replaced, and is read afresh.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = Lock()
        self._start_over()

    def _start_over(self) -> None:
        self.anchors = LatestAnchors()
        self._offset = 0
        self._next_line = 1

    def refresh(self) -> LatestAnchors:
        """Fold the lines appended since the last call (the caller holds the lock or is alone)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size < self._offset:
            self._start_over()
        if size > self._offset:
            with self.path.open("rb") as file:
                file.seek(self._offset)
                self._next_line = self.anchors.read(
                    self._complete_lines(file), record_keys(), self._next_line
                )
        return self.anchors

    def _complete_lines(self, file: IO[bytes]) -> Iterator[str]:
        """A last line without its newline is still being written: it waits for the next call."""
        for raw in file:
            if not raw.endswith(b"\n"):
                return
            self._offset += len(raw)
            yield raw.decode("utf-8", "replace")

    def status(self, onboarding_id: int, held: Held) -> "AnchorStatus":
        with self._lock:
            anchors = self.refresh()
            forged = [
                f.line
                for f in anchors.forged
                if f.anchor.chain == ONBOARDING and f.anchor.chain_id == onboarding_id
            ]
            anchor = anchors.latest.get(onboarding_id)
        problems = [AnchorReason.FORGED] if forged else []
        lost = check_anchor(anchor, held)
        if lost is not None:
            problems.append(lost)
        return AnchorStatus(problems, is_anchored(anchor, held))


@dataclass(frozen=True)
class AnchorStatus:
    """One record's standing against the anchor log, for its page."""

    problems: list[AnchorReason]
    anchored: bool


def record_status(onboarding_id: int, held: Held) -> AnchorStatus:
    """The record page's check: ``held`` is the (seq, hash) of every event it shows."""
    return current_app.extensions[_INDEX].status(onboarding_id, held)


@dataclass(frozen=True)
class AnchorReport:
    """The whole log against the whole database, for ``verify-signoffs`` (onboardings) or
    ``verify-logs`` (log units)."""

    problems: list[AnchorProblem]
    unanchored: list[int]
    malformed: list[str]
    missing_log: Path | None  # the log's path when there is no log at all


def check_anchor_log() -> AnchorReport:
    """Read the whole log afresh (a command runs once) and compare it with every record."""
    return _check(RECORDS)


def check_log_anchors() -> AnchorReport:
    """The log units' anchors against their chains, as ``check_anchor_log`` does for records."""
    return _check(LOGS)


def _check(chains: _Chains) -> AnchorReport:
    path = Path(current_app.config["RECORD_ANCHOR_LOG"])
    anchors = AnchorIndex(path).refresh()
    heads = _held_heads(chains, anchors)
    return AnchorReport(
        anchor_problems(anchors, heads, chains.kind),
        unanchored(anchors, heads, chains.kind),
        anchors.malformed,
        None if path.exists() else path,
    )


def _held_heads(chains: _Chains, anchors: LatestAnchors) -> dict[int, Held]:
    """Every chain's last row and, when its anchor is behind it, the row at the anchored seq,
    as (seq, hash): enough for record/anchors.py, without loading every row."""
    heads: dict[int, list[tuple[int, str]]] = {
        i: [] for i in db.session.scalars(select(chains.owners.id).order_by(chains.owners.id))
    }
    for row in db.session.execute(_last_rows(chains)):
        heads[row.chain_id].append((row.seq, row.hash))
    behind = {
        i: a.seq
        for i, a in anchors.of(chains.kind).items()
        if heads.get(i) and heads[i][0][0] != a.seq
    }
    ids = sorted(behind)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = db.session.execute(
            select(chains.chain_id.label("chain_id"), chains.rows.seq, chains.rows.hash).where(
                chains.chain_id.in_(batch), chains.rows.seq.in_({behind[i] for i in batch})
            )
        )
        for row in rows:
            if behind[row.chain_id] == row.seq:
                heads[row.chain_id].append((row.seq, row.hash))
    return heads
