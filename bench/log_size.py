"""One clinic's fridge logs as they grow: the month page and the month PDF at one and three
years of twice-daily readings for five refrigerators (issue 21).

Each size is one clinic in a SQLite file of the folder given, seeded once (``--seed`` seeds
again): five vaccine refrigerators, an opening and a closing reading on every open day from
``years`` back to today, about one in forty out of range with its incident closed by the
manager. Readings are chained and signed as ``operations.daily_logs`` does, but written in one
bulk insert per refrigerator (the verb reads the chain's last entry before each reading);
every chain is verified before the seed ends.

    .venv/bin/python -m bench.log_size [--years 1 3] [--folder /tmp/log-size] [--repeat 15]

The month measured is last month, whose readings are the same at every size (each reading is
drawn from its unit and day alone): only the history around it grows. Per page: the median of
``--repeat`` in-process requests after 2 warm-ups, the two sizes taking turns request by request
(the machine is shared), the SQL statements of one request, and its size.
"""

import argparse
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select

from bench.common import PASSWORD, counting_queries, make_app, sqlite_url
from bench.pages import signed_in
from bench.seed import reset_schema
from bench.timing import Timing, measure, print_table, time_once
from clinic_onboard.extensions import db, record_keys
from clinic_onboard.models import AppRole, Clinic, LogEntry, LogIncident, LogUnit, Membership
from clinic_onboard.operations import accounts, daily_logs
from clinic_onboard.queries.daily import verify_logs
from clinic_onboard.record.chain import GENESIS
from clinic_onboard.record.log_chain import EntryFacts, entry_message
from clinic_onboard.services.library import catalog

FRIDGE = "ipac.log.vaccine_fridge"
FRIDGES = 5
YEARS = (1, 3)
OUT_OF_RANGE_EVERY = 40  # about one reading in forty is too warm
# When each session's reading is taken, in the clinic's time (UTC here: close enough for a bench).
SESSION_HOURS = {"opening": 8, "closing": 17}
MANAGER_EMAIL = "manager@harbour.example.ca"


@dataclass(frozen=True)
class Page:
    name: str
    path: str


@dataclass(frozen=True)
class Figure:
    """One page at one size: its timings, the statements of one request, its size."""

    timing: Timing
    queries: int
    kilobytes: float


def seed_fridges(
    clinic: Clinic, staff: Membership, manager: Membership, first: date, last: date
) -> list[LogUnit]:
    """Five refrigerators named on ``first``, each with its readings from ``first`` to
    ``last`` on every open day of the clinic; flushed, not committed."""
    log = catalog().log(FRIDGE)
    units = []
    for number in range(1, FRIDGES + 1):
        unit = daily_logs.add_unit(clinic, log, f"Vaccine fridge {number}")
        unit.created_at = datetime.combine(first, time(0), UTC)
        units.append(unit)
    db.session.flush()
    days = [first + timedelta(n) for n in range((last - first).days + 1)]
    open_days = [day for day in days if clinic.calendar.is_open(day)]
    for unit in units:
        _seed_unit(unit, open_days, staff, manager)
    return units


def _seed_unit(unit: LogUnit, days: list[date], staff: Membership, manager: Membership) -> None:
    """The unit's chain, signed entry by entry, written in one insert; then its incidents."""
    entries: list[dict[str, Any]] = []
    too_warm: list[int] = []  # seqs of out-of-range readings
    for day in days:
        for session, hour in SESSION_HOURS.items():
            rng = random.Random(f"{unit.name}-{day}-{session}")
            values = {"current": round(rng.uniform(3.5, 6.5), 1), "minimum": 3.0, "maximum": 6.8}
            warm = rng.randrange(OUT_OF_RANGE_EVERY) == 0
            if warm:
                values["maximum"] = 9.4
            at = datetime.combine(day, time(hour, rng.randrange(30)), UTC)
            payload = {"values": values, "out_of_range": ["maximum"] if warm else []}
            entries.append(
                _signed(unit, entries, daily_logs.READING, day, session, payload, staff, at)
            )
            if warm:
                too_warm.append(entries[-1]["seq"])
                closing = {"incident_of": entries[-1]["seq"], "action": "Public health: use them."}
                later = at + timedelta(hours=1)
                entries.append(
                    _signed(unit, entries, daily_logs.CLOSED, day, session, closing, manager, later)
                )
    db.session.execute(insert(LogEntry), entries)
    _seed_incidents(unit, too_warm, manager)


def _signed(
    unit: LogUnit,
    chain: list[dict[str, Any]],
    kind: str,
    day: date,
    session: str,
    payload: dict[str, Any],
    actor: Membership,
    at: datetime,
) -> dict[str, Any]:
    """The next entry of ``chain`` as ``daily_logs._append`` would write it."""
    row = {
        "seq": len(chain) + 1,
        "unit_id": unit.id,
        "kind": kind,
        "day": day,
        "session": session,
        "payload": payload,
        "actor_id": actor.user_id,
        "actor_name": actor.user.display_name,
        "created_at": at,
        "prev_hash": chain[-1]["hash"] if chain else GENESIS,
    }
    key_id, digest = record_keys().sign(entry_message(EntryFacts(**row)))
    return {**row, "clinic_id": unit.clinic_id, "key_id": key_id, "hash": digest}


