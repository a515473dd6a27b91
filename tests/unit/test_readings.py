"""Log readings: typed from a form, judged against the library's ranges, chained under a key."""

from dataclasses import replace
from datetime import UTC, date, datetime

from clinic_onboard.catalog import Catalog
from clinic_onboard.planner.readings import out_of_range, range_text, read_values
from clinic_onboard.record.chain import GENESIS
from clinic_onboard.record.keys import parse_keys
from clinic_onboard.record.log_chain import EntryFacts, SealedEntry, entry_message, verify_log

RING = parse_keys("k1:" + "a" * 44)
DAY = date(2026, 12, 7)


def test_values_are_typed_and_problems_named(minimal_catalog: Catalog) -> None:
    log = minimal_catalog.log("ipac.log.fridge")
    reading = read_values(log, {"current": "4,5", "door_closed": "maybe"})
    assert reading.values == {"current": 4.5}
    assert reading.problems == {"door_closed": "pass_fail"}
    assert read_values(log, {}).problems == {"current": "required", "door_closed": "required"}


def test_out_of_range_numbers_and_failures(minimal_catalog: Catalog) -> None:
    log = minimal_catalog.log("ipac.log.fridge")
    assert out_of_range(log, {"current": 8.0, "door_closed": "pass"}, DAY) == []
    assert out_of_range(log, {"current": 8.1, "door_closed": "pass"}, DAY) == ["current"]
    assert out_of_range(log, {"current": 1.9, "door_closed": "fail"}, DAY) == [
        "current",
        "door_closed",
    ]


def test_an_expired_date_is_out_of_range(minimal_catalog: Catalog) -> None:
    fridge = minimal_catalog.log("ipac.log.fridge")
    field = fridge.fields[1].model_copy(update={"kind": "expiry", "id": "pads"})
    log = fridge.model_copy(update={"fields": (field,)})
    assert out_of_range(log, {"pads": "2026-12-07"}, DAY) == []
    assert out_of_range(log, {"pads": "2026-12-06"}, DAY) == ["pads"]


def test_the_range_prints_in_each_language(minimal_catalog: Catalog) -> None:
    current = minimal_catalog.log("ipac.log.fridge").fields[0]
    assert range_text(current) == "+2.0 \u2013 +8.0\u00a0°C"
    assert range_text(current, "fr") == "+2,0 \u2013 +8,0\u00a0°C"


def _chain(count: int) -> list[SealedEntry]:
    entries, prev = [], GENESIS
    for seq in range(1, count + 1):
        facts = EntryFacts(
            seq, 1, "reading", DAY, "opening", {"values": {"current": 4.0 + seq}}, 7, "Ana",
            datetime(2026, 12, 7, 13, seq, tzinfo=UTC), prev,
        )  # fmt: skip
        key_id, mac = RING.sign(entry_message(facts))
        entries.append(SealedEntry(facts, key_id, mac))
        prev = mac
    return entries


def test_an_intact_log_verifies() -> None:
    assert verify_log(_chain(3), RING) is None


def test_a_tampered_reading_fails_verification() -> None:
    entries = _chain(3)
    forged = replace(entries[1].facts, payload={"values": {"current": 5.0}})
    entries[1] = replace(entries[1], facts=forged)
    found = verify_log(entries, RING)
    assert found is not None and (found.code, found.seq) == ("forged", 2)


def test_a_removed_entry_breaks_the_chain() -> None:
    entries = _chain(3)
    found = verify_log([entries[0], entries[2]], RING)
    assert found is not None and found.code == "sequence"
