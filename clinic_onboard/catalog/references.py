"""A reference: a citation in English and French, optionally keyed to the jurisdictions it is for.

A reference without ``jurisdictions`` is national or general (PHAC, CSA, the Canadian Immunization
Guide, a clinic policy, or a placeholder such as ``{privacy_law}`` that each jurisdiction fills in
with its own law). A reference with ``jurisdictions: [ON]`` is Ontario's own source: the loader
refuses it in an item that applies elsewhere, and the planner shows it only in Ontario's plans, so a
plan never sends a hire to another province's regulator.
"""

import re
from collections.abc import Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from clinic_onboard.catalog.text import Text, parse_text

_CODE = re.compile(r"[A-Z]{2}")


class Reference(Text):
    """A ``Text`` (the citation) with the jurisdictions it belongs to; None means national."""

    __slots__ = ("jurisdictions",)
    jurisdictions: tuple[str, ...] | None

    def __new__(cls, en: str, fr: str, jurisdictions: tuple[str, ...] | None = None) -> "Reference":
        reference = super().__new__(cls, en, fr)
        object.__setattr__(reference, "jurisdictions", jurisdictions)
        return reference

    def is_for(self, code: str) -> bool:
        """Whether a plan in jurisdiction ``code`` shows this reference."""
        return self.jurisdictions is None or code in self.jurisdictions

    def __reduce__(self) -> tuple[type["Reference"], tuple[Any, ...]]:  # type: ignore[override]
        return Reference, (self.en, self.fr, self.jurisdictions)

    def __repr__(self) -> str:
        return f"Reference(en={self.en!r}, fr={self.fr!r}, jurisdictions={self.jurisdictions!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(parse_reference)


def parse_reference(value: object) -> Reference:
    """``{en, fr}`` plus an optional ``jurisdictions: [ON, ...]``; ValueError in plain words."""
    if isinstance(value, Reference):
        return value
    if not isinstance(value, Mapping) or "jurisdictions" not in value:
        text = parse_text(value)
        return Reference(text.en, text.fr)
    text = parse_text({key: item for key, item in value.items() if key != "jurisdictions"})
    return Reference(text.en, text.fr, _codes(value["jurisdictions"]))


def _codes(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise ValueError("jurisdictions: give a list of two-letter codes, such as [ON]")
    bad = [code for code in value if not isinstance(code, str) or not _CODE.fullmatch(code)]
    if bad:
        raise ValueError(f"jurisdictions: {bad[0]!r} is not a two-letter code")
    if len(set(value)) != len(value):
        raise ValueError("jurisdictions: a code is listed twice")
    return tuple(value)
