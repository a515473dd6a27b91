"""References keyed to jurisdictions: known codes, never outside the item's audience, and every
jurisdiction the item reaches left with at least one reference of its own or a national one."""

from clinic_onboard.catalog.draft import Draft, Entry
from clinic_onboard.catalog.errors import Problem


def check_references(draft: Draft) -> list[Problem]:
    known = draft.names("jurisdictions")
    if known is None:
        return []  # without the codes every keyed reference would be reported too
    problems = []
    for entry in draft.valid("items", "duties"):
        problems += _keyed(entry, known)
        problems += _uncovered(entry, known)
    return problems


def _keyed(entry: Entry, known: frozenset[str]) -> list[Problem]:
    """A code the library lacks, or one outside a restricted item's ``applies.provinces``."""
    restricted = entry.model.applies.provinces
    problems = []
    for index, reference in enumerate(entry.model.references):
        field = f"references[{index}].jurisdictions"
        for code in reference.jurisdictions or ():
            if code not in known:
                message = f"unknown jurisdiction {code!r}"
            elif restricted is not None and code not in restricted:
                listed = ", ".join(restricted)
                message = f"{code} is not among the item's applies.provinces ({listed})"
            else:
                continue
            problems.append(Problem(entry.file, entry.name, field, message))
    return problems


def _uncovered(entry: Entry, known: frozenset[str]) -> list[Problem]:
    """Jurisdictions where the item applies but every reference belongs somewhere else."""
    audience = entry.model.applies.provinces or sorted(known)
    bare = [
        code
        for code in audience
        if code in known and not any(ref.is_for(code) for ref in entry.model.references)
    ]
    if not bare:
        return []
    message = (
        f"no reference left for {', '.join(bare)} once other jurisdictions' sources are left "
        "out; add a national reference or one keyed to each"
    )
    return [Problem(entry.file, entry.name, "references", message)]
