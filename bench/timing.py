"""Timing and printing figures; imports nothing heavy, so a measured process stays lean."""

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Medians and 95th percentiles in milliseconds of one measured action."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_once(action: Callable[[], object]) -> float:
    """Milliseconds one call of ``action`` takes."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def measure(action: Callable[[], object], warmup: int, repeat: int) -> Timing:
    """Run ``action`` ``warmup`` times untimed (caches, compiled SQL), then time it."""
    for _ in range(warmup):
        action()
    return Timing(tuple(time_once(action) for _ in range(repeat)))


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain-text table, numbers right-aligned, that reads the same in a terminal or a file."""
    cells = [list(map(str, header)), *([_cell(value) for value in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for number, row in enumerate(cells):
        print("  " + "  ".join(_aligned(row, widths)))
        if number == 0:
            print("  " + "  ".join("-" * width for width in widths))


def _aligned(row: list[str], widths: list[int]) -> Iterator[str]:
    """The first column to the left, the figures to the right."""
    for column, (value, width) in enumerate(zip(row, widths, strict=True)):
        yield value.ljust(width) if column == 0 else value.rjust(width)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if value >= 10 else f"{value:.2f}"
    return str(value)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"
