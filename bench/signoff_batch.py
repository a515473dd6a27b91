"""A hire's 37 waiting items signed off: one batch against 37 single sign-offs (issue 20).

Both ways run on copies of the same seeded SQLite file, in alternating rounds, with the
production password hash (argon2id at the library's defaults) and the production rate limits
switched on. Per way: the requests a signer makes, the passwords they type (checks counted),
the answers refused by a rate limit, the sign-off events written and the time, browser and
typing left out. Printed, never asserted:

    .venv/bin/python -m bench.signoff_batch [--quick]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from bench.common import PASSWORD, make_app, sqlite_url
from bench.seed import reset_schema
from bench.timing import Timing, print_table, time_once
from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership, Onboarding, OnboardingTask
from clinic_onboard.operations import accounts, progress, roles
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import (
    SIGNOFF_METHODS,
    SIGNOFF_OUTCOMES,
    EventKind,
    TaskStatus,
)
from clinic_onboard.web import throttle

ITEMS = 37  # the front-desk hire of the issue
# The goal for the batch: this many requests at most, one password typed.
REQUEST_GOAL = 3
SIGNATURES = frozenset({EventKind.SIGNED_OFF, EventKind.VERIFIED, EventKind.CONFIRMED})
# The production password hash: the argon2 library's defaults, as the app's own.
PRODUCTION_HASH = PasswordHasher()
SIGNER = "manager@batch.example.ca"
COLUMNS = (
    "way",
    "requests",
    "passwords typed",
    "refused (429)",
    "sign-off events",
    "median ms",
    "CPU ms",
)


@dataclass(frozen=True)
class Way:
    """One way of signing the 37 items, as measured in one round."""

    requests: int
    password_checks: int
    refused: int  # answers 429
    signatures: int  # sign-off events written
    ms: float  # wall clock
    cpu_ms: float  # this process's CPU (client and app): what a shared machine cannot inflate


@dataclass(frozen=True)
class BatchResult:
    batch: list[Way]
    single: list[Way]

    def goal_met(self) -> bool:
        return all(
            w.requests <= REQUEST_GOAL
            and w.password_checks == 1
            and w.refused == 0
            and w.signatures == ITEMS
            for w in self.batch
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds instead of 5")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="clinic-onboard-bench-") as name:
        result = measure_batch(Path(name), rounds=2 if args.quick else 5)
    print_result(result)
    return 0


def measure_batch(folder: Path, rounds: int) -> BatchResult:
    """Seed once, then per round sign the items both ways on fresh copies, in turns."""
    template = folder / "signoff-template.db"
    seed_waiting(sqlite_url(folder, template.stem))
    batch, single = [], []
    for number in range(rounds):
        ways = [("batch", _sign_as_a_batch, batch), ("single", _sign_one_by_one, single)]
        for label, sign, results in ways if number % 2 == 0 else reversed(ways):
            copy = folder / f"{label}-{number}.db"
            shutil.copy(template, copy)
            results.append(_run(sqlite_url(folder, copy.stem), sign))
    return BatchResult(batch, single)


def _app(url: str) -> Flask:
    """Production's password hash and rate limits (the bench's own app turns them down)."""
    return make_app(
        url,
        RATELIMIT_ENABLED=True,
        ARGON2_TIME_COST=PRODUCTION_HASH.time_cost,
        ARGON2_MEMORY_COST=PRODUCTION_HASH.memory_cost,
    )


def seed_waiting(url: str) -> None:
    """A British Columbia clinic whose manager supervises one hire; the hire has done the
    first 37 items of their plan that someone signs (documents recorded, policies signed)."""
    app = _app(url)
    with app.app_context():
        reset_schema()
        details = accounts.ClinicDetails(
            "Coast Rehab Centre", "BC", "rehabilitation_centre", "oscar_pro"
        )
        clinic = accounts.create_clinic(details, confirmed=True)
        manager = accounts.add_member(
            accounts.create_user(SIGNER, "Dana Okafor", PASSWORD), clinic, AppRole.MANAGER
        )
        db.session.flush()
        role = roles.add_role(clinic, manager.user, "clinic_assistant", "Rehab assistant")
        onboarding = start_onboarding(
            clinic,
            manager.user,
            name="Ana Lima",
            email="hire@batch.example.ca",
            role=role,
            start_date=date.today(),
            supervisor=manager.user,
        )
        signed = [t for t in onboarding.tasks if t.signoff != "none"][:ITEMS]
        if len(signed) < ITEMS:
            raise RuntimeError(f"the plan has {len(signed)} items to sign, not {ITEMS}")
        for task in signed:
            _do(onboarding, task, onboarding.membership)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _do(onboarding: Onboarding, task: OnboardingTask, hire: Membership) -> None:
    """The hire does the item with the verb its kind takes."""
    if task.kind == "acknowledgement":
        progress.acknowledge_task(onboarding, task, hire, hire.user.display_name)
    elif task.kind in ("credential", "document_check"):
        details = progress.CredentialDetails("Issuer", "N-1", date.today(), None)
        progress.record_credential(onboarding, task, hire, details, None)
    else:
        progress.complete_task(onboarding, task, hire)


class _Counted:
    """A signed-in test client that counts its requests and the 429s it is answered."""

    def __init__(self, client: FlaskClient) -> None:
        self.client, self.requests, self.refused = client, 0, 0

    def send(self, verb: str, path: str, data: dict[str, Any] | None = None) -> TestResponse:
        response = self.client.open(path, method=verb, data=data)
        self.requests += 1
        self.refused += response.status_code == 429
        if response.status_code not in (200, 302, 429):
            raise RuntimeError(f"{verb} {path} answered {response.status_code}")
        return response


def _run(url: str, sign: Callable[[_Counted, Onboarding], None]) -> Way:
    app = _app(url)
    client = app.test_client()
    client.post("/auth/login", data={"email": SIGNER, "password": PASSWORD})
    counted = _Counted(client)
    with app.app_context():
        onboarding = db.session.scalars(select(Onboarding)).one()
        with _counting_checks() as checks:
            cpu = time.process_time()
            ms = time_once(lambda: sign(counted, onboarding))
            cpu_ms = (time.process_time() - cpu) * 1000
        signatures = sum(e.kind in SIGNATURES for e in record_reads.events_of(onboarding))
        db.session.remove()
        db.engine.dispose()
    return Way(counted.requests, checks["count"], counted.refused, signatures, ms, cpu_ms)


@contextmanager
def _counting_checks() -> Iterator[dict[str, int]]:
    """Count every password check a sign-off makes (each one is the password typed)."""
    counter = {"count": 0}
    real = throttle.verify_password

    def counted(*args: Any) -> bool:
        counter["count"] += 1
        return real(*args)

    with mock.patch.object(throttle, "verify_password", counted):
        yield counter


def _waiting(onboarding: Onboarding) -> list[OnboardingTask]:
    records = record_reads.task_records(onboarding)
    return [t for t in onboarding.tasks if records[t.id].status is TaskStatus.AWAITING_SIGNOFF]


def _sign_as_a_batch(client: _Counted, onboarding: Onboarding) -> None:
    """The hire's items, all selected; one password; the queue again with the summary."""
    query = f"?hire={onboarding.id}"
    client.send("GET", f"/signoffs/{query}&select=all")
    ids = [str(t.id) for t in _waiting(onboarding)]
    fields = {"tasks": ids, "method": "observed", "seen": "original", "password": PASSWORD}
    signed = client.send("POST", f"/signoffs/batch{query}", fields)
    client.send("GET", signed.headers["Location"])


