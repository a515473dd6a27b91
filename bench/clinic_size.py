"""One clinic as it grows: the manager's pages at 50, 100, 200 and 400 hires (issue 26).

``make bench`` grows the network around a clinic of about eight hires; this grows the clinic
itself. Each size is one clinic seeded by ``bench.seed`` (its people, roles, records), kept in
a SQLite file of the folder given (or a PostgreSQL database beside ``--database-url``), so the
same data can be measured by two versions of the code side by side:

    .venv/bin/python -m bench.clinic_size --folder /tmp/clinics            # seeds, measures
    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/clinic_size.py --folder /tmp/clinics

Per page: the median of 7 in-process requests (Flask's test client, after 2 warm-ups), the
SQL statements one request runs, and the page's size.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from bench.common import counting_queries, derived_database, make_app, sqlite_url
from bench.pages import signed_in
from bench.seed import PEOPLE_PER_SUPERVISOR, Size, seed
from bench.timing import measure, print_table
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership, Onboarding, OnboardingEvent, OnboardingTask

HIRES = (50, 100, 200, 400)
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
    queries: int
    kilobytes: float


def people_for(hires: int) -> int:
    """The clinic size ``bench.seed`` turns into ``hires`` hires (plus manager, supervisors)."""
    people = hires
    while people - 1 - max(1, people // PEOPLE_PER_SUPERVISOR) < hires:
        people += 1
    return people


def database(args: argparse.Namespace, hires: int) -> tuple[str, bool]:
    """The database of the ``hires`` clinic, and whether it still has to be seeded."""
    if args.database_url:
        return derived_database(args.database_url, f"clinic{hires}"), args.seed
    args.folder.mkdir(parents=True, exist_ok=True)
    path = args.folder / f"clinic{hires}.db"
    return sqlite_url(args.folder, f"clinic{hires}"), args.seed or not path.exists()


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
    client = signed_in(app, manager_email(app))
    figures = []
    for name, path in PAGES:

        def fetch(path: str = path) -> bytes:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
            return response.data

        timing = measure(fetch, warmup=2, repeat=repeat)
        with counting_queries(app) as statements:
            size = len(fetch())
        figures.append(Figure(name, timing.median, len(statements), size / 1024))
    return figures


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
        url, needs_seed = database(args, hires)
        if needs_seed:
            seed(url, Size(clinics=1, staff=people_for(hires)))
        app = make_app(url)
        print(f"{hires}: {describe(app)}", file=sys.stderr)
        for figure in measure_clinic(app, args.repeat):
            rows.append(
                (
                    hires,
                    figure.page,
                    f"{figure.median_ms:.0f}",
                    figure.queries,
                    f"{figure.kilobytes:.0f}",
                )
            )
        with app.app_context():
            db.engine.dispose()
    print_table(
        "One clinic as it grows (in-process, median ms)",
        ("hires", "page", "median ms", "queries", "KB"),
        rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
