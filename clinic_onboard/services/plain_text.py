"""Text as people type it, without the invisible characters no keyboard types.

Control characters (Unicode category Cc: CR, LF, NUL, escape...) and most format characters
(Cf: bidirectional overrides that make a name read backwards, zero-width spaces) let a clinic
name or a person's name smuggle a second header line into an email ("header injection") or
look like something else on screen. The joiners U+200C and U+200D stay: Persian, Indic scripts
and emoji sequences need them. Pure: no Flask, no database.
"""

import unicodedata

REMOVED_CATEGORIES = frozenset({"Cc", "Cf"})
KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
# What ends a line (Python's str.splitlines) and tabs become a space in one-line text, so
# "Lakeside\r\nClinic" reads "Lakeside Clinic", not "LakesideClinic".
SPACED = frozenset("\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
MULTI_LINE_KEEPS = frozenset("\n\r\t")


def one_line(text: str) -> str:
    """A name, a subject or any header value: line breaks and tabs become spaces, other
    control and format characters go."""
    spaced = "".join(" " if char in SPACED else char for char in text.replace("\r\n", " "))
    return "".join(char for char in spaced if _kept(char))


def multi_line(text: str) -> str:
    """A comment or pasted rows: line breaks and tabs stay, other control characters go."""
    return "".join(char for char in text if char in MULTI_LINE_KEEPS or _kept(char))


def _kept(char: str) -> bool:
    return char in KEPT_FORMAT or unicodedata.category(char) not in REMOVED_CATEGORIES
