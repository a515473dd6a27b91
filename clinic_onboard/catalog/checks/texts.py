"""Item and duty texts in each language: known placeholders, values no jurisdiction leaves empty,
and references translated or deliberately kept in their original wording."""

from collections.abc import Iterator

from clinic_onboard.catalog.draft import Draft, Entry
from clinic_onboard.catalog.errors import Problem
from clinic_onboard.catalog.placeholders import (
    PLACEHOLDERS,
    has_stray_brace,
    only_placeholders,
    placeholders_in,
)
from clinic_onboard.catalog.schema import Content, Jurisdiction
from clinic_onboard.catalog.text import LANGUAGES, Language, Text

_KNOWN = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
_SAME_REFERENCE = (
    'the same as "en": give the French title, or keep the original title with a French '
    "description (see checklists/README.md, References)"
)


def check_texts(draft: Draft) -> list[Problem]:
    jurisdictions = [entry.model for entry in draft.valid("jurisdictions")]
    problems = []
    for entry in draft.valid("items", "duties", "logs"):
        audience = _audience(entry.model, jurisdictions)
        for field, text in _texts(entry.model):
            for lang in LANGUAGES:
                problems += _check_text(entry, f"{field}.{lang}", text.get(lang), lang, audience)
        problems += _check_references(entry)
    return problems


def _texts(content: Content) -> Iterator[tuple[str, Text]]:
    yield "title", content.title
    yield "guidance", content.guidance
    for index, reference in enumerate(content.references):
        yield f"references[{index}]", reference


def _audience(content: Content, jurisdictions: list[Jurisdiction]) -> list[Jurisdiction]:
    """The jurisdictions whose plans can show this text."""
    wanted = content.applies.provinces
    return [j for j in jurisdictions if wanted is None or j.code in wanted]


def _check_text(
    entry: Entry, field: str, text: str, lang: Language, audience: list[Jurisdiction]
) -> list[Problem]:
    messages = [] if not has_stray_brace(text) else ["a { or } that is not part of a {placeholder}"]
    for name in dict.fromkeys(placeholders_in(text)):
        if name not in PLACEHOLDERS:
            messages.append(f"unknown placeholder {{{name}}}; known: {_KNOWN}")
            continue
        empty = [j.code for j in audience if not PLACEHOLDERS[name](j, lang)]
        if empty:
            messages.append(
                f"{{{name}}} is empty for {', '.join(empty)}; "
                "limit applies.provinces to jurisdictions where it is set"
            )
    return [Problem(entry.file, entry.name, field, message) for message in messages]


def _check_references(entry: Entry) -> list[Problem]:
    """A French reference identical to the English one is a citation nobody decided on."""
    return [
        Problem(entry.file, entry.name, f"references[{index}].fr", _SAME_REFERENCE)
        for index, reference in enumerate(entry.model.references)
        if reference.fr == reference.en and not only_placeholders(reference.en)
    ]