def _sign_one_by_one(client: _Counted, onboarding: Onboarding) -> None:
    """Each item's page, its form sent with the password, the queue it returns to."""
    for task in _waiting(onboarding):
        form = policy.signoff_form(task.kind)
        fields = {
            "method": next(iter(SIGNOFF_METHODS[form]), ""),
            "outcome": next(iter(SIGNOFF_OUTCOMES[form])),
            "password": PASSWORD,
        }
        client.send("GET", f"/signoffs/tasks/{task.id}")
        signed = client.send("POST", f"/signoffs/tasks/{task.id}", fields)
        if signed.status_code == 302:
            client.send("GET", signed.headers["Location"])


def print_result(result: BatchResult) -> None:
    rows = [_row(f"one batch (goal: <= {REQUEST_GOAL} requests, 1 password)", result.batch)]
    rows.append(_row(f"{ITEMS} single sign-offs", result.single))
    ratios = [
        _median(result.single, attribute) / _median(result.batch, attribute)
        for attribute in ("ms", "cpu_ms")
    ]
    rows.append(("single / batch", "", "", "", "", *(f"{r:.1f}x" for r in ratios)))
    print_table(
        f"5. Signing off a hire's {ITEMS} waiting items, {len(result.batch)} rounds each way, "
        f"production argon2id and rate limits (load average {_load()})",
        COLUMNS,
        rows,
    )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _median(ways: list[Way], attribute: str) -> float:
    return Timing(tuple(getattr(w, attribute) for w in ways)).median


def _row(label: str, ways: list[Way]) -> tuple[object, ...]:
    """The counts (the same every round, or the range they took) and the median times."""
    counts = ((w.requests, w.password_checks, w.refused, w.signatures) for w in ways)
    shown = [_span(values) for values in zip(*counts, strict=True)]
    return (label, *shown, _median(ways, "ms"), _median(ways, "cpu_ms"))


def _span(values: tuple[int, ...]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


if __name__ == "__main__":
    sys.exit(main())
