"""Loading a valid library: the Catalog's shape, version, ordering, lookups and immutability."""

import dataclasses
import re
from pathlib import Path

import pytest

from clinic_onboard.catalog import (
    JURISDICTION_CODES,
    SETTING_SLUGS,
    Catalog,
    CatalogError,
    Problem,
    load_catalog,
)


def test_minimal_library_loads(minimal_catalog: Catalog) -> None:
    assert tuple(minimal_catalog.jurisdictions) == JURISDICTION_CODES
    assert tuple(minimal_catalog.settings) == SETTING_SLUGS
    assert len(minimal_catalog.roles) == 4
    assert minimal_catalog.title == "Minimal test library"


def test_unquoted_province_codes_stay_text(minimal_catalog: Catalog) -> None:
    """YAML 1.1 reads ON and NO as booleans; the library is written with them unquoted."""
    assert minimal_catalog.jurisdictions["ON"].code == "ON"
    assert minimal_catalog.item("privacy.accessibility").applies.provinces == ("ON", "MB")


def test_version_is_library_version_plus_content_hash(minimal_catalog: Catalog) -> None:
    assert re.fullmatch(r"2026\.11\.0\+[0-9a-f]{12}", minimal_catalog.version)


def test_version_is_the_same_for_an_identical_copy(library: Path, minimal_catalog: Catalog) -> None:
    assert load_catalog(library).version == minimal_catalog.version


def test_version_changes_with_any_byte(library: Path, minimal_catalog: Catalog) -> None:
    path = library / "modules" / "emr.yaml"
    path.write_text(path.read_text() + "# a comment\n")
    assert load_catalog(library).version != minimal_catalog.version


def test_version_changes_when_a_file_is_renamed(library: Path, minimal_catalog: Catalog) -> None:
    """The path is hashed too: the same bytes under another module name are other content."""
    (library / "modules" / "bls.yaml").rename(library / "modules" / "cpr.yaml")
    text = (library / "modules" / "cpr.yaml").read_text().replace("bls", "cpr")
    (library / "modules" / "cpr.yaml").write_text(text)
    assert load_catalog(library).version != minimal_catalog.version


def test_modules_ordered_by_order_then_id(library: Path) -> None:
    for name in ("bls", "emr"):
        path = library / "modules" / f"{name}.yaml"
        path.write_text(re.sub(r"order: \d+", "order: 5", path.read_text()))
    assert [m.id for m in load_catalog(library).modules] == ["bls", "emr", "ipac", "privacy"]


def test_module_keeps_items_and_duties_in_file_order(minimal_catalog: Catalog) -> None:
    ipac = minimal_catalog.modules[0]
    assert (ipac.id, ipac.title, ipac.order) == ("ipac", "Infection prevention and control", 10)
    assert [item.id for item in ipac.items] == [
        "ipac.routine_practices",
        "ipac.hand_hygiene",
        "ipac.specimen_labelling",
        "ipac.reprocessing",
    ]
    assert [duty.id for duty in ipac.duties] == ["ipac.duty.room_turnover", "ipac.duty.supplies"]


def test_item_and_duty_lookup(minimal_catalog: Catalog) -> None:
    assert minimal_catalog.item("bls.certificate").validity_months == 24
    assert minimal_catalog.duty("emr.duty.inbox").frequency == "weekly"
    with pytest.raises(KeyError):
        minimal_catalog.item("emr.duty.inbox")
    with pytest.raises(KeyError):
        minimal_catalog.duty("ipac.nope")


def test_role_scope_follows_includes(minimal_catalog: Catalog) -> None:
    assert minimal_catalog.role_scope("lead_medical_assistant") == {
        "lead_medical_assistant",
        "medical_assistant",
    }
    assert minimal_catalog.role_scope("clinic_assistant") == {"clinic_assistant"}


def test_role_scope_is_transitive(library: Path) -> None:
    path = library / "roles.yaml"
    path.write_text(
        path.read_text()
        + "  - slug: clinic_manager\n    name: {en: Manager, fr: Gestionnaire}\n"
        + "    summary: {en: Runs the clinic., fr: Dirige la clinique.}\n"
        + "    clinical: false\n    includes: [lead_medical_assistant]\n"
    )
    assert load_catalog(library).role_scope("clinic_manager") == {
        "clinic_manager",
        "lead_medical_assistant",
        "medical_assistant",
    }


def test_catalog_is_frozen(minimal_catalog: Catalog) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        minimal_catalog.version = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        minimal_catalog.roles["nurse"] = minimal_catalog.roles["medical_assistant"]  # type: ignore[index]
    with pytest.raises(ValueError, match="frozen"):
        minimal_catalog.item("bls.certificate").title = "x"  # type: ignore[misc]


def test_catalog_is_hashable_and_equal_by_version(library: Path, minimal_catalog: Catalog) -> None:
    again = load_catalog(library)
    assert again == minimal_catalog
    assert {again: 1}[minimal_catalog] == 1


def test_problem_text_omits_missing_parts() -> None:
    full = Problem("modules/ipac.yaml", "ipac.hand_hygiene", "phase", "'day_two' is not one of x")
    assert str(full) == "modules/ipac.yaml: ipac.hand_hygiene: phase: 'day_two' is not one of x"
    assert (
        str(Problem("roles.yaml", None, None, "file is missing")) == "roles.yaml: file is missing"
    )


def test_catalog_error_lists_every_problem() -> None:
    problems = [Problem("a.yaml", None, None, "one"), Problem("b.yaml", "b.x", "title", "two")]
    lines = str(CatalogError(problems)).splitlines()
    assert lines[0] == "The content library has 2 problems:"
    assert [line.strip() for line in lines[1:]] == ["a.yaml: one", "b.yaml: b.x: title: two"]
    assert str(CatalogError(problems[:1])).startswith("The content library has 1 problem:")
