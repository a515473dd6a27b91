"""The pure planner: plans per second over every province x setting x role, and how long the
content library takes to load when a process starts (cold, in a fresh interpreter) and again.

    python -m bench.planner --cold-load    # one cold load; prints JSON (used by bench.run)
"""

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bench.timing import Timing, measure

# The app's modules are imported inside the functions: ``--cold-load`` times their import.
if TYPE_CHECKING:
    from clinic_onboard.catalog import Catalog

START = date(2026, 12, 1)


@dataclass(frozen=True)
class PlannerResult:
    combinations: int
    sweep: Timing  # milliseconds to plan every combination once
    items: tuple[int, int, float]  # fewest, most, median tasks in a plan
    import_ms: float  # importing the catalog package, cold
    cold_load_ms: float  # load_catalog in a fresh process (median of several)
    warm_load: Timing  # load_catalog again in this process

    @property
    def plans_per_second(self) -> float:
        return self.combinations / (self.sweep.median / 1000)


def measure_planner(repeat: int, cold_runs: int) -> PlannerResult:
    from clinic_onboard.catalog import load_catalog
    from clinic_onboard.paths import checklists_dir

    catalog = load_catalog(checklists_dir())
    sizes = _sweep(catalog)
    colds = [_cold_load() for _ in range(cold_runs)]
    return PlannerResult(
        combinations=len(sizes),
        sweep=measure(lambda: _sweep(catalog), 1, repeat),
        items=(min(sizes), max(sizes), statistics.median(sizes)),
        import_ms=statistics.median(c["import_ms"] for c in colds),
        cold_load_ms=statistics.median(c["load_ms"] for c in colds),
        warm_load=measure(lambda: load_catalog(checklists_dir()), 1, repeat),
    )


def _sweep(catalog: "Catalog") -> list[int]:
    """One plan for every jurisdiction x setting x role (first EMR, every option on site)."""
    from clinic_onboard.planner import ClinicProfile, build_plan

    emr = sorted(catalog.emr_products)[0]
    options = frozenset(catalog.options)
    return [
        len(build_plan(catalog, ClinicProfile(province, setting, emr, options), role, START).tasks)
        for province in catalog.jurisdictions
        for setting in catalog.settings
        for role in catalog.roles
    ]


def _cold_load() -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.planner", "--cold-load"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_load() -> dict[str, float]:
    """In a fresh interpreter: import the catalog package, then load and check the library."""
    started = time.perf_counter()
    from clinic_onboard.catalog import load_catalog
    from clinic_onboard.paths import checklists_dir

    imported = time.perf_counter()
    load_catalog(checklists_dir())
    loaded = time.perf_counter()
    return {"import_ms": (imported - started) * 1000, "load_ms": (loaded - imported) * 1000}


if __name__ == "__main__":
    if sys.argv[1:] != ["--cold-load"]:
        sys.exit(__doc__)
    print(json.dumps(cold_load()))
