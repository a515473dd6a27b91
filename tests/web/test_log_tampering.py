"""The trust issue's tampering cases, on the clinic logs: someone who can write the database but
does not hold the record key. ``verify-logs`` names every change made outside the app's
operations (the unit and the entry), and the anchor log names what a chain cannot show by itself:
its last entries, or all of them, deleted. Mirrors test_record_tampering and test_anchors."""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db, record_keys
from clinic_onboard.models import AppRole, Clinic, LogEntry, LogUnit, Membership
from clinic_onboard.operations import daily_logs
from clinic_onboard.queries.daily import verify_logs
from clinic_onboard.queries.record import describe
from clinic_onboard.record.anchors import LOG_UNIT, Anchor, anchor_line
from clinic_onboard.record.chain import Finding
from clinic_onboard.record.keys import KeyRing, new_key_entry, parse_keys
from clinic_onboard.record.log_chain import entry_message
from clinic_onboard.services.library import catalog
from tests.conftest import config_for_tests

FRIDGE = "ipac.log.vaccine_fridge"
IN_RANGE = {"current": 4.0, "minimum": 3.0, "maximum": 5.0}
WARM = {"current": 4.0, "minimum": 3.0, "maximum": 9.5}
FORGERS_OWN = parse_keys("forger:" + "Zm9yZ2VyLWtleS1ub3QtdGhlLWluc3RhbGwtb25lLTEyMw")
UNDER_OUR_ID = KeyRing({"test1": FORGERS_OWN.keys["forger"]}, "test1")
DELETED_LAST = "the record ends before the anchored event: its last events were deleted"


@pytest.fixture
def anchor_log(tmp_path: Path) -> Path:
    return tmp_path / "anchors" / "record_anchors.log"


@pytest.fixture
def app_config(database_url: str, anchor_log: Path) -> dict[str, Any]:
    anchor_log.parent.mkdir()
    return config_for_tests(database_url, RECORD_ANCHOR_LOG=str(anchor_log))


@pytest.fixture
def kept(make_clinic: Callable[..., Clinic], make_member: Callable[..., Membership]) -> dict:
    """Fridge A's log of four entries, each committed as the app does: 1 a reading, 2 a warm
    reading (an incident), 3 the incident closed, 4 reading 1 voided; fridge B: one reading."""
    clinic = make_clinic("Harbour Clinic", province="NS", options=["vaccine_storage"])
    manager = make_member(AppRole.MANAGER, clinic)
    log = catalog().log(FRIDGE)
    fridge, other = (daily_logs.add_unit(clinic, log, name) for name in ("Fridge A", "Fridge B"))
    db.session.commit()
    first, _ = daily_logs.record_reading(fridge, log, "opening", IN_RANGE, manager)
    db.session.commit()
    _, incident = daily_logs.record_reading(fridge, log, "closing", WARM, manager)
    db.session.commit()
    daily_logs.close_incident(incident, "Public health said use them.", manager)
    db.session.commit()
    daily_logs.void_entry(first, "Read the wrong fridge", manager, set())
    db.session.commit()
    daily_logs.record_reading(other, log, "opening", IN_RANGE, manager)
    db.session.commit()
    return {"fridge": fridge, "other": other, "manager": manager}


def _run(sql: str, **values: object) -> None:
    """A write straight to the database, as someone holding its password would make it."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), values)


def _entry(unit: LogUnit, seq: int) -> LogEntry:
    query = select(LogEntry).where(LogEntry.unit_id == unit.id, LogEntry.seq == seq)
    return db.session.scalars(query).one()


def _set(unit: LogUnit, at: int, **columns: object) -> None:
    """Change entry ``at``'s columns through the ORM, as a script with database access would."""
    entry = _entry(unit, at)
    for name, value in columns.items():
        setattr(entry, name, value)
    db.session.commit()


def _plain_sha256(entry: LogEntry) -> tuple[str, str]:
    """What a writer without the key can compute: a hash of the same message, under our id."""
    return "test1", hashlib.sha256(entry_message(entry.facts())).hexdigest()


def _rewrite(unit: LogUnit, sign: Callable[[LogEntry], tuple[str, str]]) -> None:
    """Change reading 2's maximum to an in-range value and recompute the chain from there on."""
    prev = _entry(unit, 1).hash
    for seq in (2, 3, 4):
        entry = _entry(unit, seq)
        if seq == 2:
            entry.payload = {"values": {**WARM, "maximum": 7.5}, "out_of_range": []}
        entry.prev_hash = prev
        entry.key_id, entry.hash = sign(entry)
        prev = entry.hash
    db.session.commit()


