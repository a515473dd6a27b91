"""Links between entries: role ``includes``, the slugs in ``applies``, item ``requires``."""

from collections.abc import Callable, Mapping, Sequence

from clinic_onboard.catalog.draft import Draft, Entry
from clinic_onboard.catalog.errors import Problem
from clinic_onboard.catalog.graph import find_cycles

# applies key -> (the section its slugs come from, what one slug is called)
_APPLIES: Mapping[str, tuple[str, str]] = {
    "roles": ("roles", "role"),
    "provinces": ("jurisdictions", "jurisdiction"),
    "settings": ("settings", "setting"),
    "options": ("options", "option"),
    "emr": ("emr_products", "EMR product"),
}


def check_links(draft: Draft) -> list[Problem]:
    roles, items = draft.valid("roles"), draft.valid("items")
    return [
        *(p for entry in roles for p in _includes(draft, entry)),
        *_cycles(roles, "includes", "roles include each other"),
        *(p for entry in draft.valid("items", "duties", "logs") for p in _applies(draft, entry)),
        *(p for entry in items for p in _requires(draft, entry)),
        *_cycles(items, "requires", "items require each other"),
    ]


def _unknown(
    entry: Entry,
    field: str,
    values: Sequence[str],
    known: frozenset[str] | None,
    describe: Callable[[str], str],
) -> list[Problem]:
    """A problem per value not in ``known``; nothing when the known names could not be read."""
    if known is None:
        return []
    return [
        Problem(entry.file, entry.name, f"{field}[{index}]", describe(value))
        for index, value in enumerate(values)
        if value not in known
    ]


def _includes(draft: Draft, entry: Entry) -> list[Problem]:
    return _unknown(
        entry, "includes", entry.model.includes, draft.names("roles"), _unknown_as("role")
    )


def _applies(draft: Draft, entry: Entry) -> list[Problem]:
    problems = []
    for key, (section, noun) in _APPLIES.items():
        values = getattr(entry.model.applies, key) or ()
        problems += _unknown(
            entry, f"applies.{key}", values, draft.names(section), _unknown_as(noun)
        )
    return problems


def _requires(draft: Draft, entry: Entry) -> list[Problem]:
    duties = draft.names("duties") or frozenset()

    def describe(value: str) -> str:
        if value in duties:
            return f"{value!r} is a duty; only items have a date to come after"
        return f"unknown item {value!r}"

    return _unknown(entry, "requires", entry.model.requires, draft.names("items"), describe)


def _unknown_as(noun: str) -> Callable[[str], str]:
    return lambda value: f"unknown {noun} {value!r}"


def _cycles(entries: list[Entry], field: str, what: str) -> list[Problem]:
    edges = {entry.name: getattr(entry.model, field) for entry in entries if entry.name}
    files = {entry.name: entry.file for entry in entries}
    return [
        Problem(files[cycle[0]], cycle[0], field, f"{what} in a cycle: {' -> '.join(cycle)}")
        for cycle in find_cycles(edges)
    ]
