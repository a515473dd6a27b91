"""What a PDF says, as plain frozen data: the contract between ``document`` and ``render``.

Nothing here knows about reportlab, points or fonts, so the content of every export can be tested
without rendering it, and the renderer can change without touching what the documents say. Every
text is NFC-normalized on the way in: the same name typed on two keyboards must print (and be
found by a search of the PDF) the same way.
"""

import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal

Tone = Literal["plain", "muted", "good", "warn", "bad"]
CellKind = Literal["text", "checkbox"]
Align = Literal["left", "center"]


class _Normalized:
    """Mixin for frozen dataclasses: NFC-normalize every ``str`` and tuple-of-``str`` field."""

    def __post_init__(self) -> None:
        for field in fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, str):
                object.__setattr__(self, field.name, nfc(value))
            elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
                object.__setattr__(self, field.name, tuple(nfc(v) for v in value))


def nfc(text: str) -> str:
    """Composed form: "é" as one code point, so text extraction and search find it.

    Always a plain ``str``: a library ``Text`` passed in as a name keeps only the words shown.
    """
    return unicodedata.normalize("NFC", str(text))


@dataclass(frozen=True)
class Fact(_Normalized):
    """A labelled value in a header band: "Province or territory: Ontario"."""

    label: str
    value: str


@dataclass(frozen=True)
class Cell(_Normalized):
    """One table cell: main text, optional smaller detail below it, and a tone for statuses.

    In a write-in table an empty cell is a box to fill in by hand, unless it is muted.
    """

    text: str = ""
    detail: str = ""
    tone: Tone = "plain"
    kind: CellKind = "text"
    bold: bool = False


@dataclass(frozen=True)
class Column(_Normalized):
    """A column heading and its share of the table width (shares of a table add up to 1)."""

    heading: str
    share: float
    align: Align = "left"


@dataclass(frozen=True)
class Table:
    """Rows under a heading row that repeats on every page the table runs onto.

    ``write_in`` tables are filled by hand: rows are tall and ruled so a pen fits. A
    ``keep_together`` table is read as one picture (the staff matrix): it moves whole to the next
    page rather than leave a row or two behind, unless it is longer than a page.
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    write_in: bool = False
    keep_together: bool = False

    def __post_init__(self) -> None:
        if abs(sum(column.share for column in self.columns) - 1) > 0.001:
            raise ValueError("column shares must add up to 1")
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError("every row needs one cell per column")


@dataclass(frozen=True)
class Note(_Normalized):
    """A paragraph of running text; ``emphasis`` sets it off in a shaded box."""

    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class FactGrid:
    """Labelled values laid out in a grid, such as the clinic and hire details."""

    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class SignatureLines(_Normalized):
    """Labelled blank lines long enough to sign or print a name on by hand."""

    labels: tuple[str, ...]


@dataclass(frozen=True)
class Verification(_Normalized):
    """The record's fingerprint in full, and a QR code of the address that checks it.

    ``heading`` and ``verify_at`` label the fingerprint and the address in the record's language.
    """

    fingerprint: str
    url: str
    explanation: str
    heading: str
    verify_at: str


@dataclass(frozen=True)
class Signatures(_Normalized):
    """One row per signer: a line to sign, a line for the printed name and a date line.

    ``signers`` name who signs ("Staff member", "Manager"); the other labels caption the lines.
    """

    signers: tuple[str, ...]
    signature: str = "Signature"
    printed_name: str = "Printed name"
    date: str = "Date"


Block = Note | FactGrid | Table | SignatureLines | Signatures | Verification


@dataclass(frozen=True)
class Section(_Normalized):
    heading: str
    blocks: tuple[Block, ...]
    count: str = ""  # shown beside the heading, e.g. "7 duties"
    keep_together: bool = False  # short closing sections: never split across pages


@dataclass(frozen=True)
class Footer(_Normalized):
    """Facts printed on every page next to "Page X of Y", and the disclaimer line.

    ``page`` spells "Page X of Y" in the document's language, with ``{page}`` and ``{total}``;
    ``continued`` names a section again above its table carried onto a new page.
    """

    facts: tuple[str, ...]
    disclaimer: str
    page: str = "Page {page} of {total}"
    continued: str = "{section} (continued)"


@dataclass(frozen=True)
class Document(_Normalized):
    """A whole export: metadata, the first-page header, the sections and the page furniture."""

    title: str  # the PDF's title metadata
    kicker: str  # the small line above the headline, usually the clinic's name
    headline: str
    running_head: str  # top of every page after the first, so loose pages stay identifiable
    header: tuple[Fact, ...]
    sections: tuple[Section, ...]
    footer: Footer
    intro: str = ""  # one short paragraph under the header: how to use the page
    fill_ins: tuple[str, ...] = ()  # blank lines under the header: "Staff member", "Supervisor"
    landscape: bool = False
    subject: str = ""
    author: str = "clinic_onboard"  # the clinic, for a document it issues
    language: str = "en-CA"
    # The PDF's creation date: when the record was generated or the form printed (the same
    # document and time still give the same bytes). None: a fixed date, for a form not dated.
    created_at: datetime | None = None
