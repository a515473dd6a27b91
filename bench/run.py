"""Every benchmark figure in one run: pages at two network sizes, throughput under gunicorn,
PDF against WeasyPrint, the planner, and a batch sign-off against single ones. Figures are
printed, never asserted.

    python -m bench.run [--quick] [--pdf-only | --throughput-only [--seeded]]
                        [--database-url URL] [--keep]

By default the data goes to SQLite files in a temporary folder (removed afterwards unless
``--keep``). With ``--database-url`` (your own PostgreSQL database; never a shared one) the
networks go to databases named after it with ``_small``, ``_large`` and ``_record`` added.
"""

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from bench import pages, pdf, planner, signoff_batch, throughput
from bench.common import PASSWORD, derived_database, make_app, sqlite_url
from bench.seed import Size, describe, seed
from bench.timing import measure, print_table, verdict
from clinic_onboard.services import library


@dataclass(frozen=True)
class Settings:
    small: Size
    large: Size
    warmup: int
    repeat: int
    seconds: float
    pdf_repeat: int
    weasyprint_runs: int
    cold_runs: int
    batch_rounds: int


FULL = Settings(Size(20, 200), Size(200, 2000), 3, 30, 16, 10, 2, 3, 5)
QUICK = Settings(Size(3, 30), Size(12, 120), 2, 8, 4, 3, 1, 2, 2)


# One line of the closing summary: the goal, the figure measured, and whether it holds.
Goal = tuple[str, str, bool]


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    settings = QUICK if args.quick else FULL
    with _folder(args.keep) as folder:
        database = _databases(folder, args.database_url)
        machine(args.database_url)
        goals: list[Goal] = []
        if args.throughput_only:
            network = _large_network(settings, database, args.seeded)
            goals += throughput_section(settings, *network)
        elif not args.pdf_only:
            large_url, hire, goals = pages_section(settings, database)
            goals += throughput_section(settings, large_url, hire)
        if not args.throughput_only:
            goals += pdf_section(settings, folder, database)
        if not (args.pdf_only or args.throughput_only):
            planner_section(settings)
            goals += batch_section(settings, folder)
    print_table(
        f"Goals (load average at the end {_load()})",
        ["goal", "measured", "verdict"],
        [(name, figure, verdict(ok)) for name, figure, ok in goals],
    )
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--database-url", help="PostgreSQL base URL (default: SQLite files)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files afterwards")
    parser.add_argument(
        "--pdf-only",
        action="store_true",
        help="only the record PDF against WeasyPrint (a change to the PDFs needs no network)",
    )
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="only the large network under gunicorn (a change to the plan page's cost)",
    )
    parser.add_argument(
        "--seeded",
        action="store_true",
        help="with --throughput-only and --database-url: the large network an earlier run "
        "seeded there, measured as it is (PostgreSQL takes minutes to seed)",
    )
    return parser.parse_args(argv)


@contextmanager
def _folder(keep: bool) -> Iterator[Path]:
    if keep:
        folder = Path(tempfile.mkdtemp(prefix="clinic-onboard-bench-"))
        print(f"Data kept in {folder}")
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="clinic-onboard-bench-") as name:
        yield Path(name)


def _databases(folder: Path, base_url: str | None) -> Callable[[str], str]:
    """The URL for a named dataset: a SQLite file, or a database beside ``base_url``'s."""
    if base_url:
        return lambda name: derived_database(base_url, name)
    return lambda name: sqlite_url(folder, name)


