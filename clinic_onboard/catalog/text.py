"""Texts in English and French: every word the library shows a person exists in both languages.

A ``Text`` *is* its English string and carries its French. The web app reads library names and
titles as plain strings and stays in English for now; code that prints in a chosen language asks
for it with ``text.get(lang)``, which always returns a plain ``str``.

French texts get French typography on the way in: a no-break space (U+00A0) inside « » and before
":", so authors type ordinary spaces and a printed line never starts with a lone "»" or ":"; no
space before ; ! ? (Quebec and Canadian federal usage, which the OQLF accepts); and the
typographic apostrophe (U+2019) for the straight one authors type.
"""

import re
from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
NBSP = "\u00a0"
APOSTROPHE = "\u2019"  # French library texts print the typographic apostrophe; authors type '

_OPENING_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSING_QUOTE = re.compile(r"[ \u00a0\u202f]*»")
_BEFORE_COLON = re.compile(r"[ \u202f]+(?=:)")
_BEFORE_MARK = re.compile(r"[ \u00a0\u202f]+(?=[;!?])")
# A colon glued to a word ("politique:"); it counts only before a space, so "https://" and "8:30"
# pass.
_GLUED_MARK = re.compile(r"\w(:)(?=\s|$)")
_ENGLISH_QUOTES = re.compile(r"[\"“”]")


def french_spacing(text: str) -> str:
    """French typography: a no-break space (one kind, U+00A0) inside « » and before ":", none
    before ; ! ? as Quebec prints them."""
    text = _OPENING_QUOTE.sub("«" + NBSP, text)
    text = _CLOSING_QUOTE.sub(NBSP + "»", text)
    text = _BEFORE_MARK.sub("", text)
    return _BEFORE_COLON.sub(NBSP, text)


def check_language(lang: str) -> Language:
    """``lang`` itself if the library has it; a ValueError naming the choices otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang  # type: ignore[return-value]


class Text(str):
    """One text in English and French; as a ``str`` it is the English.

    Immutable like any string. Equality and hashing are the English string's, so a ``Text`` can
    stand wherever the English-only code expects the plain name it used to get.
    """

    __slots__ = ("fr",)
    fr: str

    def __new__(cls, en: str, fr: str) -> "Text":
        text = super().__new__(cls, en)
        object.__setattr__(text, "fr", fr)
        return text

    @property
    def en(self) -> str:
        return str.__str__(self)

    def get(self, lang: str) -> str:
        """The text in ``lang`` as a plain ``str``; ValueError for a language the library lacks."""
        return self.fr if check_language(lang) == "fr" else self.en

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Text is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Text is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[type["Text"], tuple[str, str]]:
        # copy and pickle rebuild from both languages rather than set the read-only slot
        return Text, (self.en, self.fr)

    def __repr__(self) -> str:
        return f"Text(en={self.en!r}, fr={self.fr!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(parse_text)


def parse_text(value: object) -> Text:
    """A ``{en: ..., fr: ...}`` mapping as a Text; ValueError in words a content author can act on.

    The messages name the language, so with the loader's file, item and field they read like
    ``modules/privacy.yaml: privacy.training: title: missing "fr"``.
    """
    if isinstance(value, Text):
        return value
    if not isinstance(value, Mapping):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise ValueError(f"give the text in both languages, {{en: ..., fr: ...}}; got {shown}")
    _check_keys(value)
    return Text(value["en"], french_spacing(value["fr"]).replace("'", APOSTROPHE))


def _check_keys(value: Mapping[Any, Any]) -> None:
    unknown = [key for key in value if key not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r}; give en and fr")
    missing = [lang for lang in LANGUAGES if lang not in value]
    if missing:
        raise ValueError("missing " + " and ".join(f'"{lang}"' for lang in missing))
    for lang in LANGUAGES:
        text = value[lang]
        if not isinstance(text, str):
            raise ValueError(f'"{lang}" must be text, got {text!r}')
        if not text.strip():
            raise ValueError(f'"{lang}" is empty')
    _check_french(value["fr"])


def _check_french(text: str) -> None:
    """Typography the spacing rule cannot repair: a missing space, or English quotation marks."""
    if glued := _GLUED_MARK.search(text):
        raise ValueError(f'"fr": put a space before "{glued[1]}" (French typography)')
    if _ENGLISH_QUOTES.search(text):
        raise ValueError('"fr": quote with « » in French, not with " or “ ”')


def parse_optional_text(value: object) -> Text:
    """A fact the reference could not confirm is ``""`` in both languages; anything else a Text."""
    return Text("", "") if value == "" else parse_text(value)
