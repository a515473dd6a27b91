"""The library as read, entry by entry, before the rules that span entries are checked.

Each entry is validated on its own, so one bad item never hides the problems of the others, and
every entry's name is kept even when it is invalid, so a reference to it is not reported twice.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clinic_onboard.catalog.errors import FieldProblem, Problem
from clinic_onboard.catalog.schema import (
    ClinicLog,
    Duty,
    EmrProduct,
    Item,
    Jurisdiction,
    LibraryInfo,
    ModuleHeader,
    Option,
    Role,
    Setting,
    Strict,
)
from clinic_onboard.catalog.sources import MODULES_DIR, Source
from clinic_onboard.catalog.validation import validate


@dataclass(frozen=True)
class Section:
    """A top-level key of a file: a list of entries named by ``name_key``, or one mapping
    (``name_key`` None) named by its ``id``."""

    key: str
    model: type[Strict]
    name_key: str | None = "slug"
    required: bool = True


_MODULE = (
    Section("module", ModuleHeader, name_key=None),
    Section("items", Item, "id", required=False),
    Section("duties", Duty, "id", required=False),
    Section("logs", ClinicLog, "id", required=False),
)
_SECTIONS: Mapping[str, tuple[Section, ...]] = {
    "jurisdictions.yaml": (Section("jurisdictions", Jurisdiction, "code"),),
    "settings.yaml": (Section("settings", Setting),),
    "roles.yaml": (Section("roles", Role),),
    "options.yaml": (Section("options", Option), Section("emr_products", EmrProduct)),
}


def _sections_of(file: str) -> tuple[Section, ...]:
    return _MODULE if file.startswith(f"{MODULES_DIR}/") else _SECTIONS.get(file, ())


@dataclass(frozen=True)
class Entry:
    """One entry as read: ``name`` is its id, slug or code if given; ``model`` None if invalid."""

    file: str
    name: str | None
    name_field: str
    model: Any


@dataclass
class Draft:
    """The entries of every file read so far, valid or not, by section key."""

    info: LibraryInfo | None = None
    entries: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    unread: set[str] = field(default_factory=set)

    def names(self, key: str) -> frozenset[str] | None:
        """Every name given in a section, or None when a file of it could not be read."""
        if key in self.unread:
            return None
        return frozenset(entry.name for entry in self.entries[key] if entry.name is not None)

    def valid(self, *keys: str) -> list[Entry]:
        return [entry for key in keys for entry in self.entries[key] if entry.model is not None]

    def mark_unread(self, file: str, *keys: str) -> None:
        """Stop checking references to a top-level file's names (all its sections by default).

        Without its names every reference to them would be reported too. A broken module file
        is not marked: references to its ids are still checked, as they may well be typos.
        """
        if file in _SECTIONS:
            self.unread.update(keys or (section.key for section in _SECTIONS[file]))

    def add(self, source: Source) -> list[Problem]:
        if source.name == "library.yaml":
            self.info, found = validate(LibraryInfo, source.data)
            return [Problem(source.name, None, p.field, p.message) for p in found]
        if not isinstance(source.data, dict):
            self.mark_unread(source.name)
            return [Problem(source.name, None, None, "expected a mapping of sections")]
        sections = _sections_of(source.name)
        known = {section.key for section in sections}
        problems = [
            Problem(source.name, None, str(key), f"unknown key {key!r}")
            for key in source.data
            if key not in known
        ]
        for section in sections:
            problems += self._add_section(source.name, section, source.data)
        return problems

    def _add_section(self, file: str, section: Section, data: dict[str, Any]) -> list[Problem]:
        if section.key not in data:
            if not section.required:
                return []
            self.mark_unread(file, section.key)
            return [Problem(file, None, section.key, "required field is missing")]
        if section.name_key is None:
            return self._add_one(file, section, data[section.key])
        if not isinstance(data[section.key], list):
            self.mark_unread(file, section.key)
            return [Problem(file, None, section.key, "expected a list")]
        problems = []
        for index, raw in enumerate(data[section.key]):
            problems += self._add_listed(file, section, index, raw)
        return problems

    def _add_one(self, file: str, section: Section, raw: Any) -> list[Problem]:
        model, found = validate(section.model, raw, prefix=(section.key,))
        self.entries[section.key].append(Entry(file, _name(raw, "id"), f"{section.key}.id", model))
        return _problems(file, None, found)

    def _add_listed(self, file: str, section: Section, index: int, raw: Any) -> list[Problem]:
        name_key = section.name_key or ""
        name = _name(raw, name_key)
        label = name or f"{section.key}[{index}]"
        model, found = validate(section.model, raw)
        self.entries[section.key].append(Entry(file, name, name_key, model))
        return _problems(file, label, found)


def _name(raw: Any, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value else None


def _problems(file: str, item: str | None, found: list[FieldProblem]) -> list[Problem]:
    return [Problem(file, item, problem.field, problem.message) for problem in found]
