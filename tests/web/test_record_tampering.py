"""Someone who can write the database but does not hold the record key: every change they make
outside the app's operations is reported by ``verify-signoffs`` and the record page, naming
the onboarding, the entry and what is wrong. Truncation (the last or every event deleted) is
the anchor log's to detect."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import text

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import Onboarding, OnboardingEvent, OnboardingTask
from clinic_onboard.operations import progress, record
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.chain import GENESIS, Finding, event_message, legacy_hash, task_digest
from clinic_onboard.record.keys import KeyRing, parse_keys
from tests.conftest import Auth
from tests.web.onboarding_factory import TODAY, make_team, task_of

HAND, READ = "ipac.hand_hygiene", "privacy.read_policy"
# Keys a forger without the installation's key can use: their own, or one under its id.
FORGERS_OWN = parse_keys("forger:" + "Zm9yZ2VyLWtleS1ub3QtdGhlLWluc3RhbGwtb25lLTEyMw")
UNDER_OUR_ID = KeyRing({"test1": FORGERS_OWN.keys["forger"]}, "test1")


@pytest.fixture
def worked(make_member, make_clinic) -> Callable[[], dict]:
    """A record of four entries: 1 the plan's opening, 2 the hire's hand hygiene, 3 the
    supervisor's sign-off of it, 4 the hire's reading; and another hire's record."""

    def make() -> dict:
        people = make_team(make_member, make_clinic)()
        plan, hire = people["onboarding"], people["hire"]
        hand = task_of(plan, HAND)
        progress.complete_task(plan, hand, hire)
        progress.sign_off(plan, hand, people["supervisor"], "observed", competent=True)
        progress.complete_task(plan, task_of(plan, READ), hire, "read it")
        db.session.commit()
        return people

    return make


def _run(sql: str, **values: object) -> None:
    db.session.execute(text(sql), values)
    db.session.commit()


def _event(plan: Onboarding, seq: int) -> OnboardingEvent:
    return next(e for e in record_reads.events_of(plan) if e.seq == seq)


def _set(plan: Onboarding, at: int, **columns: object) -> None:
    """Change entry ``at``'s columns through the ORM, as a script with database access would."""
    event = _event(plan, at)
    for name, value in columns.items():
        setattr(event, name, value)
    db.session.commit()


def _rewrite(plan: Onboarding, sign: Callable[[OnboardingEvent, str | None], tuple]) -> None:
    """Rewrite entry 3's signer and recompute the chain from there on with ``sign``."""
    events = record_reads.record_events([plan.id])
    prev = events[1][0].hash
    for event, item_id in events[2:]:
        if event.seq == 3:
            event.actor_name = "Someone Else"
        event.prev_hash = prev
        event.key_id, event.hash = sign(event, item_id)
        prev = event.hash
    db.session.commit()


def _with_key(ring: KeyRing, plan: Onboarding) -> Callable[[OnboardingEvent, str | None], tuple]:
    """Sign exactly as the app does (hire, stated item digest), but under ``ring``."""
    digests = record_reads.stated_digests(plan.id)

    def sign(event: OnboardingEvent, item_id: str | None) -> tuple:
        digest = digests.get(item_id) if item_id else None
        return ring.sign(event_message(event.facts(item_id), plan.membership_id, digest))

    return sign


def _append_forgery(plan: Onboarding, sign: Callable[[OnboardingEvent, str | None], tuple]):
    """A sign-off of the reading nobody gave, added after the last entry."""
    last = _event(plan, 4)
    task = task_of(plan, READ)
    forged = OnboardingEvent(
        clinic_id=plan.clinic_id,
        onboarding_id=plan.id,
        task_id=task.id,
        seq=5,
        kind="signed_off",
        actor_id=last.actor_id,
        actor_name="A Supervisor",
        actor_role="supervisor",
        payload={"method": "observed", "comment": ""},
        created_at=datetime.now(UTC),
        prev_hash=last.hash,
    )
    forged.key_id, forged.hash = sign(forged, task.item_id)
    db.session.add(forged)
    db.session.commit()