def machine(base_url: str | None) -> None:
    """Where the figures come from; the load average says how busy the machine was."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    print("Machine")
    print(f"  CPU: {model}, {os.cpu_count()} cores; load average {_load()}")
    print(f"  Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print(f"  Database: {_server(base_url) if base_url else 'SQLite files (WAL)'}")


def _server(base_url: str) -> str:
    engine = create_engine(base_url)
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar_one()
    engine.dispose()
    return f"PostgreSQL {version}"


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def planner_section(settings: Settings) -> None:
    result = planner.measure_planner(settings.repeat // 3 or 3, settings.cold_runs)
    low, high, median = result.items
    print_table(
        f"4. Planner: {result.combinations} plans (13 jurisdictions x 6 settings x 4 roles), "
        f"{low}-{high} items, median {median:g}",
        ["figure", "value"],
        [
            ("plans per second", f"{result.plans_per_second:,.0f}"),
            ("one sweep, median ms", result.sweep.median),
            ("one sweep, p95 ms", result.sweep.p95),
            ("library load at start, cold, ms", result.cold_load_ms),
            ("importing the catalog package, cold, ms", result.import_ms),
            ("library load again, warm, median ms", result.warm_load.median),
        ],
    )


def pages_section(
    settings: Settings, database: Callable[[str], str]
) -> tuple[str, str, list[Goal]]:
    """Seed both networks, then measure; the large URL, the subject hire's email, the goals."""
    urls = (database("small"), database("large"))
    print(f"\nSeeding (load average {_load()})")
    for url, size in zip(urls, (settings.small, settings.large), strict=True):
        print(f"  {describe(seed(url, size))}", flush=True)
    apps = (make_app(urls[0]), make_app(urls[1]))
    subject = pages.find_subject(apps[0], settings.small.clinics // 2)
    if pages.find_subject(apps[1], settings.small.clinics // 2) != subject:
        raise RuntimeError("the subject clinic differs between the two networks")
    with _counting_library_loads() as loads:
        results = pages.measure_pages(apps, subject, settings.warmup, settings.repeat)
        results.append(pages.measure_signoffs(apps, subject, settings.warmup, settings.repeat))
    _print_pages(settings, results)
    print(f"  Content library loads while serving these requests: {loads['count']}")
    print(
        f"  argon2id check of a password at the production settings: {_argon2_ms():.0f} ms, to "
        "add to the sign-off POST (the seeded accounts use the tests' cheap settings)"
    )
    return urls[1], subject.emails["hire"], _page_goals(results)


def _large_network(
    settings: Settings, database: Callable[[str], str], seeded: bool
) -> tuple[str, str]:
    """Seed the large network alone (unless ``seeded``); its URL and the subject's email."""
    url = database("large")
    if not seeded:
        print(f"\nSeeding (load average {_load()})")
        print(f"  {describe(seed(url, settings.large))}", flush=True)
    subject = pages.find_subject(make_app(url), settings.small.clinics // 2)
    return url, subject.emails["hire"]


def _page_goals(results: list[pages.PageResult]) -> list[Goal]:
    chosen, limit = [r for r in results if r.page.goal], pages.RATIO_GOAL
    goals: list[Goal] = [
        (f"{r.page.name}: large/small <= {pages.RATIO_GOAL}", f"{r.ratio:.2f}", r.ratio <= limit)
        for r in chosen
    ]
    same = all(r.queries[0] == r.queries[1] for r in results)
    counts = ", ".join(str(r.queries[0]) for r in chosen)
    goals.append(("SQL queries per page identical at both sizes", counts, same))
    return goals


def _argon2_ms() -> float:
    """What re-entering a password costs with the library's defaults, the app's production."""
    hasher = PasswordHasher()
    stored = hasher.hash(PASSWORD)
    return measure(lambda: hasher.verify(stored, PASSWORD), 1, 3).median


@contextmanager
def _counting_library_loads() -> Iterator[dict[str, int]]:
    """Count every load of the content library (a load per request would be a regression)."""
    counter = {"count": 0}
    real = library.load_catalog

    def counted(*args: Any, **kwargs: Any) -> Any:
        counter["count"] += 1
        return real(*args, **kwargs)

    with mock.patch.object(library, "load_catalog", counted):
        yield counter


def _print_pages(settings: Settings, results: list[pages.PageResult]) -> None:
    rows = []
    for result in results:
        same = result.queries[0] == result.queries[1]
        goal = result.ratio <= pages.RATIO_GOAL and same
        rows.append(
            (
                ("* " if result.page.goal else "  ") + result.page.name,
                result.small.median,
                result.small.p95,
                result.large.median,
                result.large.p95,
                f"{result.ratio:.2f}",
                f"{result.queries[0]} / {result.queries[1]}",
                verdict(goal) if result.page.goal else ("" if same else "queries differ"),
            )
        )
    print_table(
        f"1. Pages, ms, {settings.repeat} requests each after {settings.warmup} warm-up; "
        f"small = {settings.small}, large = {settings.large}; "
        f"* goal: ratio <= {pages.RATIO_GOAL} and the same queries",
        ["page", "small med", "p95", "large med", "p95", "large/small", "SQL", "goal"],
        rows,
    )


def throughput_section(settings: Settings, database_url: str, hire_email: str) -> list[Goal]:
    """The plan page against /healthz with its cache in each place, one gunicorn each."""
    print(f"\nThroughput (load average {_load()})", flush=True)
    try:
        results = {
            where: throughput.measure_throughput(database_url, hire_email, settings.seconds, where)
            for where in throughput.PLAN_CACHES
        }
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        print(f"  skipped: {error}")
        return []
    shared = results["shared"]
    rows: list[tuple[object, ...]] = []
    for where, result in results.items():
        rows += [_rate_row(r, f", cache {where}") for r in (result.plan, result.trivial)]
        rows.append(_ratio_row(where, result))
    rows.append(_rate_row(shared.sign_in, ""))
    print_table(
        f"2. Throughput under gunicorn (2 workers), large network, {shared.client}, "
        f"{throughput.CONNECTIONS} connections, {len(shared.ratios)} rounds of "
        f"{throughput.ROUND} s per route; the ratio /my/ : /healthz of each round; "
        f"goal: median >= {throughput.RATIO_GOAL} with the cache shared (production)",
        ["route", "requests/s", "per CPU s", "errors", "ratio min", "median", "max", "load avg"],
        rows,
    )
    goals = []
    for where in ("shared", "process"):
        result = results[where]
        ok = result.ratio >= throughput.RATIO_GOAL
        name = f"plan page (cache {where}) / trivial route >= {throughput.RATIO_GOAL}, median"
        goals.append((name, f"{result.ratio:.3f} (min {result.min_ratio:.3f})", ok))
    return goals


def _rate_row(rate: throughput.Rate, label: str) -> tuple[object, ...]:
    return (rate.route + label, rate.per_second, rate.per_cpu_second, rate.errors, *[""] * 4)


def _ratio_row(where: str, result: throughput.Throughput) -> tuple[object, ...]:
    """Per round, by the clock; and by the workers' CPU (columns "per CPU s")."""
    ratios = [f"{r:.3f}" for r in (result.min_ratio, result.ratio, max(result.ratios))]
    label, by_cpu = f"  /my/ : /healthz, cache {where}", f"{result.cpu_ratio:.3f}"
    return (label, "", by_cpu, "", *ratios, " to ".join(result.load))


def pdf_section(settings: Settings, folder: Path, database: Callable[[str], str]) -> list[Goal]:
    print(f"\nPDF (load average {_load()})", flush=True)
    result = pdf.measure_pdf(
        folder, database("record"), settings.pdf_repeat, settings.weasyprint_runs
    )
    rows: list[tuple[object, ...]] = [_rendering_row(result.ours)]
    goals: list[Goal] = []
    if result.theirs is not None:
        speed = result.theirs.median_ms / result.ours.median_ms
        rows.append(_rendering_row(result.theirs))
        rows.append(("WeasyPrint / reportlab time", f"{speed:.1f}x", "", "", "", "", ""))
        name = f"record PDF at least {pdf.SPEED_GOAL:g}x faster than WeasyPrint"
        goals.append((name, f"{speed:.0f}x", speed >= pdf.SPEED_GOAL))
    print_table(
        f"3. PDF: completed record of a {result.items}-item plan (one process per renderer)",
        ["renderer", "median ms", "p95 ms", "peak MB", "above start MB", "pages", "KB"],
        rows,
    )
    if result.unavailable:
        print(f"  {pdf.INSTALL_HINT}.\n  ({result.unavailable})")
    print(
        "  Whole download in-process (POST record.pdf, database reads and issuing included): "
        f"median {result.download.median:.1f} ms; "
        f"the record page's HTML: {result.page.median:.1f} ms"
    )
    return goals


def _rendering_row(rendering: pdf.Rendering) -> tuple[object, ...]:
    return (
        rendering.name,
        rendering.median_ms,
        rendering.p95_ms,
        rendering.peak_kb / 1024,
        (rendering.peak_kb - rendering.before_kb) / 1024,
        rendering.pages,
        rendering.size // 1024,
    )


def batch_section(settings: Settings, folder: Path) -> list[Goal]:
    """37 items as one batch and one by one (SQLite copies of one seed, whatever the URL)."""
    print(f"\nBatch sign-off (load average {_load()})", flush=True)
    result = signoff_batch.measure_batch(folder, settings.batch_rounds)
    signoff_batch.print_result(result)
    way = result.batch[0]
    figure = f"{way.requests} requests, {way.password_checks} password, {way.refused} refused"
    name = f"{signoff_batch.ITEMS} items signed in <= {signoff_batch.REQUEST_GOAL} requests"
    return [(f"{name}, one password, no rate limit", figure, result.goal_met())]


if __name__ == "__main__":
    sys.exit(main())
