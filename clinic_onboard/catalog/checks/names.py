"""Names: the fixed sets of jurisdictions and settings, unique ids, ids that match their module."""

from collections.abc import Iterable
from pathlib import PurePosixPath

from clinic_onboard.catalog.draft import Draft, Entry
from clinic_onboard.catalog.errors import Problem

JURISDICTION_CODES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
SETTING_SLUGS = (
    "family_medicine",
    "specialty_clinic",
    "diagnostic_centre",
    "rehabilitation_centre",
    "community_health_centre",
    "walk_in_clinic",
)
# Sections whose names must be unique among themselves; module, item and duty ids share one space.
_NAME_SPACES = (("jurisdictions",), ("settings",), ("roles",), ("options",), ("emr_products",))
_ID_SPACE = ("module", "items", "duties", "logs")


def check_names(draft: Draft) -> list[Problem]:
    return [
        *_exactly(draft, "jurisdictions", "jurisdictions.yaml", JURISDICTION_CODES),
        *_exactly(draft, "settings", "settings.yaml", SETTING_SLUGS),
        *(p for keys in (*_NAME_SPACES, _ID_SPACE) for p in _duplicates(draft, keys)),
        *_module_ids(draft),
        *_id_prefixes(draft),
    ]


def _exactly(draft: Draft, key: str, file: str, expected: tuple[str, ...]) -> list[Problem]:
    """The app offers these choices in forms, so the set is fixed: none missing, none extra."""
    names = draft.names(key)
    if names is None:
        return []
    listed = ", ".join(expected)
    missing = [
        Problem(file, name, None, f"missing; the library needs all of {listed}")
        for name in expected
        if name not in names
    ]
    extra = [
        Problem(entry.file, entry.name, entry.name_field, f"not one of {listed}")
        for entry in draft.entries[key]
        if entry.name is not None and entry.name not in expected
    ]
    return missing + extra


def _duplicates(draft: Draft, keys: Iterable[str]) -> list[Problem]:
    first: dict[str, Entry] = {}
    problems = []
    for entry in (entry for key in keys for entry in draft.entries[key]):
        if entry.name is None:
            continue
        if entry.name in first:
            message = f"duplicate {entry.name_field}; first used in {first[entry.name].file}"
            problems.append(Problem(entry.file, entry.name, entry.name_field, message))
        else:
            first[entry.name] = entry
    return problems


def _module_ids(draft: Draft) -> list[Problem]:
    return [
        Problem(entry.file, None, "module.id", f"{entry.name!r} does not match the file name")
        for entry in draft.entries["module"]
        if entry.name is not None and entry.name != PurePosixPath(entry.file).stem
    ]


def _id_prefixes(draft: Draft) -> list[Problem]:
    """Ids carry their module's name so an id alone tells where to find the item."""
    problems = []
    for entry in draft.entries["items"] + draft.entries["duties"]:
        prefix = f"{PurePosixPath(entry.file).stem}."
        if entry.name is not None and not entry.name.startswith(prefix):
            problems.append(Problem(entry.file, entry.name, "id", f"must start with {prefix!r}"))
    return problems
