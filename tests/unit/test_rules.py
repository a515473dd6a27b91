"""Applicability: one table per ``applies`` key."""

from typing import Any

import pytest

from clinic_onboard.catalog import Applies
from clinic_onboard.planner.profile import ClinicProfile
from clinic_onboard.planner.rules import RULES, Audience, applies

ON_FAMILY = ClinicProfile("ON", "family_medicine")


def audience(roles: set[str] | None = None, **profile: Any) -> Audience:
    fields = {"province": "ON", "setting": "family_medicine", **profile}
    return Audience(ClinicProfile(**fields), frozenset(roles or {"medical_assistant"}))


def test_every_applies_key_has_exactly_one_rule() -> None:
    assert set(RULES) == set(Applies.model_fields)


def test_no_conditions_means_everyone() -> None:
    assert applies(Applies(), audience())


@pytest.mark.parametrize(
    ("wanted", "roles", "expected"),
    [
        (("medical_assistant",), {"medical_assistant"}, True),
        (("medical_assistant", "clinic_assistant"), {"clinic_assistant"}, True),
        (("medical_assistant",), {"medical_office_assistant"}, False),
        # a lead's scope holds the roles it includes, so it matches their items
        (("medical_assistant",), {"lead_medical_assistant", "medical_assistant"}, True),
        (("lead_medical_assistant",), {"medical_assistant"}, False),
    ],
)
def test_roles_any_of(wanted: tuple[str, ...], roles: set[str], expected: bool) -> None:
    assert applies(Applies(roles=wanted), audience(roles)) is expected


@pytest.mark.parametrize(
    ("wanted", "province", "expected"),
    [(("ON",), "ON", True), (("ON", "MB"), "MB", True), (("ON",), "QC", False)],
)
def test_provinces_any_of(wanted: tuple[str, ...], province: str, expected: bool) -> None:
    assert applies(Applies(provinces=wanted), audience(province=province)) is expected


@pytest.mark.parametrize(
    ("wanted", "setting", "expected"),
    [
        (("walk_in_clinic",), "walk_in_clinic", True),
        (("family_medicine", "walk_in_clinic"), "family_medicine", True),
        (("diagnostic_centre",), "family_medicine", False),
    ],
)
def test_settings_any_of(wanted: tuple[str, ...], setting: str, expected: bool) -> None:
    assert applies(Applies(settings=wanted), audience(setting=setting)) is expected


@pytest.mark.parametrize(
    ("wanted", "options", "expected"),
    [
        (("specimen_collection",), {"specimen_collection"}, True),
        (("specimen_collection",), {"specimen_collection", "vaccine_storage"}, True),
        (("onsite_reprocessing", "minor_procedures"), {"onsite_reprocessing"}, False),
        (
            ("onsite_reprocessing", "minor_procedures"),
            {"onsite_reprocessing", "minor_procedures"},
            True,
        ),
        (("vaccine_storage",), set(), False),
    ],
)
def test_options_all_of(wanted: tuple[str, ...], options: set[str], expected: bool) -> None:
    assert applies(Applies(options=wanted), audience(options=frozenset(options))) is expected


@pytest.mark.parametrize(
    ("wanted", "emr", "expected"),
    [
        (("accuro",), "accuro", True),
        (("accuro", "ps_suite"), "ps_suite", True),
        (("accuro",), "oscar_pro", False),
        (("accuro",), None, False),
    ],
)
def test_emr_any_of_and_must_be_set(
    wanted: tuple[str, ...], emr: str | None, expected: bool
) -> None:
    assert applies(Applies(emr=wanted), audience(emr=emr)) is expected


@pytest.mark.parametrize(
    ("province", "setting", "expected"),
    [
        ("ON", "family_medicine", True),
        ("ON", "walk_in_clinic", False),
        ("QC", "family_medicine", False),
    ],
)
def test_every_present_key_must_match(province: str, setting: str, expected: bool) -> None:
    conditions = Applies(provinces=("ON",), settings=("family_medicine",))
    assert applies(conditions, audience(province=province, setting=setting)) is expected
