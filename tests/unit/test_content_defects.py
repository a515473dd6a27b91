"""The defects of the December 2026 content review (issue 23), each checked on the real library."""

import re
from collections import Counter
from datetime import date
from functools import cache

import pytest

from clinic_onboard.catalog import Catalog, load_catalog, render
from clinic_onboard.paths import checklists_dir
from clinic_onboard.planner import PRIVATE_CLINIC, ClinicProfile, Plan, build_plan


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
    assert render("{health_card}", quebec, "fr") == "carte d\u2019assurance maladie"
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
    # the law it names is the health centre's alone (PIPEDA's principles may still be cited)
    assert "private clinic" not in text and "ATIPP Act (PIPEDA" not in text


@pytest.mark.parametrize(
    ("lang", "law", "regulator", "public_law"),
    [
        ("en", "(PIPEDA)", "Office of the Privacy Commissioner of Canada", "ATIPP"),
        ("fr", "(LPRPDE)", "Commissariat à la protection de la vie privée du Canada", "LAIPVP"),
    ],
)
def test_a_private_nunavut_clinic_says_so_and_gets_pipeda(
    lang: str, law: str, regulator: str, public_law: str
) -> None:
    """The clinic profile's private_clinic option: PIPEDA and the federal Commissioner."""
    private = ClinicProfile("NU", "family_medicine", options=frozenset({PRIVATE_CLINIC}))
    made = build_plan(real(), private, "medical_office_assistant", date(2026, 12, 1), lang=lang)
    text = text_of(made)
    assert law in text and regulator in text
    assert public_law not in text and "Nunavut" in text
    # elsewhere the option changes nothing
    ontario = ClinicProfile("ON", "family_medicine", options=frozenset({PRIVATE_CLINIC}))
    assert text_of(
        build_plan(real(), ontario, "medical_office_assistant", date(2026, 12, 1), lang=lang)
    ) == text_of(plan("ON", "family_medicine", "medical_office_assistant", lang))


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
        text_of(plan(code, setting, role, "fr"))
        for code, setting, role in (
            ("QC", "family_medicine", "medical_assistant"),
            ("ON", "family_medicine", "medical_assistant"),
            ("QC", "specialty_clinic", "lead_medical_assistant"),
            ("NB", "family_medicine", "medical_office_assistant"),
        )
    )
    lower = french.lower()
    assert "quasi-accident" not in lower
    # "clean your hands" is hand hygiene (rub or wash), not washing: titles included
    assert "vous laver les mains" not in lower and "lavez-vous les mains" not in lower
    assert "pratiquer l\u2019hygiène des mains" in lower
    assert "la loi suivante" not in french
    # placeholders follow a common noun in parentheses, never « ... le suivant : X »
    assert not re.search(r"suivante?s?\W?:", french), re.findall(r".{40}suivante?s?\W?:", french)
    assert "pas sûr que" not in french and "pour qu\u2019il la vérifie" not in french
    assert not re.search(r"(du travail|d\u2019indemnisation), [A-Z]", french)  # (fact) instead
    assert "'" not in french, "typographic apostrophes (\u2019) in French"
    # both forms, as the role titles give them
    assert "votre superviseur " not in french.replace("votre superviseur ou", "")
    assert not re.search(r"(?<!ou )\b(le|au) gestionnaire\b", french)
    assert not re.search(r"\b(au|le) responsable d(u|e la)\b", french)


def test_n95_fit_test_comes_before_airborne_precautions() -> None:
    tasks = {t.id: t for t in plan("ON", "family_medicine", "medical_assistant").tasks}
    fit_test = tasks["ipac.n95_fit_test"].due_date
    assert fit_test <= tasks["ipac.additional_precautions"].due_date
    assert fit_test <= tasks["ipac.ppe_order_on"].due_date
    assert tasks["ipac.n95_fit_test"].phase == "week_1"


def test_no_day_holds_more_than_the_limit_unless_reported() -> None:
    made = plan("ON", "family_medicine", "medical_assistant")
    load = Counter(t.due_date for t in made.tasks if t.phase != "before_start")
    over = {day: count for day, count in load.items() if count > made.max_per_day}
    assert dict(made.crowded_days) == over
    assert max(load.values()) < 36
    week_1_end = max(t.due_date for t in made.tasks if t.phase == "week_1")
    assert load[week_1_end] <= made.max_per_day * 2


def test_before_you_start_tasks_are_not_in_the_past() -> None:
    made = build_plan(
        real(),
        ClinicProfile("ON", "family_medicine"),
        "medical_assistant",
        date(2026, 12, 7),
        created_on=date(2026, 12, 5),
    )
    before = [t.due_date for t in made.tasks if t.phase == "before_start"]
    assert before and min(before) >= date(2026, 12, 5)
