"""``verify-signoffs`` on a long run: each batch reads its own records by index, runs the same
statements, and the command says how far it got."""

from flask import Flask
from sqlalchemy import select, text

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Onboarding, OnboardingEvent, OnboardingTask
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from tests.conftest import counting_queries
from tests.web.onboarding_factory import build_onboarding, task_of


def _records(make_member, count: int) -> None:
    for _ in range(count):
        hire = make_member(AppRole.STAFF)
        plan = build_onboarding(hire, None)
        progress.complete_task(plan, task_of(plan, "privacy.read_policy"), hire)
        db.session.commit()


def test_every_batch_runs_the_same_statements(app: Flask, make_member) -> None:
    counts = []
    for total in (2, 4, 8):
        _records(make_member, total - sum(1 for _ in record_reads.verify_chains()))
        with counting_queries() as statements:
            reports = list(record_reads.verify_chains(batch=2))
        assert len(reports) == total and all(r.ok for r in reports)
        counts.append(len(statements))
    per_batch = counts[1] - counts[0]  # one more batch
    assert per_batch == 4 and counts[2] - counts[1] == 2 * per_batch, counts


def test_a_batch_reads_its_events_by_index(app: Flask) -> None:
    """A range search on the (onboarding, seq) index, in record order (no sort). SQLite says so
    of the empty table; PostgreSQL, which scans a table this small, is asked whether the index
    can serve the query in order at all (sequential scans, bitmap scans and sorts off: with them
    on, its choice on an empty table follows statistics, not the indexes)."""
    query = record_reads.events_in_range(10, 20)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        plan = " | ".join(str(row[-1]) for row in rows)
        assert "SEARCH onboarding_events USING INDEX" in plan, plan
        assert "SCAN onboarding_events" not in plan and "TEMP B-TREE" not in plan, plan
    else:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            db.session.execute(text(f"SET LOCAL {setting} = off"))
        plan = " | ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))
        db.session.rollback()
        assert "Index Scan using uq_onboarding_events" in plan, plan
        assert "Sort" not in plan, plan


def test_the_command_reports_its_progress(app: Flask, make_member) -> None:
    _records(make_member, 3)
    result = app.test_cli_runner().invoke(cli, ["verify-signoffs", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Records checked so far: 2 (0 failing)." in result.output
    assert "All 3 onboarding records verify." in result.output


def test_a_long_run_holds_one_batch_of_rows(app: Flask, make_member) -> None:
    """The run's memory follows the batch, not the network: while a batch is checked, the
    session holds no onboarding, task or event of an earlier batch."""
    _records(make_member, 6)
    ids = sorted(db.session.scalars(select(Onboarding.id)))
    db.session.expunge_all()  # as a fresh command starts
    for number, report in enumerate(record_reads.verify_chains(batch=2)):
        batch = set(ids[number // 2 * 2 : number // 2 * 2 + 2])
        assert report.ok and report.onboarding_id in batch
        held = {_onboarding_of(row) for row in db.session.identity_map.values()} - {None}
        assert held == batch, (held, batch)
    assert number == 5


def _onboarding_of(row: object) -> int | None:
    if isinstance(row, Onboarding):
        return row.id
    if isinstance(row, OnboardingTask | OnboardingEvent):
        return row.onboarding_id
    return None
