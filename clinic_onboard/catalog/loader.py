"""Reading a library folder into a Catalog, or a CatalogError listing every problem in it."""

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clinic_onboard.catalog.checks import check_draft
from clinic_onboard.catalog.draft import Draft, Entry
from clinic_onboard.catalog.errors import CatalogError, Problem
from clinic_onboard.catalog.model import Catalog, Module
from clinic_onboard.catalog.schema import LibraryInfo
from clinic_onboard.catalog.sources import content_hash, library_files, read_source


def load_catalog(root: Path) -> Catalog:
    """Load and check the library at ``root``; raise CatalogError naming every problem."""
    names, problems = library_files(root)
    draft, sources = Draft(), []
    for problem in problems:
        draft.mark_unread(problem.file)
    for name in names:
        source = read_source(root, name)
        if isinstance(source, Problem):
            problems.append(source)
            draft.mark_unread(name)
        else:
            sources.append(source)
            problems += draft.add(source)
    problems += check_draft(draft)
    if problems or draft.info is None:
        raise CatalogError(problems)
    return _assemble(draft, draft.info, f"{draft.info.version}+{content_hash(sources)}")


def _assemble(draft: Draft, info: LibraryInfo, version: str) -> Catalog:
    return Catalog(
        version=version,
        title=info.title,
        disclaimer=info.disclaimer,
        jurisdictions=_by_name(draft.valid("jurisdictions")),
        settings=_by_name(draft.valid("settings")),
        roles=_by_name(draft.valid("roles")),
        options=_by_name(draft.valid("options")),
        emr_products=_by_name(draft.valid("emr_products")),
        modules=tuple(sorted(_modules(draft), key=lambda module: (module.order, module.id))),
    )


def _by_name(entries: list[Entry]) -> Mapping[str, Any]:
    return MappingProxyType({entry.name: entry.model for entry in entries})


def _modules(draft: Draft) -> list[Module]:
    return [
        Module(
            id=header.model.id,
            title=header.model.title,
            summary=header.model.summary,
            order=header.model.order,
            items=_in_file(draft, "items", header.file),
            duties=_in_file(draft, "duties", header.file),
            offboarding=header.model.offboarding,
            logs=_in_file(draft, "logs", header.file),
        )
        for header in draft.valid("module")
    ]


def _in_file(draft: Draft, key: str, file: str) -> tuple[Any, ...]:
    return tuple(entry.model for entry in draft.valid(key) if entry.file == file)