def _seed_incidents(unit: LogUnit, seqs: list[int], manager: Membership) -> None:
    """An incident per out-of-range reading, closed an hour later by the manager."""
    if not seqs:
        return
    readings = db.session.execute(
        select(LogEntry.id, LogEntry.created_at).where(
            LogEntry.unit_id == unit.id, LogEntry.seq.in_(seqs)
        )
    )
    rows = [
        {
            "clinic_id": unit.clinic_id,
            "unit_id": unit.id,
            "entry_id": entry_id,
            "opened_at": at,
            "closed_at": at + timedelta(hours=1),
            "closed_by": manager.user.display_name,
            "action_taken": "Public health: use them.",
        }
        for entry_id, at in readings
    ]
    db.session.execute(insert(LogIncident), rows)


def seed(url: str, years: int, today: date) -> None:
    """Empty the database at ``url`` and fill it with the clinic of ``years`` of readings."""
    app = make_app(url)
    with app.app_context():
        reset_schema()
        details = accounts.ClinicDetails(
            "Harbour Family Health", "NS", "family_medicine", "accuro", ("vaccine_storage",)
        )
        clinic = accounts.create_clinic(details, confirmed=True)
        manager = _member(clinic, MANAGER_EMAIL, "Dana Okafor", AppRole.MANAGER)
        staff = _member(clinic, "staff@harbour.example.ca", "Sam Whitehorse", AppRole.STAFF)
        db.session.flush()
        seed_fridges(clinic, staff, manager, today - timedelta(days=365 * years), today)
        db.session.commit()
        broken = [report for report in verify_logs(record_keys()) if report.finding]
        if broken:  # the bulk insert must write what the app writes, chain and keys included
            raise RuntimeError(f"a seeded log does not verify: {broken[0]}")
        db.session.remove()
        db.engine.dispose()


def _member(clinic: Clinic, email: str, name: str, role: AppRole) -> Membership:
    return accounts.add_member(accounts.create_user(email, name, PASSWORD), clinic, role)


def pages_of(app: Flask, month: date) -> list[Page]:
    """The month page and month PDF of the first refrigerator, for ``month``."""
    with app.app_context():
        unit_id = db.session.scalar(select(func.min(LogUnit.id)))
    query = f"month={month:%Y-%m}"
    return [
        Page("Month page", f"/logs/units/{unit_id}?{query}"),
        Page("Month PDF", f"/exports/logs/{unit_id}/month.pdf?{query}"),
    ]


def describe(app: Flask) -> str:
    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(LogEntry))
        incidents = db.session.scalar(select(func.count()).select_from(LogIncident))
    return f"{FRIDGES} fridges, {entries:,} entries, {incidents:,} incidents"


def fetcher(app: Flask, page: Page) -> Callable[[], bytes]:
    """One GET of ``page`` as the manager, failing on anything but 200."""
    client = signed_in(app, MANAGER_EMAIL)

    def fetch() -> bytes:
        response = client.get(page.path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {page.path} answered {response.status_code}")
        return response.data

    return fetch


def measure_side_by_side(
    apps: list[Flask], page_name: str, month: date, repeat: int
) -> list[Figure]:
    """Time one page in both databases in turns, so a busy moment of this shared machine lands
    on both sizes alike; then count one request's statements and bytes in each."""
    fetches = [
        fetcher(app, next(p for p in pages_of(app, month) if p.name == page_name)) for app in apps
    ]
    for fetch in fetches:
        measure(fetch, warmup=2, repeat=0)
    samples: list[list[float]] = [[] for _ in apps]
    for _ in range(repeat):
        for taken, fetch in zip(samples, fetches, strict=True):
            taken.append(time_once(fetch))
    figures = []
    for app, fetch, taken in zip(apps, fetches, samples, strict=True):
        with counting_queries(app) as statements:
            size = len(fetch())
        figures.append(Figure(Timing(tuple(taken)), len(statements), size / 1024))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, nargs=2, default=list(YEARS))
    parser.add_argument("--folder", type=Path, default=Path("/tmp/log-size"))
    parser.add_argument("--seed", action="store_true", help="seed again even if present")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    today = date.today()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    apps = []
    for years in args.years:
        url = sqlite_url(args.folder, f"logs{years}y")
        if args.seed or not (args.folder / f"logs{years}y.db").exists():
            seed(url, years, today)
        apps.append(make_app(url))
        print(f"{years} years: {describe(apps[-1])}", file=sys.stderr)
    rows = [
        (name, *measure_side_by_side(apps, name, month, args.repeat))
        for name in ("Month page", "Month PDF")
    ]
    _print(args.years, month, rows, args.repeat)
    return 0


def _print(
    years: list[int], month: date, figures: list[tuple[str, Figure, Figure]], repeat: int
) -> None:
    small, large = years
    rows = []
    for name, one, three in figures:
        rows.append(
            (
                name,
                one.timing.median,
                three.timing.median,
                f"{three.timing.median / one.timing.median:.2f}",
                f"{one.queries} / {three.queries}",
                f"{one.kilobytes:.0f} / {three.kilobytes:.0f}",
            )
        )
    print_table(
        f"A fridge's month ({month:%Y-%m}) at {small} and {large} years of readings, "
        f"median ms of {repeat} requests taking turns",
        ("page", f"{small}y ms", f"{large}y ms", f"{large}y/{small}y", "SQL", "KB"),
        rows,
    )


if __name__ == "__main__":
    raise SystemExit(main())
