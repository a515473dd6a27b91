"""One clinic as it grows: the manager's pages at 50, 100, 200 and 400 hires (issue 26).

``make bench`` grows the network around a clinic of about eight hires; this grows the clinic
itself. Each size is one clinic seeded by ``bench.seed`` (its people, roles, records), kept in
a SQLite file of the folder given (or a PostgreSQL database beside ``--database-url``), so the
same data can be measured by two versions of the code side by side:

    .venv/bin/python -m bench.clinic_size --folder /tmp/clinics            # seeds, measures
    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/clinic_size.py --folder /tmp/clinics

Per page: the median of 7 in-process requests (Flask's test client, after 2 warm-ups), the
median CPU time they took (this process's, plus its PostgreSQL server processes' read from
``/proc``: on a shared machine wall time follows the other work, CPU time much less), the
SQL statements one request runs, and the page's size. Beside them, the record PDF of one hire
whose plan has 300 items (``bench.seed.seed_record``, in a database of its own).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, func, select

from bench.common import counting_queries, derived_database, make_app, sqlite_url
from bench.pages import signed_in
from bench.seed import PEOPLE_PER_SUPERVISOR, Size, seed, seed_record
from bench.timing import measure, print_table
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership, Onboarding, OnboardingEvent, OnboardingTask

HIRES = (50, 100, 200, 400)
RECORD_ITEMS = 300  # the "record PDF at 300 items"
PAGES = (
    ("Dashboard", "/dashboard/"),
    ("Staff list", "/staff/"),
    ("Manager's sign-off queue", "/signoffs/"),
    ("Compliance summary PDF", "/exports/summary.pdf"),
)


@dataclass(frozen=True)
class Figure:
    page: str
    median_ms: float
    cpu_ms: float | None  # None on SQLite: its work is in this process's time already
    queries: int
    kilobytes: float


class CpuClock:
    """CPU seconds of this process and of the PostgreSQL server processes serving its
    connections (each noted as it connects; parallel query workers are not counted)."""

    def __init__(self, app: Flask) -> None:
        self.backends: set[int] = set()
        with app.app_context():
            self.postgres = db.engine.dialect.name == "postgresql"
            if self.postgres:
                db.engine.dispose()  # connections made before now are not noted
                event.listen(db.engine, "connect", self._note)

    def _note(self, connection: Any, record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        self.backends.add(cursor.fetchone()[0])
        cursor.close()

    def __call__(self) -> float:
        return time.process_time() + sum(_cpu_seconds(pid) for pid in self.backends)


def _cpu_seconds(pid: int) -> float:
    """User and system time of a process on this machine (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def people_for(hires: int) -> int:
    """The clinic size ``bench.seed`` turns into ``hires`` hires (plus manager, supervisors)."""
    people = hires
    while people - 1 - max(1, people // PEOPLE_PER_SUPERVISOR) < hires:
        people += 1
    return people


def database(args: argparse.Namespace, name: str) -> tuple[str, bool]:
    """The database ``name`` (``clinic400``), and whether it still has to be seeded."""
    if args.database_url:
        return derived_database(args.database_url, name), args.seed
    args.folder.mkdir(parents=True, exist_ok=True)
    path = args.folder / f"{name}.db"
    return sqlite_url(args.folder, name), args.seed or not path.exists()


def describe(app: Flask) -> str:
    with app.app_context():
        hires = db.session.scalar(select(func.count()).select_from(Onboarding))
        tasks = db.session.scalar(select(func.count()).select_from(OnboardingTask))
        events = db.session.scalar(select(func.count()).select_from(OnboardingEvent))
    return f"{hires} hires, {tasks:,} tasks, {events:,} events"


def manager_email(app: Flask) -> str:
    with app.app_context():
        manager = db.session.scalars(
            select(Membership).where(Membership.role == AppRole.MANAGER).order_by(Membership.id)
        ).first()
        return manager.user.email


def measure_clinic(app: Flask, repeat: int) -> list[Figure]:
    clock = CpuClock(app)
    client = signed_in(app, manager_email(app))
    return [_figure(app, clock, name, _fetch(client.get, path), repeat) for name, path in PAGES]


def measure_record(app: Flask, repeat: int) -> Figure:
    """The record PDF of the database's one hire, downloaded by the clinic's manager."""
    clock = CpuClock(app)
    client = signed_in(app, manager_email(app))
    with app.app_context():
        onboarding_id = db.session.scalar(select(Onboarding.id))
    path = f"/exports/onboardings/{onboarding_id}/record.pdf"
    name = f"Record PDF ({RECORD_ITEMS} items)"
    return _figure(app, clock, name, _fetch(client.post, path), repeat)


def _fetch(send: Callable[[str], Any], path: str) -> Callable[[], bytes]:
    def fetch() -> bytes:
        response = send(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return response.data

    return fetch


def _figure(
    app: Flask, clock: CpuClock, name: str, fetch: Callable[[], bytes], repeat: int
) -> Figure:
    spent: list[float] = []
    timing = measure(_cpu_timed(fetch, clock, spent), warmup=2, repeat=repeat)
    cpu = statistics.median(spent[2:]) * 1000 if clock.postgres else None
    with counting_queries(app) as statements:
        size = len(fetch())
    return Figure(name, timing.median, cpu, len(statements), size / 1024)


def _cpu_timed(
    fetch: Callable[[], bytes], clock: CpuClock, spent: list[float]
) -> Callable[[], bytes]:
    """``fetch``, noting the CPU seconds of each call in ``spent``."""

    def timed() -> bytes:
        start = clock()
        page = fetch()
        spent.append(clock() - start)
        return page

    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hires", type=int, nargs="+", default=list(HIRES))
    parser.add_argument("--folder", type=Path, default=Path("/tmp/clinic-size"))
    parser.add_argument("--database-url", help="PostgreSQL base URL (default: SQLite files)")
    parser.add_argument("--seed", action="store_true", help="seed again even if present")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    rows = []
    for hires in args.hires:
        url, needs_seed = database(args, f"clinic{hires}")
        if needs_seed:
            seed(url, Size(clinics=1, staff=people_for(hires)))
        app = make_app(url)
        print(f"{hires}: {describe(app)}", file=sys.stderr)
        rows += [_row(hires, figure) for figure in measure_clinic(app, args.repeat)]
        with app.app_context():
            db.engine.dispose()
    url, needs_seed = database(args, f"record{RECORD_ITEMS}")
    if needs_seed:
        seed_record(url, RECORD_ITEMS)
    app = make_app(url)
    rows.append(_row(1, measure_record(app, args.repeat)))
    with app.app_context():
        db.engine.dispose()
    print_table(
        "One clinic as it grows (in-process, median ms)",
        ("hires", "page", "median ms", "CPU ms", "queries", "KB"),
        rows,
    )
    return 0


def _row(hires: int, figure: Figure) -> tuple[object, ...]:
    cpu = "" if figure.cpu_ms is None else f"{figure.cpu_ms:.0f}"
    return (
        hires,
        figure.page,
        f"{figure.median_ms:.0f}",
        cpu,
        figure.queries,
        f"{figure.kilobytes:.0f}",
    )


if __name__ == "__main__":
    raise SystemExit(main())
