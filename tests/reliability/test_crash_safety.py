"""SIGKILL the server in the middle of a burst of writes, then start it again on the same
database: the database is intact, every chain verifies, and every change a person was told
had succeeded before the kill is in the record (changes whose answer was lost may be too).
"""

import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from functools import partial

from sqlalchemy.engine import make_url

from tests.reliability.checks import gaps, out_of_order
from tests.reliability.people import hire_step, signed_in, signer_step
from tests.reliability.seed import read_facts, seed_team
from tests.reliability.server import ServerDatabase, run_cli
from tests.reliability.workload import Tally

KILL_AFTER = 40  # changes acknowledged before the kill, so it lands mid-burst
BURST_TIMEOUT = 120.0  # seconds to reach KILL_AFTER; a bound, never a measurement


def burst(
    steps: list[Callable[[], None]], tally: Tally, stop: threading.Event
) -> list[threading.Thread]:
    """One thread per step, looping until ``stop``; errors before ``stop`` are kept."""

    def loop(step: Callable[[], None]) -> None:
        while not stop.is_set():
            try:
                step()
            except Exception as error:  # the kill cuts requests off mid-flight
                if not stop.is_set():
                    tally.error(f"before the kill: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=loop, args=(step,), daemon=True) for step in steps]
    for thread in threads:
        thread.start()
    return threads


def acknowledged(tally: Tally) -> int:
    return sum(tally.effects.values())


def wait_for_acknowledged(tally: Tally, count: int) -> None:
    deadline = time.monotonic() + BURST_TIMEOUT
    while acknowledged(tally) < count and time.monotonic() < deadline and not tally.errors:
        time.sleep(0.01)


def sqlite_checks(database_url: str) -> tuple[list, list]:
    """SQLite's own verdicts on the file (the WAL is replayed on open)."""
    path = make_url(database_url).database
    with closing(sqlite3.connect(path)) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
    return integrity, orphans


def test_sigkill_mid_burst_then_restart(launch, server_database: ServerDatabase) -> None:
    team = seed_team(server_database.url, managers=1, supervisors=2, hires=8)
    server = launch("run")
    tally, stop, rng = Tally(), threading.Event(), random.Random(9)
    steps = [
        partial(hire_step, signed_in(server.url, h.email), h, tally, random.Random(rng.random()))
        for h in team.hires
    ]
    steps += [
        partial(signer_step, signed_in(server.url, email), tally, random.Random(rng.random()))
        for email in team.supervisors
    ]
    threads = burst(steps, tally, stop)
    wait_for_acknowledged(tally, KILL_AFTER)
    stop.set()
    told_before_kill = Counter(tally.effects)  # copied before the kill: answers after it are lost
    server.crash()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert tally.errors == [] and tally.server_errors() == {}, server.log()[-5000:]
    assert acknowledged(tally) >= KILL_AFTER

    if make_url(server_database.url).get_backend_name() == "sqlite":
        assert sqlite_checks(server_database.url) == ([("ok",)], [])
    again = launch("run")
    hire = team.hires[0]
    after = Tally()
    hire_step(signed_in(again.url, hire.email), hire, after, random.Random(1))
    assert after.errors == [] and sum(after.effects.values()) == 1  # it serves and writes again
    again.stop()

    facts = read_facts(server_database.url)
    assert facts.broken_chains == ()
    verify = run_cli(server_database.env, "verify-signoffs")
    assert verify.returncode == 0, verify.stderr
    assert gaps(facts) == [] and out_of_order(facts) == []
    in_record = Counter((e.task_id, e.kind) for e in facts.events)
    missing = told_before_kill - in_record
    assert missing == Counter(), f"acknowledged before the kill but not in the record: {missing}"
    print(f"\n{acknowledged(tally)} changes acknowledged, {len(facts.events)} events after restart")
