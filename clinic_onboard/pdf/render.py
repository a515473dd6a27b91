"""``render``: a ``Document`` in, PDF bytes out, with reportlab's platypus.

The only module that knows about reportlab. No Flask, no database, no clock: reportlab runs in
invariant mode (fixed document id) with the document's own creation date, so the same document
always gives the same bytes, and a printed record can be compared with a fresh export of it.

Text is set for paper: a word too wide for its cell first shrinks, down to a floor size, then
breaks at a hyphenation point of its language (pyphen's dictionaries), never mid-syllable; a
section's name is repeated above a table continued on the next page; each section is a bookmark.
In French, an ordinal's ending is raised (1<sup>er</sup>), as French print sets it.
"""

import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache, partial
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

import pyphen
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from clinic_onboard.pdf.fonts import BOLD, REGULAR, register_fonts
from clinic_onboard.pdf.model import (
    Block,
    Cell,
    Column,
    Document,
    Fact,
    FactGrid,
    Footer,
    Note,
    Section,
    SignatureLines,
    Signatures,
    Table,
    Tone,
    Verification,
)

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#4f5b63")  # 6.5:1 on white, 6.1:1 on the zebra rows
ACCENT = colors.HexColor("#0e5a63")
RULE = colors.HexColor("#aab5bc")
HEADER_FILL = colors.HexColor("#e2ecee")
ZEBRA = colors.HexColor("#f5f7f8")
NOTE_FILL = colors.HexColor("#eef4f5")
TONES: dict[Tone, colors.Color] = {
    "plain": INK,
    "muted": MUTED,
    "good": colors.HexColor("#1d6b35"),
    "warn": colors.HexColor("#8a5200"),
    "bad": colors.HexColor("#a3161a"),
}
MARGIN_X = 0.6 * inch
MARGIN_TOP = 0.75 * inch
MARGIN_BOTTOM = 0.9 * inch
WRITE_IN_HEIGHT = 24  # points: room for a handwritten name or initials
SIGNATURE_HEIGHT = 30
QR_SIZE = 1.2 * inch
KEEP_WITH_HEADING = 150  # a section heading needs this much room below it or starts a new page
DETAIL_SIZE = 9  # guidance and details: nothing a reader must read is smaller
FLOOR_SIZE = 7  # a word too wide for its cell shrinks to this size before it is hyphenated
CELL_PADDING = 8  # left and right padding of a table cell together
CELL_PADDING_Y = 5  # top padding of a table cell, and its bottom padding
_UNBOUNDED = 72000  # the height a table offers a cell's flowables to measure them
# pyphen's dictionary for each language of the documents.
_HYPHENATION = {"en": "en_US", "fr": "fr"}
# A French ordinal: "1er", "1re", "2e", "21es", a number standing alone with its ending (not
# a piece of a fingerprint or a code such as "HSF-2e"); its ending is set in superscript.
_FRENCH_ORDINAL = re.compile(r"(?<![\w.\-/])(\d+)(ers|res|er|re|es|e)(?![\w\-])")
_language: ContextVar[str] = ContextVar("pdf_language", default="en")
# What a paragraph sets apart though Python's str.split() does not: a zero-width space (a
# break) and a soft hyphen (a break point, not printed).
_SET_APART = re.compile("[\u200b\u00ad]")


def render(document: Document) -> bytes:
    """The PDF of ``document``: US Letter, fonts embedded, metadata set, byte-for-byte stable."""
    register_fonts()
    buffer = BytesIO()
    pagesize = landscape(letter) if document.landscape else letter
    width = pagesize[0] - 2 * MARGIN_X
    # no frame padding: text, tables and rules all start at the margin
    frame = Frame(
        MARGIN_X, MARGIN_BOTTOM, width, pagesize[1] - MARGIN_TOP - MARGIN_BOTTOM, 0, 0, 0, 0
    )
    template = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        pageTemplates=[PageTemplate("page", [frame])],
        title=document.title,
        author=document.author,
        subject=document.subject,
        creator="clinic_onboard",
        lang=document.language,
        initialFontName=REGULAR,  # otherwise every page references an unembedded Helvetica
        invariant=1,
    )
    furniture = partial(_furniture, document=document, pagesize=pagesize)
    canvas = partial(_PagedCanvas, furniture, document.created_at)
    token = _language.set(document.language.split("-")[0])
    try:
        template.build(list(_story(document, width)), canvasmaker=canvas)
    finally:
        _language.reset(token)
    return buffer.getvalue()


