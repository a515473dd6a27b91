"""The anchor log in a real app: what commits append, and what verify-signoffs and the record
page find when the database loses or rewrites what was anchored."""

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import Onboarding, OnboardingEvent
from clinic_onboard.operations import record
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.anchors import Anchor, anchor_line
from clinic_onboard.record.chain import legacy_hash
from clinic_onboard.record.keys import new_key_entry, parse_keys
from tests.conftest import Auth, config_for_tests
from tests.web.onboarding_factory import make_team

DELETED_LAST = "the record ends before the anchored event: its last events were deleted"


@pytest.fixture
def anchor_log(tmp_path: Path) -> Path:
    return tmp_path / "anchors" / "record_anchors.log"


@pytest.fixture
def app_config(database_url: str, anchor_log: Path) -> dict[str, Any]:
    anchor_log.parent.mkdir()
    return config_for_tests(database_url, RECORD_ANCHOR_LOG=str(anchor_log))


@pytest.fixture
def team(make_member, make_clinic) -> dict:
    return make_team(make_member, make_clinic)()


def _sign(people: dict, events: int, onboarding: str = "onboarding") -> Onboarding:
    """Append ``events`` completions, one commit each, as the hire and the app would; they
    follow the record's opening entry (event 1), so they are events 2, 3 and on."""
    plan = people[onboarding]
    for _ in range(events):
        record.append_event(plan, plan.tasks[0], "completed", people["hire"])
        db.session.commit()
    return plan


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _outside_the_app(sql: str, **values: Any) -> None:
    """A write straight to the database, as someone holding its password would make it."""
    with db.engine.begin() as connection:
        connection.execute(text(sql), values)


def _verify(app: Flask) -> Any:
    return app.test_cli_runner().invoke(cli, ["verify-signoffs"])


def test_each_commit_appends_its_new_head(team: dict, anchor_log: Path) -> None:
    plan = _sign(team, 2)
    lines = _lines(anchor_log)[-2:]
    assert [(a["onboarding"], a["seq"], a["kind"]) for a in lines] == [
        (plan.id, 2, "head"),
        (plan.id, 3, "head"),
    ]
    assert (
        lines[1]["head"] == record_reads.chain_head(plan) and lines[1]["clinic"] == plan.clinic_id
    )
    assert anchor_log.stat().st_mode & 0o777 == 0o600


def test_one_commit_appends_one_line_per_onboarding_touched(team: dict, anchor_log: Path) -> None:
    first, second = team["onboarding"], team["other_onboarding"]
    for plan in (first, first, second):
        record.append_event(plan, plan.tasks[0], "completed", team["hire"])
    db.session.commit()
    assert [(a["onboarding"], a["seq"]) for a in _lines(anchor_log)[-2:]] == [
        (first.id, 3),
        (second.id, 2),
    ]


def test_a_rollback_writes_no_anchor(team: dict, anchor_log: Path) -> None:
    plan, before = team["onboarding"], len(_lines(anchor_log))
    record.append_event(plan, plan.tasks[0], "completed", team["hire"])
    db.session.rollback()
    assert len(_lines(anchor_log)) == before
    _sign(team, 1)
    lines = _lines(anchor_log)
    assert len(lines) == before + 1 and lines[-1]["head"] == record_reads.chain_head(plan)


def test_the_last_event_deleted_is_reported(app: Flask, team: dict, client: FlaskClient) -> None:
    plan = _sign(team, 3)
    assert _verify(app).exit_code == 0
    _outside_the_app(
        "DELETE FROM onboarding_events WHERE onboarding_id = :id AND seq = 4", id=plan.id
    )
    result = _verify(app)
    assert result.exit_code == 1
    assert f"Onboarding {plan.id}: anchored at event 4: {DELETED_LAST}." in result.output
    assert "1 anchor problem(s) found." in result.output


def test_the_record_page_reads_anchors_added_since_its_last_view(
    team: dict, client: FlaskClient, auth: Auth
) -> None:
    plan = _sign(team, 1)
    auth.login_as(team["manager"])
    url = f"/signoffs/onboardings/{plan.id}/record"
    assert "The record verifies." in client.get(url).get_data(as_text=True)
    _sign(team, 1)
    _outside_the_app(
        "DELETE FROM onboarding_events WHERE onboarding_id = :id AND seq = 3", id=plan.id
    )
    page = client.get(url).get_data(as_text=True)
    assert "The record verifies." not in page
    assert "its last entries were deleted after they were anchored." in page


def test_every_event_deleted_is_reported(app: Flask, team: dict) -> None:
    plan = _sign(team, 2)
    _outside_the_app("DELETE FROM onboarding_events WHERE onboarding_id = :id", id=plan.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Onboarding {plan.id}: anchored at event 3: every event of the record was deleted."
        in result.output
    )