def _swap(plan: Onboarding) -> None:
    _run("UPDATE onboarding_events SET seq = 99 WHERE onboarding_id = :o AND seq = 3", o=plan.id)
    _run("UPDATE onboarding_events SET seq = 3 WHERE onboarding_id = :o AND seq = 4", o=plan.id)
    _run("UPDATE onboarding_events SET seq = 4 WHERE onboarding_id = :o AND seq = 99", o=plan.id)


def _delete_and_renumber(plan: Onboarding) -> None:
    second = _event(plan, 2).hash
    _run("DELETE FROM onboarding_events WHERE onboarding_id = :o AND seq = 3", o=plan.id)
    _set(plan, 4, seq=3, prev_hash=second)


def _task_sql(column: str, value: str) -> Callable[[dict], None]:
    def tamper(people: dict) -> None:
        task = task_of(people["onboarding"], HAND)
        _run(f"UPDATE onboarding_tasks SET {column} = :v WHERE id = :t", v=value, t=task.id)

    return tamper


def _add_task(plan: Onboarding) -> None:
    hand = task_of(plan, HAND)
    db.session.add(
        OnboardingTask(
            **{
                c.key: getattr(hand, c.key)
                for c in OnboardingTask.__table__.columns
                if c.key != "id"
            }
            | {"item_id": "extra.item", "position": 99}
        )
    )
    db.session.commit()


def _legacy(event: OnboardingEvent, item_id: str | None) -> tuple:
    return None, legacy_hash(event.facts(item_id))