class _PagedCanvas(Canvas):
    """Holds every page until the end so the footer can say "Page X of Y"; dates the PDF."""

    def __init__(
        self,
        furniture: Callable[[Canvas, int], None],
        created_at: datetime | None,
        *args: Any,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []
        if created_at is not None:
            self._doc._timeStamp = _timestamp(created_at)
        self.setViewerPreference("DisplayDocTitle", "true")

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self._furniture(self, len(self._pages))
            super().showPage()
        super().save()


def _timestamp(when: datetime) -> TimeStamp:
    """reportlab's creation stamp for ``when`` (in UTC), instead of the invariant 2000-01-01."""
    stamp = TimeStamp(invariant=1)
    utc = when.astimezone(UTC)
    stamp.t = utc.timestamp()
    stamp.lt = utc.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    return stamp


# ---- page furniture: running head and footer --------------------------------------------------


def _furniture(
    canvas: Canvas, total: int, document: Document, pagesize: tuple[float, float]
) -> None:
    page_width, page_height = pagesize
    right = page_width - MARGIN_X
    canvas.saveState()
    if canvas.getPageNumber() > 1:
        _running_head(canvas, document.running_head, page_height, right)
    page = document.footer.page.format(page=canvas.getPageNumber(), total=total)
    _footer(canvas, document.footer, page, right)
    canvas.restoreState()


def _running_head(canvas: Canvas, text: str, page_height: float, right: float) -> None:
    top = page_height - 0.45 * inch
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN_X, top, text)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, top - 5, right, top - 5)


def _footer(canvas: Canvas, footer: Footer, page: str, right: float) -> None:
    base = 0.45 * inch
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, base + 22, right, base + 22)
    canvas.setFillColor(INK)
    if footer.disclaimer:  # blank guidance only: a signed record is not advice
        room = right - MARGIN_X - stringWidth(page, BOLD, 9) - 12  # never under the page number
        size = min(8, max(6, 8 * room / stringWidth(footer.disclaimer, REGULAR, 8)))
        canvas.setFont(REGULAR, size)
        canvas.drawString(MARGIN_X, base + 10, footer.disclaimer)
    canvas.setFont(BOLD, 9)
    canvas.drawRightString(right, base + 10, page)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    canvas.drawString(MARGIN_X, base, "  ·  ".join(footer.facts))


# ---- paragraph styles -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Look:
    """What a piece of text looks like; styles are built once per look and shared."""

    size: float = 9.5
    bold: bool = False
    tone: Tone = "plain"
    align: str = "left"
    color: colors.Color | None = None
    leading: float | None = None


def _style(look: _Look) -> ParagraphStyle:
    return _styled(look, _language.get())


@cache
def _styled(look: _Look, language: str) -> ParagraphStyle:
    alignment = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}[look.align]
    return ParagraphStyle(
        name=f"{look!r} {language}",
        fontName=BOLD if look.bold else REGULAR,
        fontSize=look.size,
        leading=look.leading or round(look.size * 1.28, 1),
        textColor=look.color or TONES[look.tone],
        alignment=alignment,
        # ``_broken`` has already cut what cannot fit; this only guards a width rounding
        splitLongWords=1,
    )


@cache
def _hyphenator(language: str) -> pyphen.Pyphen:
    """The language's hyphenation dictionary, loaded once per process."""
    return pyphen.Pyphen(lang=_HYPHENATION.get(language, "en_US"))


