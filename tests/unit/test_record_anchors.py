"""Anchors of chain heads: authentic lines only, and each deletion the database cannot hide."""

import json
from datetime import UTC, datetime

import pytest

from clinic_onboard.record.anchors import (
    DELETED,
    LOG_UNIT,
    Anchor,
    AnchorLogError,
    AnchorProblem,
    AnchorReason,
    LatestAnchors,
    anchor_line,
    anchor_problems,
    parse_line,
    unanchored,
)
from clinic_onboard.record.keys import new_key_entry, parse_keys

KEYS = parse_keys(new_key_entry("k1"))
AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
CHAIN = [(1, "a" * 64), (2, "b" * 64), (3, "c" * 64)]


def _log(*anchors: Anchor, keys=KEYS) -> LatestAnchors:
    latest = LatestAnchors()
    latest.read([anchor_line(a, keys) for a in anchors], KEYS)
    return latest


def _at(seq: int, onboarding_id: int = 7, kind: str = "head") -> Anchor:
    return Anchor(onboarding_id, 2, seq, dict(CHAIN)[seq], AT, kind)


def test_a_line_reads_back_as_written_and_authentic() -> None:
    line = anchor_line(_at(3), KEYS)
    assert line.endswith("\n") and line.count("\n") == 1
    assert parse_line(line, 1, KEYS).anchor == _at(3) and parse_line(line, 1, KEYS).authentic


def test_an_intact_chain_at_its_anchor_has_no_problem() -> None:
    assert anchor_problems(_log(_at(3)), {7: CHAIN}) == []
    assert unanchored(_log(_at(3)), {7: CHAIN}) == []


def test_the_last_event_deleted() -> None:
    assert anchor_problems(_log(_at(3)), {7: CHAIN[:2]}) == [
        AnchorProblem(7, 3, AnchorReason.LAST_EVENTS_DELETED)
    ]


def test_the_anchored_event_rewritten() -> None:
    rewritten = [*CHAIN[:2], (3, "f" * 64)]
    assert anchor_problems(_log(_at(3)), {7: rewritten}) == [
        AnchorProblem(7, 3, AnchorReason.HEAD_REWRITTEN)
    ]


def test_every_event_deleted_and_the_onboarding_deleted() -> None:
    assert anchor_problems(_log(_at(3)), {7: []}) == [
        AnchorProblem(7, 3, AnchorReason.ALL_EVENTS_DELETED)
    ]
    assert anchor_problems(_log(_at(3)), {}) == [
        AnchorProblem(7, 3, AnchorReason.ONBOARDING_DELETED)
    ]


def test_a_deletion_the_app_anchored_is_no_problem() -> None:
    assert anchor_problems(_log(_at(3), _at(3, kind=DELETED)), {}) == []


def test_a_head_newer_than_its_anchor_is_only_not_anchored_yet() -> None:
    latest = _log(_at(2))
    assert anchor_problems(latest, {7: CHAIN}) == []
    assert unanchored(latest, {7: CHAIN, 8: []}) == [7]


def test_anchoring_again_never_lowers_or_replaces_an_anchor() -> None:
    lower = _at(2)
    rewritten = Anchor(7, 2, 3, "f" * 64, AT)
    latest = _log(_at(3), lower, rewritten)
    assert latest.latest[7] == _at(3)


def test_a_forged_line_is_refused_and_named() -> None:
    forger = parse_keys(new_key_entry("k1"))  # the same key id, another secret
    edited = json.loads(anchor_line(_at(3), KEYS))
    edited["seq"] = 2
    lines = [
        anchor_line(_at(3), KEYS),
        anchor_line(Anchor(7, 2, 9, "e" * 64, AT), forger),
        json.dumps(edited),
    ]
    latest = LatestAnchors()
    latest.read(lines, KEYS)
    assert latest.latest[7] == _at(3)  # neither forgery moved the anchor
    assert anchor_problems(latest, {7: CHAIN}) == [
        AnchorProblem(7, 9, AnchorReason.FORGED, 2),
        AnchorProblem(7, 2, AnchorReason.FORGED, 3),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "line 4 is not JSON"),
        ('{"seq": 1}', "line 4 does not hold exactly"),
        (anchor_line(_at(3), KEYS).replace('"seq":3', '"seq":-1'), "line 4: onboarding, clinic"),
        (
            anchor_line(_at(3), KEYS).replace('"kind":"head"', '"kind":"gone"'),
            "line 4: kind must be one of",
        ),
    ],
)
def test_a_malformed_line_is_named_by_number(text: str, message: str) -> None:
    with pytest.raises(AnchorLogError, match=f"^{message}"):
        parse_line(text, 4, KEYS)


def test_a_malformed_line_does_not_hide_the_lines_after_it() -> None:
    latest = LatestAnchors()
    assert latest.read(["{", anchor_line(_at(3), KEYS)], KEYS, first_number=5) == 7
    assert latest.malformed == ["line 5 is not JSON"] and latest.latest[7] == _at(3)


def _unit_at(seq: int, unit_id: int = 7) -> Anchor:
    return Anchor(unit_id, 2, seq, dict(CHAIN)[seq], AT, chain=LOG_UNIT)


def test_a_log_units_anchor_is_its_own_and_never_an_onboardings() -> None:
    """Unit 7 and onboarding 7 share an id, not an anchor: the line names which it is."""
    line = anchor_line(_unit_at(3), KEYS)
    assert '"unit":7' in line and '"onboarding"' not in line
    latest = _log(_at(2), _unit_at(3))
    assert latest.latest[7] == _at(2) and latest.units[7] == _unit_at(3)
    assert anchor_problems(latest, {7: CHAIN[:2]}) == []
    assert anchor_problems(latest, {7: CHAIN[:2]}, LOG_UNIT) == [
        AnchorProblem(7, 3, AnchorReason.LAST_EVENTS_DELETED)
    ]
    assert anchor_problems(latest, {}, LOG_UNIT) == [AnchorProblem(7, 3, AnchorReason.LOG_DELETED)]
    assert unanchored(latest, {7: CHAIN}) == [7] and unanchored(latest, {7: CHAIN}, LOG_UNIT) == []


def test_a_line_holding_both_an_onboarding_and_a_unit_is_malformed() -> None:
    both = json.loads(anchor_line(_unit_at(3), KEYS)) | {"onboarding": 7}
    with pytest.raises(AnchorLogError, match=r"^line 2 does not hold exactly"):
        parse_line(json.dumps(both), 2, KEYS)
