"""References keyed to jurisdictions: what the loader refuses (naming file, item and field) and
what the planner shows each jurisdiction's plan."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from clinic_onboard.catalog import Catalog, Reference, load_catalog
from clinic_onboard.planner import ClinicProfile, build_plan
from tests.unit.test_catalog_problems import (
    PRIVACY,
    Edit,
    Problems,
    assert_problem,
    change,
    entry,
)

ON_ONLY = {"en": "IPC Ontario guide", "fr": "Guide du CIPVP de l'Ontario", "jurisdictions": ["ON"]}
NATIONAL = {"en": "{privacy_law}", "fr": "{privacy_law}"}


def refs(*references: dict[str, Any]) -> Any:
    return change("privacy.training", references=list(references))


def test_keyed_reference_is_loaded_with_its_jurisdictions(minimal_catalog: Catalog) -> None:
    keyed = minimal_catalog.item("privacy.training").references[1]
    assert isinstance(keyed, Reference)
    assert keyed.jurisdictions == ("MB",)
    assert keyed.is_for("MB") and not keyed.is_for("ON")
    assert minimal_catalog.item("privacy.training").references[0].jurisdictions is None


def test_foreign_reference_in_restricted_item(edit: Edit, problems: Problems) -> None:
    def key_to_qc(data: Any) -> None:
        keyed = {**ON_ONLY, "jurisdictions": ["MB", "QC"]}
        entry(data, "privacy.accessibility")["references"].append(keyed)

    edit(PRIVACY, key_to_qc)
    assert_problem(
        problems(),
        PRIVACY,
        "privacy.accessibility",
        "references[1].jurisdictions",
        "QC is not among the item's applies.provinces (ON, MB)",
    )


def test_item_left_without_reference_somewhere(edit: Edit, problems: Problems) -> None:
    edit(PRIVACY, refs(ON_ONLY))
    found = problems()
    assert_problem(found, PRIVACY, "privacy.training", "references", "no reference left for AB")
    message = next(p.message for p in found if p.item == "privacy.training")
    assert "ON" not in message.split(" once ")[0], "Ontario has its own reference"


def test_keyed_reference_plus_national_one_loads(edit: Edit, library: Path) -> None:
    edit(PRIVACY, refs(ON_ONLY, NATIONAL))
    assert load_catalog(library).item("privacy.training").references[0].jurisdictions == ("ON",)


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["XX"], "unknown jurisdiction 'XX'"),
        ([], "give a list of two-letter codes"),
        ("ON", "give a list of two-letter codes"),
        (["Ontario"], "'Ontario' is not a two-letter code"),
        (["ON", "ON"], "listed twice"),
    ],
)
def test_bad_jurisdictions(edit: Edit, problems: Problems, codes: Any, message: str) -> None:
    edit(PRIVACY, refs({**ON_ONLY, "jurisdictions": codes}, NATIONAL))
    found = problems()
    here = [p for p in found if p.item == "privacy.training" and p.field is not None]
    assert any(p.field.startswith("references[0]") and message in p.message for p in here), found


def test_plan_shows_own_and_national_references_only(minimal_catalog: Catalog) -> None:
    def references(province: str) -> tuple[str, ...]:
        plan = build_plan(
            minimal_catalog,
            ClinicProfile(province, "family_medicine"),
            "medical_assistant",
            date(2026, 12, 1),
        )
        return next(t.references for t in plan.tasks if t.id == "privacy.training")

    assert any("Manitoba Health, online PHIA" in ref for ref in references("MB"))
    assert not any("Manitoba Health, online PHIA" in ref for ref in references("ON"))
    assert references("ON"), "the national placeholder reference stays"