def _para(text: str, look: _Look, room: float | None = None) -> Flowable:
    """A paragraph of plain text: markup characters escaped, line breaks kept; given the
    ``room`` it has, a word wider than that is broken at its hyphenation points, and text
    that fits on one line is a ``_Line``, which prints it the same at a fraction of the cost."""
    font = BOLD if look.bold else REGULAR
    if room is not None and _one_line(text, font, look.size, room):
        return _Line(text, _style(look))
    lines = text.split("\n")
    if room is None:
        markup = "<br/>".join(escape(line) for line in lines)
    else:
        markup = "<br/>".join(_broken(line, font, look.size, room) for line in lines)
    return Paragraph(typeset(markup), _style(look))


def _one_line(text: str, font: str, size: float, room: float) -> bool:
    """Whether a paragraph would set ``text`` as it stands on a single line of ``room``:
    words apart by single spaces (a paragraph collapses others, measures a no-break space
    its own way, breaks at a zero-width space, hides a soft hyphen), nothing for
    ``typeset`` to raise, and as wide as its words and spaces measured one by one, as the
    paragraph measures them, at most ``room``."""
    if _SET_APART.search(text) or text.split(" ") != text.split():
        return False
    if typeset(escape(text)) != escape(text):
        return False
    space = stringWidth(" ", font, size)
    width = -space  # summed in the paragraph's order, so a line just at ``room`` agrees
    for word in _word_widths(text, font, size):
        width = width + space + word
    return width <= room


@lru_cache(maxsize=4096)
def _word_widths(text: str, font: str, size: float) -> tuple[float, ...]:
    """The width of each word of ``text``: a summary's cells repeat a few words ("Done",
    "Overdue") thousands of times, each measured for its size and its line."""
    return tuple(stringWidth(word, font, size) for word in text.split())


class _Line(Flowable):
    """One line of plain text, set where a one-line ``Paragraph`` of the same style sets it
    (its font, colour and alignment, the baseline a font size below the top, a leading
    tall), without parsing markup or breaking lines. A summary of 400 staff has some
    11,000 cells, nearly all one word such as "Done": as paragraphs, parsing, line breaking
    and drawing them again on every measure of the table took most of its seconds."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        spare = self.width - stringWidth(self.text, style.fontName, style.fontSize)
        x = {TA_LEFT: 0, TA_CENTER: spare / 2, TA_RIGHT: spare}[style.alignment]
        # no saveState here: ``drawOn`` saves and restores the canvas around ``draw``
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize, style.leading)
        canvas.drawString(x, self.height - style.fontSize, self.text)


def typeset(markup: str) -> str:
    """``markup`` with the typography of the document's language: in French, an ordinal's
    ending raised ("1<super>er</super> décembre"), as French print sets « 1er »."""
    if _language.get() != "fr":
        return markup
    return _FRENCH_ORDINAL.sub(r"\1<super>\2</super>", markup)


def fitting_size(
    text: str, bold: bool, size: float, width: float, floor: float = FLOOR_SIZE
) -> float:
    """The size at which the widest word of ``text`` fits ``width``, not below ``floor``:
    a name or a long word shrinks a little rather than break."""
    widest = max(_word_widths(text, BOLD if bold else REGULAR, size), default=0)
    if widest <= width:
        return size
    return max(floor, int(size * width / widest * 10) / 10)


def _broken(line: str, font: str, size: float, room: float) -> str:
    """``line`` as markup, each word too wide for ``room`` cut into pieces that fit: at its
    hyphenation points (a hyphen marks the cut), after "-", ".", "@", "/" or "_", and only
    where a word has none of those, anywhere, still with a hyphen. Words that fit are left
    to the paragraph's own wrapping, so ordinary text is never hyphenated."""
    words = line.split(" ")
    if all(stringWidth(word, font, size) <= room for word in words):
        return escape(line)
    out: list[str] = []
    for word in words:
        if stringWidth(word, font, size) <= room:
            out.append(escape(word))
        else:
            pieces = _pieces(word, font, size, room)
            out.append("<br/>" + "<br/>".join(escape(piece) for piece in pieces) + "<br/>")
    return " ".join(out).replace(" <br/>", "<br/>").replace("<br/> ", "<br/>")


