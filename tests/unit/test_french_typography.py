"""French typography, as Quebec prints it, in every French text the product shows: the interface's
gettext catalog (messages.po) and the content library (loaded, and filled into plans).

- the typographic apostrophe (U+2019), never the straight one;
- a no-break space (U+00A0, the one kind the catalog uses) before ":" and inside « »;
- no space before ; ! ? (Quebec and Canadian federal usage, which the OQLF accepts).

Exceptions are not words: a colon glued to a URL scheme, a clock time or a code placeholder.
"""

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from pydantic import BaseModel

from clinic_onboard.catalog import Catalog, Text, load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.planner import ClinicProfile, build_plan

MESSAGES = Path(__file__).parents[2] / "clinic_onboard/translations/fr_CA/LC_MESSAGES/messages.po"
NBSP = "\u00a0"
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("straight apostrophe (use U+2019)", re.compile("'")),
    ("space before : must be U+00A0", re.compile(r"[ \u202f\t]:")),
    # a word glued to ":" before a space; "https://", "8:30" and "%(name)s:" placeholders pass
    ("no-break space missing before :", re.compile(r"[^\W\d_]{2}:(?=\s|$)")),
    ("« must be followed by U+00A0", re.compile(r"«(?!\u00a0)")),
    ("» must follow U+00A0", re.compile(r"(?<!\u00a0)»")),
    ("no space before ; ! ? in Quebec usage", re.compile(r"[ \u00a0\u202f][;!?]")),
)


def problems(text: str) -> list[str]:
    return [rule for rule, pattern in RULES if pattern.search(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"Plan d\u2019intégration{NBSP}: {{role}}", []),
        ("Plan d'intégration", ["straight apostrophe (use U+2019)"]),
        ("Dernier jour : %(day)s", ["space before : must be U+00A0"]),
        ("Politique: signer", ["no-break space missing before :"]),
        ("« Fait »", ["« must be followed by U+00A0", "» must follow U+00A0"]),
        (f"Bienvenue{NBSP}! Vraiment ?", ["no space before ; ! ? in Quebec usage"]),
        ("https://exemple.ca à 8:30; %(name)s: oui", []),
    ],
)
def test_the_rules_catch_what_they_name(text: str, found: list[str]) -> None:
    assert problems(text) == found


def test_the_interface_catalog_follows_french_typography() -> None:
    with MESSAGES.open("rb") as handle:
        catalog = read_po(handle)
    bad = []
    for message in catalog:
        if not message.id:  # the header
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        bad += [f"{message.id!r}: {found}" for text in strings if (found := problems(text))]
    assert not bad, "\n".join(bad)


@cache
def library() -> Catalog:
    return load_catalog(checklists_dir())


def french_texts(value: object) -> Iterator[str]:
    """Every French text in the loaded library, walked through its models."""
    if isinstance(value, Text):
        yield value.fr
        return
    if isinstance(value, BaseModel):
        children: Iterable[object] = (getattr(value, name) for name in type(value).model_fields)
    elif dataclasses.is_dataclass(value):
        fields = dataclasses.fields(value)
        children = (getattr(value, f.name) for f in fields if not f.name.startswith("_"))
    elif isinstance(value, Mapping):
        children = value.values()
    elif isinstance(value, list | tuple):
        children = value
    else:
        return
    for child in children:
        yield from french_texts(child)


def test_the_library_follows_french_typography() -> None:
    texts = set(french_texts(library()))
    assert len(texts) > 1000  # the walk reached the modules, not only the library's title
    bad = [f"{text[:80]!r}: {found}" for text in sorted(texts) if (found := problems(text))]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("code", "setting", "role"),
    [
        ("QC", "specialty_clinic", "medical_assistant"),
        ("NB", "family_medicine", "medical_office_assistant"),
        ("NT", "community_health_centre", "clinic_assistant"),
        ("ON", "family_medicine", "medical_assistant"),
    ],
)
def test_french_plans_follow_french_typography(code: str, setting: str, role: str) -> None:
    """Placeholders filled in (law names, bodies) keep the typography of the texts around them."""
    profile = ClinicProfile(code, setting, options=frozenset(library().options))
    plan = build_plan(library(), profile, role, date(2026, 12, 14), lang="fr")
    bad = [
        f"{entry.id}: {found}"
        for entry in (*plan.tasks, *plan.duties)
        for text in (entry.title, entry.guidance, *entry.references)
        if (found := problems(text))
    ]
    assert not bad, "\n".join(bad)
