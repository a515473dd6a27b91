"""Twenty people at once for RELIABILITY_SECONDS (a minute by default) against gunicorn with
two workers of ten threads: hires tick and undo their items, supervisors (two browsers each)
race to sign the same items, managers switch the same role item off and on and edit the clinic.

Afterwards every response was a page or a redirect (never a 5xx or a dropped connection),
every chain verifies, sequence numbers run 1..n per onboarding, and the record holds exactly
the changes the clients were told succeeded, each once, in an order the rules allow.
"""

import random
from collections import Counter
from collections.abc import Callable
from functools import partial

from clinic_onboard.record.states import STATEMENT_KINDS
from tests.reliability.checks import audited, gaps, out_of_order
from tests.reliability.people import hire_step, manager_step, signed_in, signer_step
from tests.reliability.seed import Team, read_facts, seed_team
from tests.reliability.server import ServerDatabase, run_cli
from tests.reliability.workload import Tally, run_clients, seconds_from

SECONDS = seconds_from("RELIABILITY_SECONDS", 60)


def actors(url: str, team: Team, tally: Tally) -> list[Callable[[], None]]:
    """Every hire, two browsers per supervisor, and the managers: one thread each."""
    rng = random.Random(8)  # the choices vary run to run only through the timing

    def person(step: Callable, email: str, *args: object) -> Callable[[], None]:
        return partial(step, signed_in(url, email), *args, tally, random.Random(rng.random()))

    steps = [person(hire_step, hire.email, hire) for hire in team.hires]
    steps += [person(signer_step, email) for email in team.supervisors for _ in range(2)]
    steps += [person(manager_step, email, team) for email in team.managers]
    return steps


def test_twenty_people_at_once(launch, server_database: ServerDatabase) -> None:
    team = seed_team(server_database.url, managers=2, supervisors=3, hires=12)
    server = launch("gunicorn", workers=2, threads=10)
    tally = Tally()
    people = actors(server.url, team, tally)
    assert len(people) == 20
    run_clients(people, SECONDS, tally)
    server.stop()
    print(f"\n{tally.requests} requests in {SECONDS:.0f} s; outcomes: {dict(tally.outcomes)}")

    assert tally.server_errors() == {}, server.log()[-5000:]
    assert tally.errors == []
    facts = read_facts(server_database.url)
    assert facts.broken_chains == () and facts.chains == len(team.hires)
    verify = run_cli(server_database.env, "verify-signoffs")
    assert verify.returncode == 0 and f"All {len(team.hires)} onboarding" in verify.stdout
    assert gaps(facts) == []
    assert out_of_order(facts) == []
    # Exactly the acknowledged changes, each once: nothing lost, nothing doubled.
    # (The record's own statements, such as each plan's opening entry, are nobody's change.)
    people = [e for e in facts.events if e.kind not in STATEMENT_KINDS]
    assert Counter((e.task_id, e.kind) for e in people) == tally.effects
    for action, audit in [
        ("switch off", "role.switch_off"),
        ("switch on", "role.switch_on"),
        ("profile", "clinic.update_profile"),
    ]:
        assert tally.outcomes[(action, "success")] == audited(facts, audit), action
    signed = audited(facts, "onboarding.signed_off") + audited(facts, "onboarding.needs_practice")
    assert tally.outcomes[("sign", "success")] == signed
    # Every kind of change really happened, so the checks above compared something.
    for action in ("done", "undo", "sign", "switch off", "switch on", "profile"):
        assert tally.outcomes[(action, "success")] > 0, action