def test_the_onboarding_deleted_outside_the_app_is_reported(app: Flask, team: dict) -> None:
    plan = _sign(team, 2)
    _outside_the_app("DELETE FROM onboarding_events WHERE onboarding_id = :id", id=plan.id)
    _outside_the_app("DELETE FROM onboardings WHERE id = :id", id=plan.id)
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Onboarding {plan.id}: anchored at event 3: the onboarding was deleted outside the app."
        in result.output
    )


def test_the_app_deleting_an_onboarding_is_not_reported(
    app: Flask, team: dict, anchor_log: Path
) -> None:
    plan = _sign(team, 2)
    plan_id = plan.id
    db.session.delete(plan)
    db.session.commit()
    assert _lines(anchor_log)[-1]["kind"] == "deleted" and _lines(anchor_log)[-1]["seq"] == 3
    assert db.session.get(Onboarding, plan_id) is None
    result = _verify(app)
    assert result.exit_code == 0, result.output


def test_a_rewritten_and_rehashed_head_is_reported(app: Flask, team: dict) -> None:
    """Rehashed without the key: the anchor holds the MAC the event had, whatever else says."""
    plan = _sign(team, 2)
    last = db.session.scalars(
        select(OnboardingEvent).where(
            OnboardingEvent.onboarding_id == plan.id, OnboardingEvent.seq == 3
        )
    ).one()
    forged = legacy_hash(replace(last.facts(plan.tasks[0].item_id), actor_name="Someone Else"))
    _outside_the_app(
        "UPDATE onboarding_events SET actor_name = 'Someone Else', hash = :hash WHERE id = :id",
        hash=forged,
        id=last.id,
    )
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Onboarding {plan.id}: anchored at event 3: the anchored event has changed since it was "
        "anchored." in result.output
    )


def test_a_forged_anchor_line_is_refused(app: Flask, team: dict, anchor_log: Path) -> None:
    """A line made without the key, here moving the anchor back to event 1, is reported and
    ignored: the authentic anchor still holds."""
    plan = _sign(team, 2)
    forged_line = len(_lines(anchor_log)) + 1
    forger = parse_keys(new_key_entry("test1"))
    with anchor_log.open("a") as log:
        log.write(
            anchor_line(Anchor(plan.id, plan.clinic_id, 1, "0" * 64, plan.created_at), forger)
        )
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Onboarding {plan.id}: anchored at event 1 (anchor log line {forged_line}): the anchor "
        "line is not authentic" in result.output
    )
    assert f"Onboarding {plan.id}: anchored at event 3: {DELETED_LAST}." not in result.output


def test_anchor_records_anchors_records_made_before_the_log(
    app: Flask, team: dict, anchor_log: Path
) -> None:
    plan = _sign(team, 2)
    anchor_log.unlink()  # an install upgrading with records and no anchors yet
    before = _verify(app)
    assert before.exit_code == 0
    assert f"Onboarding {plan.id}: its latest events are not anchored yet" in before.output
    assert f"There is no anchor log at {anchor_log}" in before.output
    result = app.test_cli_runner().invoke(cli, ["anchor-records"])
    assert result.exit_code == 0 and "Anchored 2 onboarding records" in result.output
    other = team["other_onboarding"]
    assert sorted((a["onboarding"], a["seq"]) for a in _lines(anchor_log)) == [
        (plan.id, 3),
        (other.id, 1),
    ]
    assert _verify(app).output == "All 2 onboarding records verify.\n"


def test_a_log_that_cannot_be_written_fails_nothing_and_is_logged(
    app: Flask, team: dict, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["RECORD_ANCHOR_LOG"] = str(tmp_path / "missing" / "anchors.log")
    with caplog.at_level(logging.ERROR, logger="clinic_onboard.services.anchor_log"):
        plan = _sign(team, 1)
    assert record_reads.chain_head(plan) != "0" * 64  # the event is saved
    assert "not anchored yet" in caplog.text
    result = _verify(app)
    assert result.exit_code == 0
    assert f"Onboarding {plan.id}: its latest events are not anchored yet" in result.output


def test_an_anchor_behind_the_head_still_checks_its_own_event(
    app: Flask, team: dict, tmp_path: Path, anchor_log: Path
) -> None:
    plan = _sign(team, 2)
    app.config["RECORD_ANCHOR_LOG"] = str(tmp_path / "missing" / "anchors.log")
    _sign(team, 1)  # event 4, not anchored
    app.config["RECORD_ANCHOR_LOG"] = str(anchor_log)
    lagging = _verify(app)
    assert lagging.exit_code == 0 and "not anchored yet" in lagging.output
    _outside_the_app(
        "UPDATE onboarding_events SET hash = :hash WHERE onboarding_id = :id AND seq = 3",
        hash="f" * 64,
        id=plan.id,
    )
    result = _verify(app)
    assert result.exit_code == 1
    assert (
        f"Onboarding {plan.id}: anchored at event 3: the anchored event has changed since it was "
        "anchored." in result.output
    )
