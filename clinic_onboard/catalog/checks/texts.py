"""Placeholders in item and duty texts: known names, and values no jurisdiction leaves empty."""

from collections.abc import Iterator

from clinic_onboard.catalog.draft import Draft, Entry
from clinic_onboard.catalog.errors import Problem
from clinic_onboard.catalog.placeholders import PLACEHOLDERS, has_stray_brace, placeholders_in
from clinic_onboard.catalog.schema import Content, Jurisdiction

_KNOWN = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def check_texts(draft: Draft) -> list[Problem]:
    jurisdictions = [entry.model for entry in draft.valid("jurisdictions")]
    return [
        problem
        for entry in draft.valid("items", "duties")
        for field, text in _texts(entry.model)
        for problem in _check_text(entry, field, text, _audience(entry.model, jurisdictions))
    ]


def _texts(content: Content) -> Iterator[tuple[str, str]]:
    yield "title", content.title
    yield "guidance", content.guidance
    for index, reference in enumerate(content.references):
        yield f"references[{index}]", reference


def _audience(content: Content, jurisdictions: list[Jurisdiction]) -> list[Jurisdiction]:
    """The jurisdictions whose plans can show this text."""
    wanted = content.applies.provinces
    return [j for j in jurisdictions if wanted is None or j.code in wanted]


def _check_text(entry: Entry, field: str, text: str, audience: list[Jurisdiction]) -> list[Problem]:
    messages = [] if not has_stray_brace(text) else ["a { or } that is not part of a {placeholder}"]
    for name in dict.fromkeys(placeholders_in(text)):
        if name not in PLACEHOLDERS:
            messages.append(f"unknown placeholder {{{name}}}; known: {_KNOWN}")
            continue
        empty = [j.code for j in audience if not PLACEHOLDERS[name](j)]
        if empty:
            messages.append(
                f"{{{name}}} is empty for {', '.join(empty)}; "
                "limit applies.provinces to jurisdictions where it is set"
            )
    return [Problem(entry.file, entry.name, field, message) for message in messages]