def _pieces(word: str, font: str, size: float, room: float) -> list[str]:
    """Greedy cuts of ``word``: each piece, with its hyphen, as wide as fits ``room``."""
    cuts = _cut_points(word)
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while stringWidth(_piece(word, start, end), font, size) > room:
            fitting = [cut for cut in cuts if start < cut < end]
            end = fitting[-1] if fitting else end - 1
            if end <= start + 1:
                end = start + 1
                break
        pieces.append(_piece(word, start, end))
        start = end
    return pieces


def _cut_points(word: str) -> list[int]:
    """Where ``word`` may be cut: after punctuation, at hyphenation points, then anywhere
    (the later kinds are tried only when the earlier leave a piece too wide)."""
    punctuation = {i + 1 for i, char in enumerate(word) if char in "-./@_"}
    hyphenation = set(_hyphenator(_language.get()).positions(word))
    return sorted((punctuation | hyphenation) - {0, len(word)})


def _piece(word: str, start: int, end: int) -> str:
    """The piece from ``start`` to ``end``, with a hyphen when cut inside a word."""
    piece = word[start:end]
    cut_inside = end < len(word) and piece[-1:].isalnum() and word[end : end + 1].isalnum()
    return f"{piece}-" if cut_inside else piece


BODY = _Look()


# ---- the story: header, then sections ---------------------------------------------------------


def _story(document: Document, width: float) -> Iterator[Flowable]:
    yield _para(document.kicker, _Look(size=10, bold=True, color=ACCENT))
    yield Spacer(1, 3)
    yield _para(document.headline, _Look(size=19, bold=True, leading=23))
    yield Spacer(1, 6)
    yield _rule(width, 1.6, ACCENT)
    yield Spacer(1, 8)
    yield _fact_grid(FactGrid(document.header), width)
    if document.fill_ins:
        yield Spacer(1, 4)
        yield _fill_ins(document.fill_ins, width)
    if document.intro:
        yield Spacer(1, 10)
        yield _para(document.intro, BODY)
    sections = [
        list(_section(section, width, f"section-{number}", _continued(document, section)))
        for number, section in enumerate(document.sections)
    ]
    if _closing_moves_with_the_one_before(document.sections):
        *sections, before, closing = sections
        sections.append([KeepTogether(list(_unwrapped(before + closing)))])
    for flowables in sections:
        yield from flowables


def _continued(document: Document, section: Section) -> str:
    return document.footer.continued.format(section=section.heading)


def _closing_moves_with_the_one_before(sections: tuple[Section, ...]) -> bool:
    """Whether the closing section (signatures kept together at the end) takes the short
    section before it along to a new page: signatures alone on a last page, after a page with
    room, are easy to detach or swap. A section with a table is not short: it splits instead."""
    if len(sections) < 2 or not sections[-1].keep_together:
        return False
    return not any(isinstance(block, Table) for block in sections[-2].blocks)


def _rule(width: float, thickness: float, color: colors.Color) -> RLTable:
    line = RLTable([[""]], colWidths=[width], rowHeights=[thickness])
    line.setStyle(_base_style([("BACKGROUND", (0, 0), (-1, -1), color)]))
    return line


def _section(section: Section, width: float, key: str, continued: str) -> Iterator[Flowable]:
    """The heading and its blocks; a section with no table to split is kept whole, so a short
    closing note never sits alone on a page after one that had room for it."""
    has_table = any(isinstance(block, Table) for block in section.blocks)
    if has_table and not section.keep_together:
        yield CondPageBreak(KEEP_WITH_HEADING)
    yield Spacer(1, 14)
    content: list[Flowable] = [_heading(section, key), Spacer(1, 5)]
    for block in section.blocks:
        content += [_block(block, width, continued), Spacer(1, 8)]
    if section.keep_together or not has_table:
        yield KeepTogether(list(_unwrapped(content)))
    else:
        yield from content


