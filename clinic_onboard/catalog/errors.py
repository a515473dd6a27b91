"""What the loader reports: every problem, each pointing at a file, an item and a field."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


class FieldProblem(NamedTuple):
    """A problem found inside one entry, before the loader knows which file the entry came from."""

    field: str | None
    message: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the library, precise enough for a content author to fix it."""

    file: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = (self.file, self.item, self.field, self.message)
        return ": ".join(part for part in parts if part)


class CatalogError(Exception):
    """The library is unusable; carries every problem so authors can fix them in one pass."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self._report())

    def _report(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"The content library has {count} {noun}:"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)