CASES: dict[str, tuple[Callable[[dict], None], Finding]] = {
    "altered payload": (
        lambda p: _set(p["onboarding"], 3, payload={"method": "discussed", "comment": ""}),
        Finding("forged", 3),
    ),
    "signer": (
        lambda p: _run("UPDATE onboarding_events SET actor_name = 'Dr Who' WHERE seq = 3"),
        Finding("forged", 3),
    ),
    "kind": (
        lambda p: _set(p["onboarding"], 4, kind="signed_off"),
        Finding("forged", 4),
    ),
    "created_at": (
        lambda p: _set(p["onboarding"], 3, created_at=datetime(2026, 1, 5, 9, tzinfo=UTC)),
        Finding("forged", 3),
    ),
    "actor id": (
        lambda p: _set(p["onboarding"], 3, actor_id=p["manager"].user_id),
        Finding("forged", 3),
    ),
    "actor role": (
        lambda p: _set(p["onboarding"], 3, actor_role="manager"),
        Finding("forged", 3),
    ),
    "event moved to another task": (
        lambda p: _set(p["onboarding"], 2, task_id=task_of(p["onboarding"], READ).id),
        Finding("forged", 2),
    ),
    "event moved to another hire's same item": (
        lambda p: _set(p["onboarding"], 2, task_id=task_of(p["other_onboarding"], HAND).id),
        Finding("forged", 2),
    ),
    "middle delete": (
        lambda p: _run(
            "DELETE FROM onboarding_events WHERE onboarding_id = :o AND seq = 3",
            o=p["onboarding"].id,
        ),
        Finding("sequence", 4, detail="3"),
    ),
    "delete and renumber": (
        lambda p: _delete_and_renumber(p["onboarding"]),
        Finding("forged", 3),
    ),
    "reorder": (lambda p: _swap(p["onboarding"]), Finding("link", 3)),
    "re-hashed with plain SHA-256": (
        lambda p: _rewrite(p["onboarding"], _legacy),
        Finding("unsealed", 3),
    ),
    "re-signed with another key under the installation's key id": (
        lambda p: _rewrite(p["onboarding"], _with_key(UNDER_OUR_ID, p["onboarding"])),
        Finding("forged", 3),
    ),
    "re-signed with a key of the forger's own": (
        lambda p: _rewrite(p["onboarding"], _with_key(FORGERS_OWN, p["onboarding"])),
        Finding("unknown_key", 3, detail="forger"),
    ),
    "appended forgery with another key": (
        lambda p: _append_forgery(p["onboarding"], _with_key(UNDER_OUR_ID, p["onboarding"])),
        Finding("forged", 5),
    ),
    "appended forgery hashed the old way": (
        lambda p: _append_forgery(p["onboarding"], _legacy),
        Finding("unsealed", 5),
    ),
    "task title changed": (
        _task_sql("title", "Hand hygiene, if convenient"),
        Finding("task_changed", 1, HAND),
    ),
    "sign-off rule changed": (
        _task_sql("signoff", "none"),
        Finding("task_changed", 1, HAND),
    ),
    "record moved to another hire": (
        lambda p: _run(
            "UPDATE onboardings SET membership_id = :m WHERE id = :o",
            m=p["other_hire"].id,
            o=p["onboarding"].id,
        ),
        Finding("hire_changed", 1),
    ),
    "item added outside the app": (
        lambda p: _add_task(p["onboarding"]),
        Finding("task_unstated", item_id="extra.item"),
    ),
    "completed without a final sign-off": (
        lambda p: _run(
            "UPDATE onboardings SET status = 'completed', completed_at = created_at WHERE id = :o",
            o=p["onboarding"].id,
        ),
        Finding("completed_unsigned"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_tampering_is_named_by_verify_signoffs_and_the_record_page(
    app: Flask, client: FlaskClient, auth: Auth, worked, case: str
) -> None:
    people = worked()
    plan, runner = people["onboarding"], app.test_cli_runner()
    assert runner.invoke(cli, ["verify-signoffs"]).exit_code == 0
    tamper, expected = CASES[case]
    tamper(people)
    db.session.expire_all()

    reports = {report.onboarding_id: report for report in record_reads.verify_chains()}
    assert reports[plan.id].findings == (expected,)
    assert reports[people["other_onboarding"].id].ok
    result = runner.invoke(cli, ["verify-signoffs"])
    assert result.exit_code == 1
    assert f"Onboarding {plan.id}: {record_reads.describe(expected)}." in result.output
    assert "1 of 2 records fail verification." in result.output
    auth.login_as(people["manager"])
    page = client.get(f"/signoffs/onboardings/{plan.id}/record").get_data(as_text=True)
    assert "The record does not verify" in page and record_reads.describe(expected) in page


def _completed(people: dict) -> Onboarding:
    """The worked record finished and given its final sign-off (entry 9 or so)."""
    plan, hire = people["onboarding"], people["hire"]
    for task in plan.tasks:
        if task.item_id in (HAND, READ):
            continue
        if task.kind == "acknowledgement":
            progress.acknowledge_task(plan, task, hire, hire.user.display_name)
        elif task.kind == "credential":
            details = progress.CredentialDetails("HSF", "1", TODAY, None)
            progress.record_credential(plan, task, hire, details, None)
        else:
            progress.complete_task(plan, task, hire)
        if task.signoff != "none":
            signer = people["manager" if task.signoff == "manager" else "supervisor"]
            progress.sign_off(plan, task, signer, "observed", competent=True)
    progress.complete_onboarding(plan, people["manager"])
    db.session.commit()
    return plan


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("UPDATE onboardings SET completed_at = created_at WHERE id = :o", "completion_mismatch"),
        ("UPDATE onboardings SET status = 'active', completed_at = NULL WHERE id = :o", "reopened"),
    ],
)
def test_completion_data_must_agree_with_the_final_sign_off(
    app: Flask, worked, sql: str, code: str
) -> None:
    plan = _completed(worked())
    assert record_reads.verify_onboarding(plan).ok
    final = record_reads.events_of(plan)[-1]
    assert final.kind == "final_signoff"
    _run(sql, o=plan.id)
    db.session.expire_all()
    assert record_reads.verify_onboarding(plan).findings == (Finding(code, final.seq),)


def _as_legacy(plan: Onboarding, *, anchored: bool = False) -> None:
    """Make the record what the app wrote before events were keyed: no opening entry, each
    event an unkeyed SHA-256 of its facts chained to the one before, and (unless ``anchored``:
    someone dressing a keyed record up as an old one) no anchor yet, as before this release."""
    if not anchored:
        Path(current_app.config["RECORD_ANCHOR_LOG"]).unlink(missing_ok=True)
    _run("DELETE FROM onboarding_events WHERE onboarding_id = :o AND seq = 1", o=plan.id)
    prev = GENESIS
    for event, item_id in record_reads.record_events([plan.id]):
        event.seq -= 1
        event.prev_hash, event.key_id = prev, None
        event.hash = prev = legacy_hash(event.facts(item_id))
    db.session.commit()


def test_a_record_kept_before_the_key_is_reported_until_resealed(app: Flask, worked) -> None:
    people = worked()
    plan, runner = people["onboarding"], app.test_cli_runner()
    _as_legacy(plan)
    assert record_reads.verify_onboarding(plan).findings == (Finding("unsealed", 1),)
    assert "run clinic-onboard reseal-records" in runner.invoke(cli, ["verify-signoffs"]).output

    result = runner.invoke(cli, ["reseal-records"])
    assert result.exit_code == 0, result.output
    assert "Records resealed: 1." in result.output  # the other record was keyed already
    db.session.expire_all()
    assert runner.invoke(cli, ["verify-signoffs"]).exit_code == 0
    events = record_reads.events_of(plan)
    assert [e.kind for e in events] == ["completed", "signed_off", "completed", "resealed"]
    assert all(e.key_id == "test1" for e in events)
    assert events[-1].payload["hire"] == plan.membership_id
    assert events[-1].payload["events"] == 3
    assert "Records resealed: 0." in runner.invoke(cli, ["reseal-records"]).output


def test_a_keyed_record_dressed_up_as_an_old_one_is_caught_by_its_anchor(
    app: Flask, worked
) -> None:
    """Reseal trusts an old chain; the anchor written when the record was keyed does not."""
    plan = worked()["onboarding"]
    _as_legacy(plan, anchored=True)
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["reseal-records"]).exit_code == 0
    result = runner.invoke(cli, ["verify-signoffs"])
    assert result.exit_code == 1
    assert f"Onboarding {plan.id}: anchored at event" in result.output
    assert "the anchored event has changed since it was anchored" in result.output