def _unwrapped(flowables: list[Flowable]) -> Iterator[Flowable]:
    """The flowables with any ``KeepTogether`` opened: reportlab measures a nested one as
    infinitely tall, which sent every closing section to a page of its own."""
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            yield from _unwrapped(flowable._content)
        else:
            yield flowable


class _Heading(Paragraph):
    """A section heading that is also the PDF's bookmark to its page."""

    def __init__(self, text: str, style: ParagraphStyle, title: str, key: str) -> None:
        super().__init__(text, style)
        self._title, self._key = title, key

    def draw(self) -> None:
        self.canv.bookmarkPage(self._key)
        self.canv.addOutlineEntry(self._title, self._key, level=0)
        super().draw()


def _heading(section: Section, key: str) -> Paragraph:
    """The section title, with its count in smaller grey type beside it."""
    count = (
        f'  <font name="{REGULAR}" size="9" color="{MUTED.hexval()}">{escape(section.count)}</font>'
    )
    heading = typeset(escape(section.heading)) + (count if section.count else "")
    style = _style(_Look(size=13, bold=True, color=ACCENT, leading=17))
    return _Heading(heading, style, section.heading, key)


def _block(block: Block, width: float, continued: str) -> Flowable:
    match block:
        case Table():
            table = _table(block, width, continued)
            return KeepTogether([table]) if block.keep_together else table
        case FactGrid():
            return _fact_grid(block, width)
        case Note():
            return _note(block, width)
        case SignatureLines():
            return _signature_lines(block.labels, width)
        case Signatures():
            return _signatures(block, width)
        case Verification():
            return _verification(block, width)
    raise TypeError(f"cannot render {type(block).__name__}")


# ---- blocks -----------------------------------------------------------------------------------


class _ContinuedTable(RLTable):
    """A table that names its section again above the part carried onto the next page."""

    continued = ""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) < 2 or not self.continued:
            return parts
        first, *rest = parts
        for part in rest:
            part.continued = self.continued
        label = _para(self.continued, _Look(size=10, bold=True, color=ACCENT))
        return [first, PageBreak(), label, Spacer(1, 3), *rest]


def _table(table: Table, width: float, continued: str = "") -> RLTable:
    widths = [width * column.share for column in table.columns]
    header = [
        _column_heading(column, column_width)
        for column, column_width in zip(table.columns, widths, strict=True)
    ]
    # Cells alike share their flowables ("Done" a thousand times over is set once): a table
    # wraps a cell's flowables again just before drawing them, so sharing them is safe.
    made = cache(partial(_cell, write_in=table.write_in))
    rows = [
        [
            made(cell, column, width=column_width)
            for cell, column, column_width in zip(row, table.columns, widths, strict=True)
        ]
        for row in table.rows
    ]
    heights = [_row_height(row, widths) for row in [header, *rows]]
    result = _ContinuedTable([header, *rows], colWidths=widths, rowHeights=heights, repeatRows=1)
    result.continued = continued
    result.setStyle(_table_style(table.write_in, len(rows)))
    return result


def _row_height(row: list[Any], widths: list[float]) -> float:
    """The row's height as the table measures it (its tallest cell's flowables stacked, with
    the padding), measured once here: left to the table, every row was measured again each
    time the table was wrapped or split, a page of rows at a time, most rows many times."""
    tallest = 0.0
    for cell, width in zip(row, widths, strict=True):
        flowables = cell if isinstance(cell, list) else [cell]
        tallest = max(tallest, sum(f.wrap(width - CELL_PADDING, _UNBOUNDED)[1] for f in flowables))
    return tallest + CELL_PADDING_Y + CELL_PADDING_Y


def _column_heading(column: Column, width: float) -> Flowable:
    room = width - CELL_PADDING
    size = fitting_size(column.heading, True, 8.5, room, floor=6.5)
    return _para(
        column.heading, _Look(size=size, bold=True, color=ACCENT, align=column.align), room
    )


