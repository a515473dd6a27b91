"""The day-grid documents say what a binder needs, before any rendering."""

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clinic_onboard.catalog import Catalog, load_catalog
from clinic_onboard.pdf.day_grid import (
    DutyGridInput,
    DutyLine,
    EntryLine,
    MonthInput,
    SheetInput,
    blank_log_sheet,
    duty_checklist_grid,
    filled_log_month,
)
from clinic_onboard.pdf.model import Document, Note, Table

LIBRARY = Path(__file__).resolve().parents[2] / "checklists"
MON = date(2026, 12, 7)
CONTINUED_EN = "{section} (continued)"


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(LIBRARY)


def _table(document: Document, index: int = 0) -> Table:
    block = document.sections[index].blocks[0]
    assert isinstance(block, Table)
    return block


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_week_sheet_has_a_row_per_day_closed_days_shaded(real: Catalog, lang: str) -> None:
    log = real.log("ipac.log.vaccine_fridge")
    days = frozenset(date(2026, 12, d) for d in range(7, 12))
    sheet = SheetInput(
        "Harbour", "Fridge 2", log, MON, date(2026, 12, 13), days,
        frozenset({date(2026, 12, 12), date(2026, 12, 13)}), lang,
    )  # fmt: skip
    document = blank_log_sheet(sheet)
    table = _table(document)
    assert len(table.rows) == 7 and table.write_in
    assert table.rows[5][1].tone == "muted" and table.rows[0][1].text == ""
    assert {cell.text for cell in table.rows[5][2:]} == {"\u2014"}  # closed: nothing to fill in
    # three fields, initials and time, for each of the two sessions
    assert len(table.columns) == 1 + 2 * (3 + 2)
    facts = {fact.label: fact.value for fact in document.header}
    assert "2026-12-07" in next(iter(facts.values())) and "Fridge 2" in facts.values()
    # a table carried onto the next page is named again in the sheet's language
    assert document.footer.continued == ("{section} (suite)" if lang == "fr" else CONTINUED_EN)
    # the fridge's three fields share one range: printed once, naming them
    ranges = [(label, value) for label, value in facts.items() if "8,0" in value or "8.0" in value]
    names = "Actuelle, Min., Max." if lang == "fr" else "Current, Min, Max"
    assert ranges == [
        (names, "+2,0 \u2013 +8,0\u00a0°C" if lang == "fr" else "+2.0 \u2013 +8.0\u00a0°C")
    ]


def test_the_filled_month_marks_voided_and_out_of_range_readings(real: Catalog) -> None:
    log = real.log("ipac.log.vaccine_fridge")
    moment = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    values = {"current": 4.0, "minimum": 3.0, "maximum": 9.0}
    entries = (
        EntryLine(MON, "opening", values, ("maximum",), "Ana", moment),
        EntryLine(MON, "closing", values, (), "Ana", moment, voided_reason="Wrong fridge"),
    )
    month = MonthInput("Harbour", "Fridge 2", log, date(2026, 12, 1), entries, (), (), moment, "en")
    table = _table(filled_log_month(month))
    assert table.rows[0][4].tone == "bad" and table.rows[0][4].detail == "out of range"
    assert table.rows[1][-1].text == "Voided: Wrong fridge" and table.rows[1][4].tone == "muted"
    assert [c.heading for c in table.columns][-3:] == ["By", "Recorded", "Notes"]
    assert filled_log_month(replace(month, language="fr")).footer.continued == "{section} (suite)"
    unvoided = _table(filled_log_month(replace(month, entries=entries[:1])))
    assert unvoided.columns[-1].heading == "Recorded"  # nothing voided: no notes column


def test_the_duty_grid_has_a_column_per_open_day_and_per_week(real: Catalog) -> None:
    duties = (
        DutyLine("Open the fridge log", "start_of_day"),
        DutyLine("Check the kit", "weekly"),
        DutyLine("Clean your hands", "per_patient"),
    )
    days = tuple(date(2026, 12, d) for d in (7, 8, 14))
    sheet = DutyGridInput("Harbour", "Assistant", duties, days, MON, date(2026, 12, 20), "en")
    document = duty_checklist_grid(sheet)
    # in the working order: start of day, with every patient, ..., weekly
    standing = document.sections[1]
    assert [c.heading for c in _table(document, 0).columns][1:] == ["7", "8", "14"]
    assert isinstance(standing.blocks[0], Note) and standing.blocks[0].text.endswith("hands")
    assert len(_table(document, 2).columns) == 1 + 2  # the weeks of the 7th and the 14th


def test_a_closed_day_is_one_line_so_a_week_fits_on_its_first_page(real: Catalog) -> None:
    """A closed day has nothing to write in: its blanks are muted and take no pen's room."""
    from io import BytesIO

    from pypdf import PdfReader

    from clinic_onboard.pdf.render import render

    log = real.log("ipac.log.vaccine_fridge")
    weekend = frozenset({date(2026, 12, 12), date(2026, 12, 13)})
    days = frozenset(date(2026, 12, d) for d in range(7, 12))
    sheet = SheetInput("Harbour", "Fridge 2", log, MON, date(2026, 12, 13), days, weekend, "en")
    document = blank_log_sheet(sheet)
    closed, open_day = _table(document).rows[6], _table(document).rows[0]
    assert {cell.tone for cell in closed} == {"muted"}
    assert {cell.tone for cell in open_day[1:]} == {"plain"}
    first_page = PdfReader(BytesIO(render(document))).pages[0].extract_text()
    assert "Sun 2026-12-13" in first_page