def test_reseal_refuses_an_old_chain_that_no_longer_holds(app: Flask, worked) -> None:
    people = worked()
    plan, runner = people["onboarding"], app.test_cli_runner()
    _as_legacy(plan)
    _run(
        "UPDATE onboarding_events SET actor_name = 'Dr Who' WHERE onboarding_id = :o AND seq = 2",
        o=plan.id,
    )
    before = [(e.seq, e.hash, e.key_id) for e in record_reads.events_of(plan)]

    result = runner.invoke(cli, ["reseal-records"])
    assert result.exit_code == 1
    assert (
        f"Onboarding {plan.id}: not resealed, {record_reads.describe(Finding('forged', 2))}."
        in (result.output)
    )
    db.session.expire_all()
    assert [(e.seq, e.hash, e.key_id) for e in record_reads.events_of(plan)] == before


def test_the_record_page_shows_statements_plainly_and_never_offers_to_void_them(
    client: FlaskClient, auth: Auth, worked
) -> None:
    people = worked()
    plan = people["onboarding"]
    hand = task_of(plan, HAND)
    record.record_plan_update(plan, people["manager"], [hand], [task_of(plan, READ)])
    db.session.commit()
    auth.login_as(people["manager"])
    page = client.get(f"/signoffs/onboardings/{plan.id}/record").get_data(as_text=True)
    assert "The record verifies." in page
    assert "Plan started" in page and f"items: {len(plan.tasks)}" in page
    assert "Plan brought up to date" in page and f"withdrawn: {READ}" in page
    assert task_digest(record_reads.task_text(hand)) not in page  # digests stay out of sight
    opening, update = _event(plan, 1), _event(plan, 5)
    assert f"/signoffs/events/{_event(plan, 2).id}/void" in page  # a person's entry can
    for statement in (opening, update):
        assert f"/signoffs/events/{statement.id}/void" not in page
        refused = client.post(
            f"/signoffs/events/{statement.id}/void",
            data={"reason": "no"},
            follow_redirects=True,
        )
        assert "This entry cannot be voided." in refused.get_data(as_text=True)
