"""checklists/SOURCES.md names, for every jurisdiction, each fact the plans print (privacy law
and regulator, health plan, OHS regulator, compensation board, accessibility law) with the value
jurisdictions.yaml gives, a source and the date it was checked: the next review starts from it."""

import re
from functools import cache

import pytest

from clinic_onboard.catalog import Jurisdiction, load_catalog
from clinic_onboard.paths import checklists_dir

SOURCES = checklists_dir() / "SOURCES.md"
NO_LAW = "none (no general statute with duties for private clinics found)"


@cache
def rows() -> dict[tuple[str, str], tuple[str, str, str]]:
    """(jurisdiction, fact) -> (value, source, checked) for the rows naming one jurisdiction."""
    found = {}
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"[A-Z]{2}", cells[0]):
            found[cells[0], cells[1]] = (cells[2], cells[3], cells[4])
    return found


def facts(jurisdiction: Jurisdiction) -> dict[str, str]:
    return {
        "privacy law": " and ".join(law.en for law in jurisdiction.privacy.laws),
        "privacy regulator": jurisdiction.privacy.regulator.en,
        "health plan": jurisdiction.health_plan.name.en,
        "OHS regulator": jurisdiction.ohs.regulator.en,
        "compensation board": jurisdiction.ohs.compensation_board.en,
        "accessibility law": jurisdiction.accessibility.law.en or NO_LAW,
    }


@pytest.mark.parametrize(
    "code", ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
)
def test_each_fact_has_its_value_source_and_date(code: str) -> None:
    jurisdiction = load_catalog(checklists_dir()).jurisdictions[code]
    for fact, value in facts(jurisdiction).items():
        assert (code, fact) in rows(), f"SOURCES.md has no row for {code} {fact}"
        written, source, checked = rows()[code, fact]
        assert written == value, f"{code} {fact}: SOURCES.md {written!r}, library {value!r}"
        assert re.search(r"https?://|canada\.md", source), f"{code} {fact}: no source"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", checked), f"{code} {fact}: no date checked"
