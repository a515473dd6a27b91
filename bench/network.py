"""The nightly commands across a network: ``send-reminders`` and ``verify-signoffs`` at one
clinic of 200 hires, and at 10 and 50 such clinics (issue 26).

Goals: ``send-reminders`` peak memory at 50 clinics at most 1.5 times its peak at one;
``verify-signoffs`` time linear in the events.

One clinic is seeded by ``bench.seed`` on PostgreSQL (database ``<base>_1``); the larger
networks are made from it, not seeded (seeding 50 such clinics through the operations would
take most of an hour): ``<base>_10`` is a ``CREATE DATABASE ... TEMPLATE`` of ``<base>_1`` and
``<base>_50`` of ``<base>_10``, each then given copies of the first clinic's rows, every id
moved by a per-table offset (``INSERT ... SELECT``). An event's MAC covers its onboarding,
actor and hire ids, so the copied events are signed again link by link with the bench's
record key and written with ``COPY``; their heads are anchored. ``verify-signoffs`` must then
call every record genuine and anchored, or the bench stops.

Each command runs as ``clinic-onboard`` does in production, in a process of its own started
by a fresh wrapper, which reports the command's wall time, CPU time and peak RSS
(``getrusage(RUSAGE_CHILDREN)``, which holds the peak of that one child only). Starting the
app (``clinic-onboard routes``) is timed as well: ``verify-signoffs`` above it is what is
compared with the events. Sizes take turns round by round (the machine is shared); the load
average is printed with the figures.

    .venv/bin/python -m bench.network [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/network_bench]
        [--sizes 1 10 50] [--hires 200] [--rounds 2] [--seed]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, create_engine, func, select, text
from sqlalchemy.engine import Connection, make_url

from bench.clinic_size import people_for
from bench.common import SECRET_KEY, make_app
from bench.seed import Size, seed
from bench.timing import print_table
from clinic_onboard.extensions import db, record_keys
from clinic_onboard.models import Onboarding, OnboardingEvent
from clinic_onboard.queries.record import events_in_range
from clinic_onboard.record.anchors import HEAD, ONBOARDING, Anchor
from clinic_onboard.record.chain import GENESIS, event_message, stated_tasks
from clinic_onboard.record.states import STATEMENT_KINDS
from clinic_onboard.services.anchor_log import anchor_records, append_anchors

BASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/network_bench"
# A throwaway key for throwaway data: the seed signs with it and the commands verify with it.
RECORD_KEYS = "bench:QkVOQ0gta2V5LWZvci10aHJvd2F3YXktZGF0YWJhc2VzLTAxMjM0NTY3ODk="
FREE_GB_NEEDED = 8  # the 50-clinic database takes 1.5 GB; its 10 and 1 clinic more
EVENTS = "onboarding_events"
# getrusage(RUSAGE_CHILDREN) in a process that has run one child only: that child's peak.
WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:], stdout=open(sys.argv[1], "w"))
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


@dataclass(frozen=True)
class Run:
    """One command run: exit code, wall and CPU seconds (the command's, not its database
    server's), peak RSS in MB, and what it printed."""

    code: int
    seconds: float
    cpu: float
    peak_mb: float
    output: str


# Databases -------------------------------------------------------------------------------------


def database_url(base: str, clinics: int) -> str:
    return (
        make_url(base)
        .set(database=f"{make_url(base).database}_{clinics}")
        .render_as_string(hide_password=False)
    )


def admin_engine(base: str) -> Any:
    return create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")


def database_exists(base: str, clinics: int) -> bool:
    name = make_url(database_url(base, clinics)).database
    engine = admin_engine(base)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
    engine.dispose()
    return bool(found)


def create_database(base: str, clinics: int, template: int | None) -> None:
    """``<base>_<clinics>``, dropped first; a copy of ``<base>_<template>`` when given."""
    name = make_url(database_url(base, clinics)).database
    engine = admin_engine(base)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        source = make_url(database_url(base, template)).database if template else None
        copy = f' TEMPLATE "{source}"' if source else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    engine.dispose()


def anchor_log(folder: Path, clinics: int) -> Path:
    return folder / f"anchors_{clinics}.log"


def check_disk(folder: Path) -> None:
    """Refuse to start without room for the largest network (its database and anchor log)."""
    free = shutil.disk_usage("/").free / 1e9
    print(f"free disk on /: {free:.1f} GB", file=sys.stderr)
    if free < FREE_GB_NEEDED:
        raise SystemExit(f"need {FREE_GB_NEEDED} GB free on / for the 50-clinic network")
    folder.mkdir(parents=True, exist_ok=True)


# Making the network ------------------------------------------------------------------------------


def seed_one(base: str, hires: int, folder: Path) -> None:
    """The first clinic, through ``bench.seed``, every record anchored."""
    create_database(base, 1, None)
    anchor_log(folder, 1).unlink(missing_ok=True)
    os.environ["RECORD_ANCHOR_LOG"] = str(anchor_log(folder, 1))
    report = seed(database_url(base, 1), Size(1, people_for(hires)))
    print(f"seeded 1 clinic in {report.seconds:.0f} s: {report.counts}", file=sys.stderr)
    app = make_app(database_url(base, 1))
    with app.app_context():
        anchor_records()  # the seed's bulk-inserted events were written past the ORM's anchoring
        db.session.remove()  # give its connection back first, so dispose() closes it
        db.engine.dispose()


def spans(base: str) -> dict[str, int]:
    """Each table's largest id in the one-clinic database: copy ``k`` of the clinic moves
    every id (and every reference to it) by ``k`` times its table's span."""
    engine = create_engine(database_url(base, 1))
    with engine.connect() as connection:
        found = {
            table.name: connection.execute(select(func.max(table.c.id))).scalar() or 0
            for table in db.metadata.sorted_tables
            if "id" in table.c
        }
    engine.dispose()
    return found


def grow(base: str, folder: Path, clinics: int, template: int, span: dict[str, int]) -> None:
    """``<base>_<clinics>``: the ``template`` network and copies ``template``..``clinics - 1``
    of the first clinic, signed again and anchored."""
    started = time.perf_counter()
    create_database(base, clinics, template)
    shutil.copyfile(anchor_log(folder, template), anchor_log(folder, clinics))
    os.environ["RECORD_ANCHOR_LOG"] = str(anchor_log(folder, clinics))
    app = make_app(database_url(base, clinics))
    with app.app_context():
        origin = _origin_events(span)
        with db.engine.begin() as connection:
            # Foreign keys are whole after every copy; checking them row by row is what would
            # take the time (the tables refer to each other in a cycle: tasks <-> events).
            connection.exec_driver_sql("SET session_replication_role = replica")
            for copy in range(template, clinics):
                for table in db.metadata.sorted_tables:
                    if table.name != EVENTS:
                        connection.execute(text(_copy_rows(table, copy, span)))
                heads = _copy_events(connection, origin, copy, span)
                append_anchors(heads)
                print(f"network {clinics}: clinic {copy + 1}/{clinics} copied", file=sys.stderr)
            _move_sequences(connection)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()
    print(f"network {clinics} made in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _copy_rows(table: Table, copy: int, span: dict[str, int]) -> str:
    """INSERT ... SELECT of the first clinic's rows of ``table`` with every id moved."""
    values = [_moved(column, copy, span) for column in table.c]
    names = ", ".join(f'"{c.name}"' for c in table.c)
    key = next(iter(table.primary_key.columns))
    where = f'"{key.name}" <= {_span_of(key, span)}'
    return (
        f'INSERT INTO "{table.name}" ({names}) '
        f'SELECT {", ".join(values)} FROM "{table.name}" WHERE {where}'
    )


def _span_of(column: Column, span: dict[str, int]) -> int:
    if column.foreign_keys:
        return span[next(iter(column.foreign_keys)).column.table.name]
    return span[column.table.name]


def _moved(column: Column, copy: int, span: dict[str, int]) -> str:
    name = f'"{column.name}"'
    if column.primary_key or column.foreign_keys:
        return f"{name} + {copy * _span_of(column, span)}"
    if (column.table.name, column.name) == ("users", "email"):
        return f"replace({name}, '.c0@', '.c{copy}@')"  # unique; the seed writes '<who>.c0@'
    if (column.table.name, column.name) == ("clinics", "name"):
        return f"regexp_replace({name}, ' 0$', ' {copy}')"
    return name


@dataclass(frozen=True)
class _Origin:
    """The first clinic's events (facts and item ids) by onboarding, and each one's hire."""

    events: dict[int, list[tuple[OnboardingEvent, str | None]]]
    hires: dict[int, int]


def _origin_events(span: dict[str, int]) -> _Origin:
    last = span["onboardings"]
    hires = dict(
        db.session.execute(
            select(Onboarding.id, Onboarding.membership_id).where(Onboarding.id <= last)
        ).all()
    )
    events: dict[int, list[tuple[OnboardingEvent, str | None]]] = {i: [] for i in hires}
    for event, item_id in db.session.execute(events_in_range(1, last)):
        events[event.onboarding_id].append((event, item_id))
    return _Origin(events, hires)


def _copy_events(
    connection: Connection, origin: _Origin, copy: int, span: dict[str, int]
) -> list[Anchor]:
    """Copy ``copy`` of the first clinic's events, each chain signed again link by link as
    ``operations.record.seal`` signs (new ids change what the MACs cover); their heads."""
    ring = record_keys()
    move = {name: copy * span[name] for name in span}
    columns = [c.name for c in OnboardingEvent.__table__.c]
    heads = []
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {EVENTS} ({', '.join(columns)}) FROM STDIN") as writer:
        for onboarding_id, chain in origin.events.items():
            hire = origin.hires[onboarding_id] + move["memberships"]
            prev, digests, row = GENESIS, {}, None
            for event, item_id in chain:
                payload = event.payload
                if event.kind in STATEMENT_KINDS and isinstance(payload.get("hire"), int):
                    payload = {**payload, "hire": hire}
                facts = replace(
                    event.facts(item_id),
                    onboarding_id=onboarding_id + move["onboardings"],
                    actor_id=None if event.actor_id is None else event.actor_id + move["users"],
                    payload=payload,
                    prev_hash=prev,
                )
                digest = digests.get(item_id) if item_id else None
                key_id, mac = ring.sign(event_message(facts, hire, digest))
                digests.update(stated_tasks(facts))
                row = _event_row(event, facts, move, key_id, mac)
                writer.write_row([row[name] for name in columns])
                prev = mac
            if row is not None:
                heads.append(
                    Anchor(
                        row["onboarding_id"],
                        row["clinic_id"],
                        row["seq"],
                        prev,
                        datetime.now(UTC),
                        HEAD,
                        ONBOARDING,
                    )
                )
    return heads


def _event_row(
    event: OnboardingEvent, facts: Any, move: dict[str, int], key_id: str, mac: str
) -> dict[str, Any]:
    return {
        "id": event.id + move[EVENTS],
        "clinic_id": event.clinic_id + move["clinics"],
        "onboarding_id": facts.onboarding_id,
        "task_id": None if event.task_id is None else event.task_id + move["onboarding_tasks"],
        "seq": event.seq,
        "kind": event.kind,
        "actor_id": facts.actor_id,
        "actor_name": event.actor_name,
        "actor_role": event.actor_role,
        "payload": json.dumps(facts.payload),
        "created_at": event.created_at,
        "prev_hash": facts.prev_hash,
        "hash": mac,
        "key_id": key_id,
    }


def _move_sequences(connection: Connection) -> None:
    """Each id sequence past its table's largest id, so the app's next insert finds it free."""
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
            )


# Measuring ---------------------------------------------------------------------------------------


def command_env(base: str, folder: Path, clinics: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(base, clinics),
        "SECRET_KEY": SECRET_KEY,
        "RECORD_KEYS": RECORD_KEYS,
        "RECORD_ANCHOR_LOG": str(anchor_log(folder, clinics)),
        "CLINIC_ONBOARD_ENV": "development",
    }


def run_command(args: list[str], env: dict[str, str], folder: Path) -> Run:
    """``clinic-onboard <args>`` under a fresh wrapper: its time, peak RSS and stderr."""
    command = str(Path(sys.executable).parent / "clinic-onboard")
    stdout = folder / "stdout.txt"
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(stdout), command, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    code, seconds, cpu, peak_kb = done.stdout.split()
    output = stdout.read_text() + done.stderr
    return Run(int(code), float(seconds), float(cpu), int(peak_kb) / 1024, output)


def counts(base: str, clinics: int) -> tuple[int, int, int]:
    """Onboardings, events and people of a network."""
    engine = create_engine(database_url(base, clinics))
    with engine.connect() as connection:
        found = tuple(
            connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("onboardings", EVENTS, "users")
        )
    engine.dispose()
    return found  # type: ignore[return-value]


def _checked_verify(run: Run, onboardings: int) -> None:
    """Every record, the copies included, verifies and is anchored: else the figures lie."""
    expected = f"All {onboardings} onboarding records verify."
    if run.code != 0 or expected not in run.output or "not anchored yet" in run.output:
        raise SystemExit(f"verify-signoffs did not verify the network:\n{run.output[-3000:]}")


COMMANDS = {
    # What starting the app costs (imports, the library): the part of each run that no
    # network size changes, measured so the verify figure above it can be compared with events.
    "start": ["routes"],
    "reminders": ["send-reminders", "--dry-run"],
    "verify": ["verify-signoffs"],
}


def measure(args: argparse.Namespace) -> None:
    day = (args.today or date.today()).isoformat()
    sizes = sorted(args.sizes)
    facts = {n: counts(args.database_url, n) for n in sizes}
    runs: dict[tuple[str, int], list[Run]] = {}
    loads = [_load()]
    for round_number in range(args.rounds):
        for clinics in sizes:
            env = command_env(args.database_url, args.folder, clinics)
            for name, command in COMMANDS.items():
                extra = ["--today", day] if name == "reminders" else []
                run = run_command([*command, *extra], env, args.folder)
                if name == "verify":
                    _checked_verify(run, facts[clinics][0])
                elif run.code != 0:
                    raise SystemExit(f"{command[0]} failed:\n{run.output[-3000:]}")
                runs.setdefault((name, clinics), []).append(run)
                print(
                    f"round {round_number + 1}, {clinics} clinics, {command[0]}: "
                    f"{run.seconds:.1f} s, CPU {run.cpu:.1f} s, {run.peak_mb:.0f} MB; "
                    f"load {_load()}",
                    file=sys.stderr,
                )
        loads.append(_load())
    _print(runs, facts, sizes, loads)


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _print(
    runs: dict[tuple[str, int], list[Run]],
    facts: dict[int, tuple[int, int, int]],
    sizes: list[int],
    loads: list[str],
) -> None:
    def median(name: str, clinics: int, field: str) -> float:
        return statistics.median(getattr(r, field) for r in runs[(name, clinics)])

    first = sizes[0]
    rounds = len(runs[("verify", first)])
    reminders, verify = [], []
    for clinics in sizes:
        onboardings, events, people = facts[clinics]
        peak = median("reminders", clinics, "peak_mb")
        reminders.append(
            (
                clinics,
                f"{people:,}",
                f"{median('reminders', clinics, 'seconds'):.1f}",
                f"{median('reminders', clinics, 'cpu'):.1f}",
                f"{peak:.0f}",
                f"{peak / median('reminders', first, 'peak_mb'):.2f}",
            )
        )
        start = median("start", clinics, "seconds")
        above = median("verify", clinics, "seconds") - start
        above_first = median("verify", first, "seconds") - median("start", first, "seconds")
        cpu = median("verify", clinics, "cpu") - median("start", clinics, "cpu")
        cpu_first = median("verify", first, "cpu") - median("start", first, "cpu")
        verify.append(
            (
                clinics,
                f"{onboardings:,}",
                f"{events:,}",
                f"{events / facts[first][1]:.1f}",
                f"{median('verify', clinics, 'seconds'):.1f}",
                f"{start:.1f}",
                f"{above:.1f}",
                f"{above / above_first:.1f}",
                f"{cpu:.1f}",
                f"{cpu / cpu_first:.1f}",
                f"{events / above:,.0f}",
            )
        )
    heading = f"median of {rounds}; load average {' -> '.join(loads)}"
    print_table(
        f"send-reminders --dry-run ({heading})",
        ("clinics", "people", "wall s", "CPU s", "peak MB", "peak : 1 clinic"),
        reminders,
    )
    print_table(
        f"verify-signoffs ({heading}; start = clinic-onboard routes)",
        (
            "clinics",
            "records",
            "events",
            "events : 1",
            "wall s",
            "start s",
            "above start s",
            "above : 1",
            "CPU above start s",
            "CPU : 1",
            "events/s",
        ),
        verify,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=BASE_URL, help="PostgreSQL base URL")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--hires", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/network-bench"))
    parser.add_argument("--seed", action="store_true", help="seed and copy again even if present")
    parser.add_argument("--today", type=date.fromisoformat, help="the day to remind for")
    args = parser.parse_args(argv)
    if not make_url(args.database_url).database.startswith("network_bench"):
        parser.error("the database name must start with network_bench (it is emptied)")
    if 1 not in args.sizes:
        parser.error("the sizes must include 1, the clinic the others are made of")
    os.environ["RECORD_KEYS"] = RECORD_KEYS
    check_disk(args.folder)
    for clinics, template in _networks(sorted(args.sizes)):
        if args.seed or not database_exists(args.database_url, clinics):
            if template is None:
                seed_one(args.database_url, args.hires, args.folder)
            else:
                grow(args.database_url, args.folder, clinics, template, spans(args.database_url))
    measure(args)
    return 0


def _networks(sizes: list[int]) -> Iterator[tuple[int, int | None]]:
    """Each size with the smaller network it is copied from (None: seeded)."""
    previous = None
    for clinics in sizes:
        yield clinics, previous
        previous = clinics


if __name__ == "__main__":
    raise SystemExit(main())
