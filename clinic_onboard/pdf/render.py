"""``render``: a ``Document`` in, PDF bytes out, with reportlab's platypus.

The only module that knows about reportlab. No Flask, no database, no clock: reportlab runs in
invariant mode (fixed creation date and document id), so the same document always gives the same
bytes, and a printed record can be compared with a fresh export of it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
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
    Table,
    Tone,
    Verification,
)

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5b6770")
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
        creator=document.author,
        lang=document.language,
        initialFontName=REGULAR,  # otherwise every page references an unembedded Helvetica
        invariant=1,
    )
    furniture = partial(_furniture, document=document, pagesize=pagesize)
    template.build(list(_story(document, width)), canvasmaker=partial(_PagedCanvas, furniture))
    return buffer.getvalue()


class _PagedCanvas(Canvas):
    """Holds every page until the end so the footer can say "Page X of Y"."""

    def __init__(self, furniture: Callable[[Canvas, int], None], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self._furniture(self, len(self._pages))
            super().showPage()
        super().save()


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
    canvas.setFont(REGULAR, 8)
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


@cache
def _style(look: _Look) -> ParagraphStyle:
    alignment = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}[look.align]
    return ParagraphStyle(
        name=repr(look),
        fontName=BOLD if look.bold else REGULAR,
        fontSize=look.size,
        leading=look.leading or round(look.size * 1.28, 1),
        textColor=look.color or TONES[look.tone],
        alignment=alignment,
        splitLongWords=1,  # ids, emails and hashes with no spaces must still wrap in a cell
    )


def _para(text: str, look: _Look) -> Paragraph:
    """A paragraph of plain text: markup characters escaped, line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), _style(look))


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
    for section in document.sections:
        yield from _section(section, width)


def _rule(width: float, thickness: float, color: colors.Color) -> RLTable:
    line = RLTable([[""]], colWidths=[width], rowHeights=[thickness])
    line.setStyle(_base_style([("BACKGROUND", (0, 0), (-1, -1), color)]))
    return line


def _section(section: Section, width: float) -> Iterator[Flowable]:
    yield CondPageBreak(KEEP_WITH_HEADING)
    yield Spacer(1, 14)
    content = [_heading(section), Spacer(1, 5)]
    for block in section.blocks:
        content += [_block(block, width), Spacer(1, 8)]
    if section.keep_together:
        yield KeepTogether(content)
    else:
        yield from content


def _heading(section: Section) -> Paragraph:
    """The section title, with its count in smaller grey type beside it."""
    count = (
        f'  <font name="{REGULAR}" size="9" color="{MUTED.hexval()}">{escape(section.count)}</font>'
    )
    heading = escape(section.heading) + (count if section.count else "")
    return Paragraph(heading, _style(_Look(size=13, bold=True, color=ACCENT, leading=17)))


def _block(block: Block, width: float) -> Flowable:
    match block:
        case Table():
            table = _table(block, width)
            return KeepTogether([table]) if block.keep_together else table
        case FactGrid():
            return _fact_grid(block, width)
        case Note():
            return _note(block, width)
        case SignatureLines():
            return _signature_lines(block.labels, width)
        case Verification():
            return _verification(block, width)
    raise TypeError(f"cannot render {type(block).__name__}")


# ---- blocks -----------------------------------------------------------------------------------


def _table(table: Table, width: float) -> RLTable:
    header = [
        _para(column.heading, _Look(size=8.5, bold=True, color=ACCENT, align=column.align))
        for column in table.columns
    ]
    rows = [
        [
            _cell(cell, column, table.write_in)
            for cell, column in zip(row, table.columns, strict=True)
        ]
        for row in table.rows
    ]
    result = RLTable(
        [header, *rows],
        colWidths=[width * column.share for column in table.columns],
        repeatRows=1,
    )
    result.setStyle(_table_style(table.write_in, len(rows)))
    return result


def _cell(cell: Cell, column: Column, write_in: bool) -> list[Flowable]:
    if cell.kind == "checkbox":
        return [_para("☐", _Look(size=15, align="center", leading=15))]
    if not cell.text and not cell.detail:
        return [Spacer(1, WRITE_IN_HEIGHT if write_in else 0)]
    flowables: list[Flowable] = [
        _para(cell.text, _Look(size=9, bold=cell.bold, tone=cell.tone, align=column.align))
    ]
    if cell.detail:
        flowables.append(
            _para(cell.detail, _Look(size=8, tone="muted", align=column.align, leading=10))
        )
    return flowables


def _table_style(write_in: bool, row_count: int) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
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
    label_width, gutter = 80.0, 18.0
    blank_width = (width - 2 * label_width - gutter) / 2
    padded = [*labels, ""] if len(labels) % 2 else list(labels)
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
        colWidths=[label_width, blank_width, gutter, label_width, blank_width],
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


def _signature_label(label: str) -> Paragraph | str:
    return _para(label, _Look(size=8.5, tone="muted")) if label else ""


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
    """The QR code beside the full fingerprint and address, kept together on the last page."""
    text = [
        _para(verification.heading, _Look(size=8, tone="muted")),
        _para(verification.fingerprint, _Look(size=9.5, bold=True)),
        Spacer(1, 6),
        _para(verification.verify_at, _Look(size=8, tone="muted")),
        _para(verification.url, _Look(size=9.5, color=ACCENT)),
        Spacer(1, 6),
        _para(verification.explanation, _Look(size=8.5, tone="muted")),
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


def _qr(value: str) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    scale_x, scale_y = QR_SIZE / (right - left), QR_SIZE / (top - bottom)
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[scale_x, 0, 0, scale_y, 0, 0])
    drawing.initialFontName = REGULAR  # the graphics default is an unembedded Helvetica
    drawing.add(widget)
    return drawing