def _append_forgery(unit: LogUnit, sign: Callable[[LogEntry], tuple[str, str]]) -> None:
    """A closing reading nobody took, added after the last entry."""
    last = _entry(unit, 4)
    forged = LogEntry(
        clinic_id=unit.clinic_id,
        unit_id=unit.id,
        seq=5,
        kind="reading",
        day=last.day,
        session="closing",
        payload={"values": IN_RANGE, "out_of_range": []},
        actor_id=last.actor_id,
        actor_name=last.actor_name,
        created_at=datetime.now(UTC),
        prev_hash=last.hash,
    )
    forged.key_id, forged.hash = sign(forged)
    db.session.add(forged)
    db.session.commit()


def _swap(unit: LogUnit) -> None:
    for old, new in ((3, 99), (4, 3), (99, 4)):
        _run(
            "UPDATE log_entries SET seq = :n WHERE unit_id = :u AND seq = :o",
            n=new,
            o=old,
            u=unit.id,
        )


def _delete_and_renumber(unit: LogUnit) -> None:
    second = _entry(unit, 2).hash
    _run("DELETE FROM log_entries WHERE unit_id = :u AND seq = 3", u=unit.id)
    _set(unit, 4, seq=3, prev_hash=second)


CASES: dict[str, tuple[Callable[[LogUnit], None], Finding]] = {
    "a reading's value edited": (
        lambda u: _set(u, 2, payload={"values": {**WARM, "maximum": 7.9}, "out_of_range": []}),
        Finding("forged", 2),
    ),
    "the person who read it": (
        lambda u: _run(
            "UPDATE log_entries SET actor_name = 'Dr Who' WHERE unit_id = :u AND seq = 1", u=u.id
        ),
        Finding("forged", 1),
    ),
    "the day it was read for": (lambda u: _set(u, 1, day=date(2026, 1, 5)), Finding("forged", 1)),
    "the time it was written": (
        lambda u: _set(u, 1, created_at=datetime(2026, 1, 5, 9, tzinfo=UTC)),
        Finding("forged", 1),
    ),
    "the session": (lambda u: _set(u, 1, session="closing"), Finding("forged", 1)),
    "a correction turned into a reading": (
        lambda u: _set(u, 4, kind="reading"),
        Finding("forged", 4),
    ),
    "what was done about the incident": (
        lambda u: _set(u, 3, payload={"incident_of": 2, "action": "Moved the vaccines."}),
        Finding("forged", 3),
    ),
    "a middle entry deleted": (
        lambda u: _run("DELETE FROM log_entries WHERE unit_id = :u AND seq = 3", u=u.id),
        Finding("sequence", 4, detail="3"),
    ),
    "deleted and renumbered": (_delete_and_renumber, Finding("forged", 3)),
    "re-ordered": (_swap, Finding("link", 3)),
    "re-hashed with plain SHA-256": (lambda u: _rewrite(u, _plain_sha256), Finding("forged", 2)),
    "re-signed with another key under the installation's key id": (
        lambda u: _rewrite(u, lambda e: UNDER_OUR_ID.sign(entry_message(e.facts()))),
        Finding("forged", 2),
    ),
    "re-signed with a key of the forger's own": (
        lambda u: _rewrite(u, lambda e: FORGERS_OWN.sign(entry_message(e.facts()))),
        Finding("unknown_key", 2, detail="forger"),
    ),
    "an entry inserted after the last": (
        lambda u: _append_forgery(u, lambda e: UNDER_OUR_ID.sign(entry_message(e.facts()))),
        Finding("forged", 5),
    ),
}


def _verify(app: Flask) -> Any:
    return app.test_cli_runner().invoke(cli, ["verify-logs"])


@pytest.mark.parametrize("case", list(CASES))
def test_each_tampering_is_named_by_verify_logs(app: Flask, kept: dict, case: str) -> None:
    fridge, other = kept["fridge"], kept["other"]
    assert _verify(app).exit_code == 0
    tamper, expected = CASES[case]
    tamper(fridge)
    db.session.expire_all()

    found = {report.unit.id: report.finding for report in verify_logs(record_keys())}
    assert found == {fridge.id: expected, other.id: None}
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Clinic {fridge.clinic_id}, log {FRIDGE} (Fridge A): {describe(expected)}."
        in result.output
    )
    assert "1 of 2 clinic logs fail verification." in result.output


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_commit_anchors_the_units_new_head(kept: dict, anchor_log: Path) -> None:
    fridge, other = kept["fridge"], kept["other"]
    units = [line for line in _lines(anchor_log) if "unit" in line]
    assert [(a["unit"], a["seq"]) for a in units] == [
        (fridge.id, 1),
        (fridge.id, 2),
        (fridge.id, 3),
        (fridge.id, 4),
        (other.id, 1),
    ]
    assert units[3]["head"] == _entry(fridge, 4).hash and units[3]["clinic"] == fridge.clinic_id


