"""The defects of the December 2026 content review (issue 23), each checked on the real library."""

from datetime import date
from functools import cache

import pytest

from clinic_onboard.catalog import Catalog, load_catalog, render
from clinic_onboard.paths import checklists_dir
from clinic_onboard.planner import ClinicProfile, Plan, build_plan


@cache
def real() -> Catalog:
    return load_catalog(checklists_dir())


def plan(code: str, setting: str, role: str, lang: str = "en") -> Plan:
    return build_plan(real(), ClinicProfile(code, setting), role, date(2026, 12, 1), lang=lang)


def text_of(plan: Plan) -> str:
    return " ".join(
        t for e in (*plan.tasks, *plan.duties) for t in (e.title, e.guidance, *e.references)
    )


def test_quebec_incidents_follow_r22_1() -> None:
    item = real().item("privacy.qc_incident_register")
    for lang, words in (("en", ("R-22.1", "Minister", "register")), ("fr", ("R-22.1", "ministre"))):
        guidance = item.guidance.get(lang)
        assert all(word in guidance for word in words), lang


def test_quebec_card_is_the_carte_d_assurance_maladie() -> None:
    quebec = real().jurisdictions["QC"]
    assert render("{health_card}", quebec, "fr") == "carte d'assurance maladie"
    assert "RAMQ" not in render("{health_plan}", quebec, "fr")


@pytest.mark.parametrize("code", ["QC", "SK", "YT"])
def test_whmis_instrument_is_named(code: str) -> None:
    assert real().jurisdictions[code].ohs.whmis_law != ""


def test_ontario_yearly_whmis_review_is_law() -> None:
    item = real().item("whmis.on_annual_review")
    assert item.basis == "law" and item.applies.provinces == ("ON",)
    assert "whmis.annual_review_policy" not in {
        t.id for t in plan("ON", "family_medicine", "medical_assistant").tasks
    }


@pytest.mark.parametrize(
    ("code", "item_id", "cited"),
    [
        ("ON", "ohs.violence_harassment_program", "Part III.0.1"),
        ("AB", "ohs.violence_harassment_program", "Part 27"),
        ("BC", "ohs.violence_harassment_program", "4.27 to 4.31"),
        ("QC", "ohs.qc_psychological_harassment", "s. 81.19"),
    ],
)
def test_violence_and_harassment_as_law(code: str, item_id: str, cited: str) -> None:
    task = next(
        t for t in plan(code, "family_medicine", "clinic_assistant").tasks if t.id == item_id
    )
    assert task.basis == "law" and any(cited in ref for ref in task.references)


def test_nunavut_health_centre_privacy() -> None:
    text = text_of(plan("NU", "community_health_centre", "medical_office_assistant"))
    assert "Information and Privacy Commissioner of Nunavut" in text
    assert "Access to Information and Protection of Privacy Act" in text


def test_no_ontario_ppe_order_in_quebec() -> None:
    assert "Ontario" not in text_of(plan("QC", "specialty_clinic", "medical_assistant", "fr"))


@pytest.mark.parametrize("code", ["BC", "MB", "SK", "QC"])
def test_rehab_auto_insurer_is_the_provinces(code: str) -> None:
    task = next(
        t
        for t in plan(code, "rehabilitation_centre", "medical_office_assistant").tasks
        if t.id == "billing.rehab_third_party"
    )
    insurer = {"BC": "ICBC", "MB": "MPI", "SK": "SGI", "QC": "SAAQ"}[code]
    assert any(insurer in ref for ref in task.references)
    assert not any("WSIB" in ref or "Ontario" in ref for ref in task.references)


def test_french_wording() -> None:
    french = " ".join(
        text_of(plan(code, "family_medicine", "medical_assistant", "fr")) for code in ("QC", "ON")
    )
    assert "quasi-accident" not in french
    assert "vous laver les mains" not in french and "lavez-vous les mains" not in french
    assert "la loi suivante" not in french
    assert "votre superviseur " not in french.replace("votre superviseur ou", "")