def _cell(cell: Cell, column: Column, write_in: bool, width: float) -> list[Flowable]:
    room = width - CELL_PADDING
    if cell.kind == "checkbox":
        return [_para("☐", _Look(size=15, align="center", leading=15), room)]
    if not cell.text and not cell.detail:  # a muted blank (a closed day) has nothing to fill in
        return [Spacer(1, WRITE_IN_HEIGHT if write_in and cell.tone != "muted" else 0)]
    size = fitting_size(cell.text, cell.bold, 9, room)
    look = _Look(size=size, bold=cell.bold, tone=cell.tone, align=column.align)
    flowables: list[Flowable] = [_para(cell.text, look, room)]
    if cell.detail:
        # guidance is read, not glanced at: it never shrinks under 9 pt, a long word breaks
        detail_look = _Look(size=DETAIL_SIZE, tone="muted", align=column.align, leading=11.5)
        flowables.append(_para(cell.detail, detail_look, room))
    return flowables


def _table_style(write_in: bool, row_count: int) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING_Y),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
    ]
    if write_in:
        # boxes to write in: every cell ruled so initials and dates land in the right row
        commands += [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BOX", (0, 0), (-1, -1), 0.8, MUTED)]
    elif row_count:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]))
    return _base_style(commands)


def _base_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style on the embedded font: even an empty cell would otherwise pull in Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def _fact_grid(grid: FactGrid, width: float) -> RLTable:
    per_row = 4 if len(grid.facts) % 4 == 0 else 3
    cells = [_fact(fact) for fact in grid.facts]
    cells += [[]] * (-len(cells) % per_row)
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    table = RLTable(rows, colWidths=[width / per_row] * per_row)
    table.setStyle(
        _base_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _fact(fact: Fact) -> list[Flowable]:
    return [
        _para(fact.label, _Look(size=7.5, tone="muted")),
        _para(fact.value, _Look(size=10.5, bold=True)),
    ]


def _fill_ins(labels: tuple[str, ...], width: float) -> RLTable:
    """Label and a ruled blank, two to a row: "Staff member ________   Supervisor ________"."""
    gutter = 18.0
    padded = [*labels, ""] if len(labels) % 2 else list(labels)
    left_width, right_width = _label_width(padded[::2], width), _label_width(padded[1::2], width)
    blank_width = (width - left_width - right_width - gutter) / 2
    rows = [
        [
            _para(left, _Look(size=9, tone="muted")),
            "",
            "",
            _para(right, _Look(size=9, tone="muted")),
            "",
        ]
        for left, right in zip(padded[::2], padded[1::2], strict=True)
    ]
    table = RLTable(
        rows,
        colWidths=[left_width, blank_width, gutter, right_width, blank_width],
        rowHeights=[WRITE_IN_HEIGHT + 4] * len(rows),
    )
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
    ]
    if len(labels) > 1:
        commands.append(("LINEBELOW", (4, 0), (4, len(labels) // 2 - 1), 0.6, INK))
    table.setStyle(_base_style(commands))
    return table


def _label_width(labels: list[str], width: float) -> float:
    """A column of fill-in labels as wide as its longest (« Superviseur ou superviseure » on
    one line, with the cell's right padding), at most a quarter and a bit of the page."""
    widest = max((stringWidth(label, REGULAR, 9) for label in labels), default=0) + 8
    return min(max(80.0, widest), width * 0.27)


def _signature_lines(labels: tuple[str, ...], width: float) -> KeepTogether:
    """Long lines with their label underneath, two to a row, kept on one page."""
    gutter = 28.0
    line_width = (width - gutter) / 2
    padded = [*labels, ""] if len(labels) % 2 else list(labels)
    rows: list[list[Any]] = []
    for left, right in zip(padded[::2], padded[1::2], strict=True):
        rows += [["", "", ""], [_signature_label(left), "", _signature_label(right)]]
    heights = [SIGNATURE_HEIGHT if i % 2 == 0 else None for i in range(len(rows))]
    table = RLTable(rows, colWidths=[line_width, gutter, line_width], rowHeights=heights)
    commands: list[tuple[Any, ...]] = [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
    ]
    for row in range(0, len(rows), 2):
        commands.append(("LINEBELOW", (0, row), (0, row), 0.8, INK))
        if padded[row + 1]:
            commands.append(("LINEBELOW", (2, row), (2, row), 0.8, INK))
    table.setStyle(_base_style(commands))
    return KeepTogether([table])


def _signature_label(label: str) -> Flowable | str:
    return _para(label, _Look(size=DETAIL_SIZE, tone="muted")) if label else ""


def _signatures(block: Signatures, width: float) -> KeepTogether:
    """Per signer: a signature line, a line for the printed name and a date line, each
    captioned beneath, so every signature on paper says whose it is and when it was made."""
    gutter = 14.0
    shares = (0.42, 0.38, 0.20)
    widths = [(width - 2 * gutter) * share for share in shares]
    rows: list[list[Any]] = []
    for signer in block.signers:
        captions = (f"{block.signature} — {signer}", block.printed_name, block.date)
        rows += [["", "", "", "", ""]]
        rows += [
            [
                _signature_label(captions[0]),
                "",
                _signature_label(captions[1]),
                "",
                _signature_label(captions[2]),
            ]
        ]
    heights = [SIGNATURE_HEIGHT if i % 2 == 0 else None for i in range(len(rows))]
    table = RLTable(
        rows,
        colWidths=[widths[0], gutter, widths[1], gutter, widths[2]],
        rowHeights=heights,
    )
    commands: list[tuple[Any, ...]] = [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
    ]
    for row in range(0, len(rows), 2):
        commands += [("LINEBELOW", (column, row), (column, row), 0.8, INK) for column in (0, 2, 4)]
    table.setStyle(_base_style(commands))
    return KeepTogether([table])


def _note(note: Note, width: float) -> Flowable:
    paragraph = _para(note.text, BODY)
    if not note.emphasis:
        return paragraph
    box = RLTable([[paragraph]], colWidths=[width])
    box.setStyle(
        _base_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NOTE_FILL),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return box


def _verification(verification: Verification, width: float) -> KeepTogether:
    """The QR code beside the full fingerprint and address, both leading to the check."""
    link = escape(verification.url)
    text = [
        _para(verification.heading, _Look(size=DETAIL_SIZE, tone="muted")),
        _para(verification.fingerprint, _Look(size=9.5, bold=True)),
        Spacer(1, 6),
        _para(verification.verify_at, _Look(size=DETAIL_SIZE, tone="muted")),
        Paragraph(
            f'<a href="{link}" color="{ACCENT.hexval()}"><u>{link}</u></a>',
            _style(_Look(size=9.5, color=ACCENT)),
        ),
        Spacer(1, 6),
        _para(verification.explanation, _Look(size=DETAIL_SIZE, tone="muted")),
    ]
    table = RLTable([[_qr(verification.url), text]], colWidths=[QR_SIZE + 14, width - QR_SIZE - 14])
    table.setStyle(
        _base_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.8, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return KeepTogether([table])


class _LinkedDrawing(Flowable):
    """A drawing that is also a link: a click on the QR code opens what it encodes."""

    def __init__(self, drawing: Drawing, url: str) -> None:
        super().__init__()
        self._drawing, self._url = drawing, url
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self._drawing.drawOn(self.canv, 0, 0)
        self.canv.linkURL(self._url, (0, 0, self.width, self.height), relative=1)


def _qr(value: str) -> Flowable:
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    scale_x, scale_y = QR_SIZE / (right - left), QR_SIZE / (top - bottom)
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[scale_x, 0, 0, scale_y, 0, 0])
    drawing.initialFontName = REGULAR  # the graphics default is an unembedded Helvetica
    drawing.add(widget)
    return _LinkedDrawing(drawing, value)