def test_the_last_entry_deleted_is_caught_by_the_anchor(app: Flask, kept: dict) -> None:
    """Truncation leaves a chain that links perfectly: only the anchor knows it was longer."""
    fridge = kept["fridge"]
    _run("DELETE FROM log_entries WHERE unit_id = :u AND seq = 4", u=fridge.id)
    assert all(report.finding is None for report in verify_logs(record_keys()))
    result = _verify(app)
    assert result.exit_code == 1
    assert f"Log unit {fridge.id}: anchored at entry 4: {DELETED_LAST}." in result.output
    assert "1 anchor problem(s) found." in result.output


def test_every_entry_deleted_is_caught_by_the_anchor(app: Flask, kept: dict) -> None:
    fridge = kept["fridge"]
    _run("DELETE FROM log_incidents WHERE unit_id = :u", u=fridge.id)
    _run("DELETE FROM log_entries WHERE unit_id = :u", u=fridge.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Log unit {fridge.id}: anchored at entry 4: every event of the record was deleted."
        in result.output
    )


def test_the_unit_deleted_outside_the_app_is_caught(app: Flask, kept: dict) -> None:
    fridge = kept["fridge"]
    for table in ("log_incidents", "log_entries"):
        _run(f"DELETE FROM {table} WHERE unit_id = :u", u=fridge.id)
    _run("DELETE FROM log_units WHERE id = :u", u=fridge.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Log unit {fridge.id}: anchored at entry 4: the log was deleted outside the app."
        in result.output
    )


def test_a_last_entry_rewritten_and_rehashed_is_caught_by_the_anchor(
    app: Flask, kept: dict
) -> None:
    """The void rewritten as a reading and its hash recomputed without the key: the chain says
    forged, and the anchor holds the MAC the entry had."""
    fridge = kept["fridge"]
    last = _entry(fridge, 4)
    last.kind = "reading"
    last.key_id, last.hash = _plain_sha256(last)
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Log unit {fridge.id}: anchored at entry 4: the anchored event has changed since it "
        "was anchored." in result.output
    )


def test_a_forged_unit_anchor_is_refused_and_the_real_one_still_holds(
    app: Flask, kept: dict, anchor_log: Path
) -> None:
    fridge = kept["fridge"]
    forged_line = len(_lines(anchor_log)) + 1
    forger = parse_keys(new_key_entry("test1"))
    anchor = Anchor(fridge.id, fridge.clinic_id, 1, "0" * 64, datetime.now(UTC), chain=LOG_UNIT)
    with anchor_log.open("a") as log:
        log.write(anchor_line(anchor, forger))
    _run("DELETE FROM log_entries WHERE unit_id = :u AND seq = 4", u=fridge.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Log unit {fridge.id}: anchored at entry 1 (anchor log line {forged_line}): the anchor "
        "line is not authentic" in result.output
    )
    assert f"Log unit {fridge.id}: anchored at entry 4: {DELETED_LAST}." in result.output


def test_log_anchors_leave_the_onboarding_check_alone(app: Flask, kept: dict) -> None:
    """A unit's anchor names a unit: verify-signoffs never reads it as an onboarding's."""
    _run("DELETE FROM log_entries WHERE unit_id = :u AND seq = 4", u=kept["fridge"].id)
    result = app.test_cli_runner().invoke(cli, ["verify-signoffs"])
    assert result.exit_code == 0, result.output


def test_anchor_records_anchors_logs_kept_before_the_anchor_log(
    app: Flask, kept: dict, anchor_log: Path
) -> None:
    fridge, other = kept["fridge"], kept["other"]
    anchor_log.unlink()
    before = _verify(app)
    assert before.exit_code == 0
    assert f"Log unit {fridge.id}: its latest entries are not anchored yet" in before.output
    assert f"There is no anchor log at {anchor_log}: no clinic log is anchored." in before.output
    result = app.test_cli_runner().invoke(cli, ["anchor-records"])
    assert result.exit_code == 0 and "and 2 clinic logs" in result.output
    assert sorted((a["unit"], a["seq"]) for a in _lines(anchor_log) if "unit" in a) == [
        (fridge.id, 4),
        (other.id, 1),
    ]
    assert _verify(app).output == "All 2 clinic logs verify.\n"
