"""Every jurisdiction x setting x role plan of the real library, in both languages: no other
jurisdiction's source or body, the jurisdiction's own facts, no billing where the setting does not
bill, and no author note or item id in the plan or in the plain-data PDF model.

The catalog and the plans are built once for the module (CI runs the suite three times); only a
small sample is rendered to a real PDF.
"""

import dataclasses
import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from clinic_onboard.catalog import Catalog, load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.pdf import blank_checklist, blank_plan
from clinic_onboard.pdf.render import render
from clinic_onboard.planner import PRIVATE_CLINIC, ClinicProfile, Plan, build_plan

START = date(2026, 12, 1)
CODES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")

# Names that belong to one jurisdiction only: none may appear in another jurisdiction's plan.
OWN_NAMES: dict[str, tuple[str, ...]] = {
    "ON": (
        "Ontario",
        "PHIPA",
        "LPRPS",
        "OHIP",
        "RASO",
        "WSIB",
        "CSPAAT",
        "PIDAC",
        "CCPMI",
        "CPSO",
        "MLITSD",
        "AODA",
        "OCF-1",
    ),
    "QC": ("Québec", "Quebec", "RAMQ", "CNESST", "R-22.1", "P-39.1", "SAAQ", "INSPQ"),
    "BC": ("British Columbia", "Colombie-Britannique", "WorkSafeBC", "ICBC", "Teleplan"),
    "AB": ("Alberta", "AHCIP"),
    "MB": ("Manitoba", "MPI", "SAPM"),
    "SK": ("Saskatchewan", "SGI"),
    "NB": ("New Brunswick", "Nouveau-Brunswick", "WorkSafeNB"),
    "NS": ("Nova Scotia", "Nouvelle-Écosse"),
    "NL": ("Newfoundland", "Terre-Neuve", "WorkplaceNL"),
    "PE": ("Prince Edward Island", "Île-du-Prince-Édouard"),
    "YT": ("Yukon",),
    "NT": ("Northwest Territories", "Territoires du Nord-Ouest"),
    "NU": ("Nunavut",),
}
OWN_PATTERNS = {
    code: r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])"
    for code, names in OWN_NAMES.items()
}
# (privacy law, privacy regulator, health plan, OHS regulator, accessibility law or None)
FACTS: dict[str, tuple[str, str, str, str, str | None]] = {
    "AB": (
        "Health Information Act",
        "Commissioner of Alberta",
        "Alberta Health Care Insurance",
        "Alberta Occupational Health and Safety",
        None,
    ),
    "BC": (
        "Personal Information Protection Act",
        "Commissioner for British Columbia",
        "Medical Services Plan",
        "WorkSafeBC",
        "Accessible British Columbia Act",
    ),
    "MB": (
        "Personal Health Information Act",
        "Manitoba Ombudsman",
        "Manitoba Health Services Insurance Plan",
        "Workplace Safety and Health Branch",
        "Accessibility for Manitobans Act",
    ),
    "NB": (
        "Personal Health Information Privacy and Access Act",
        "Ombud New Brunswick",
        "New Brunswick Medicare",
        "WorkSafeNB",
        "Accessibility Act",
    ),
    "NL": (
        "Personal Health Information Act",
        "Commissioner of Newfoundland and Labrador",
        "Medical Care Plan",
        "Digital Government and Service NL",
        "Accessibility Act",
    ),
    "NS": (
        "Personal Health Information Act",
        "Nova Scotia Information and Privacy Commissioner",
        "Medical Services Insurance",
        "Department of Labour, Skills and Immigration",
        "Accessibility Act",
    ),
    "NT": (
        "Health Information Act",
        "Commissioner of the Northwest Territories",
        "NWT Health Care Plan",
        "Workers' Safety and Compensation Commission",
        None,
    ),
    "NU": (
        "Access to Information and Protection of Privacy Act",
        "Information and Privacy Commissioner of Nunavut",
        "Nunavut Health Care Plan",
        "Workers' Safety and Compensation Commission",
        None,
    ),
    "ON": (
        "Personal Health Information Protection Act",
        "Information and Privacy Commissioner of Ontario",
        "Ontario Health Insurance Plan",
        "Ministry of Labour, Immigration",
        "Accessibility for Ontarians with Disabilities Act",
    ),
    "PE": (
        "Health Information Act",
        "Commissioner of Prince Edward Island",
        "PEI Medicare",
        "Workers Compensation Board of PEI",
        None,
    ),
    "QC": (
        "Act respecting health and social services information",
        "Commission d'accès",
        "Québec Health Insurance Plan",
        "CNESST",
        "Act to secure handicapped persons",
    ),
    "SK": (
        "Health Information Protection Act",
        "Saskatchewan Information and Privacy",
        "Saskatchewan health coverage",
        "Ministry of Labour Relations and Workplace Safety",
        "Accessible Saskatchewan Act",
    ),
    "YT": (
        "Health Information Privacy and Management Act",
        "Yukon Information and Privacy",
        "Yukon Health Care Insurance Plan",
        "Workers' Safety and Compensation Board",
        None,
    ),
}
# The workers' compensation board of each jurisdiction (where injuries are reported and claimed).
BOARDS: dict[str, str] = {
    "AB": "WCB Alberta",
    "BC": "WorkSafeBC",
    "MB": "WCB Manitoba",
    "NB": "WorkSafeNB",
    "NL": "WorkplaceNL",
    "NS": "WCB Nova Scotia",
    "NT": "Workers' Safety and Compensation Commission",
    "NU": "Workers' Safety and Compensation Commission",
    "ON": "Workplace Safety and Insurance Board (WSIB)",
    "PE": "WCB PEI",
    "QC": "CNESST",
    "SK": "WCB Saskatchewan",
    "YT": "Workers' Safety and Compensation Board (WSCB)",
}
BILLING = re.compile(
    r"billing\.(claims_\w+|fix_rejections|fee_codes_policy|ab_somb|on_mcedt_account"
    r"|duty\.(daily_claims|rejections|remittance))$"
)
NO_BILLING_SETTINGS = ("community_health_centre",)
NO_BILLING_JURISDICTIONS = ("NU",)
NOTES = re.compile(
    r"non confirmé|not confirmed|still being checked|à vérifier|TODO|unverified", re.I
)


@cache
def catalog() -> Catalog:
    return load_catalog(checklists_dir())


@cache
def plans() -> tuple[Plan, ...]:
    real = catalog()
    # every option but the private clinic's, so Nunavut plans are its health centres' (ATIPP)
    options = frozenset(real.options) - {PRIVATE_CLINIC}
    return tuple(
        build_plan(real, ClinicProfile(code, setting, options=options), role, START, lang=lang)
        for code in real.jurisdictions
        for setting in real.settings
        for role in real.roles
        for lang in ("en", "fr")
    )  # en and fr of one combination side by side


def entries(plan: Plan) -> Iterator[Any]:
    yield from plan.tasks
    yield from plan.duties


def words(plan: Plan) -> Iterator[tuple[str, str]]:
    """(entry id, text) for every printed text of the plan."""
    for entry in entries(plan):
        for text in (entry.title, entry.guidance, *entry.references):
            yield entry.id, text


def strings(value: Any) -> Iterator[str]:
    """Every string in a plain-data PDF model, walked in place (``asdict`` copies, and is slow)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from strings(getattr(value, field.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def label(plan: Plan) -> str:
    return f"{plan.profile.province}/{plan.profile.setting}/{plan.role}/{plan.language}"


def test_every_combination_is_planned() -> None:
    assert len(plans()) == 13 * 6 * len(catalog().roles) * 2
    assert set(catalog().jurisdictions) == set(CODES)


def test_no_reference_keyed_to_another_jurisdiction() -> None:
    real = catalog()
    for plan in plans():
        code = plan.profile.province
        for entry in entries(plan):
            if entry.id.startswith("clinic."):
                continue
            source = real.item(entry.id) if entry in plan.tasks else real.duty(entry.id)
            foreign = {ref.get(plan.language) for ref in source.references if not ref.is_for(code)}
            shown = set(entry.references) & foreign
            assert not shown, f"{label(plan)} {entry.id}: {shown}"


@cache
def foreign(code: str) -> re.Pattern[str]:
    """One pattern matching any name that belongs to a jurisdiction other than ``code``."""
    names = [name for other, own in OWN_NAMES.items() if other != code for name in own]
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def test_no_other_jurisdictions_body_or_place() -> None:
    found = [
        f"{label(plan)} {entry_id}: {match[0]}"
        for plan in plans()
        for entry_id, text in words(plan)
        if (match := foreign(plan.profile.province).search(text))
    ]
    assert not found, "\n".join(sorted(set(found))[:40])


@pytest.mark.parametrize("code", CODES)
def test_jurisdiction_facts(code: str) -> None:
    jurisdiction = catalog().jurisdictions[code]
    law, regulator, plan_name, ohs, accessibility = FACTS[code]
    assert law in " ".join(jurisdiction.privacy.laws)
    assert regulator in jurisdiction.privacy.regulator
    assert plan_name in jurisdiction.health_plan.name
    assert ohs in jurisdiction.ohs.regulator
    assert BOARDS[code] in jurisdiction.ohs.compensation_board
    if accessibility is None:
        assert jurisdiction.accessibility.law == ""
    else:
        assert accessibility in jurisdiction.accessibility.law


def test_plans_name_their_own_privacy_law_and_regulator() -> None:
    for plan in plans():
        if plan.language != "en":
            continue
        text = " ".join(text for _, text in words(plan))
        law, regulator, *_ = FACTS[plan.profile.province]
        assert law in text, label(plan)
        if "privacy.know_your_law" in text or any(
            t.id.startswith("privacy.know_your_law") for t in plan.tasks
        ):
            assert regulator in text, label(plan)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_plans_print_each_jurisdictions_own_facts(lang: str) -> None:
    """Between them, a jurisdiction's plans print its privacy law and regulator, health plan, OHS
    regulator, compensation board and accessibility law, in the plan's language."""
    printed: dict[str, set[str]] = {code: set() for code in CODES}
    for plan in plans():
        if plan.language == lang:
            printed[plan.profile.province].update(text for _, text in words(plan))
    missing = []
    for code, texts in printed.items():
        text = " ".join(texts)
        jurisdiction = catalog().jurisdictions[code]
        facts = {
            "privacy law": jurisdiction.privacy.laws[0],
            "privacy regulator": jurisdiction.privacy.regulator,
            "health plan": jurisdiction.health_plan.name,
            "OHS regulator": jurisdiction.ohs.regulator,
            "compensation board": jurisdiction.ohs.compensation_board,
            "accessibility law": jurisdiction.accessibility.law,
        }
        missing += [
            f"{code} {name}: {fact.get(lang)!r}"
            for name, fact in facts.items()
            if fact and fact.get(lang) not in text
        ]
    assert not missing, "\n".join(missing)


def test_requirements_come_first_and_the_n95_fit_test_before_airborne_precautions() -> None:
    """In every plan: an item never falls due before an item it requires; the fit test, which
    airborne precautions and the PPE order require, in week 1 with them."""
    for plan in plans()[::2]:  # the dates are the same in both languages
        due = {task.id: task.due_date for task in plan.tasks}
        for task in plan.tasks:
            if task.id.startswith("clinic."):
                continue
            for required in catalog().item(task.id).requires:
                assert required not in due or due[required] <= due[task.id], (
                    f"{label(plan)}: {task.id} before {required}"
                )
        if "ipac.n95_fit_test" in due:
            practised = {"ipac.additional_precautions", "ipac.ppe_order", "ipac.ppe_order_on"}
            assert practised & set(due), label(plan)
            assert all(due["ipac.n95_fit_test"] <= due[i] for i in practised & set(due))


def test_no_billing_duties_where_the_setting_does_not_bill() -> None:
    for plan in plans():
        if not (
            plan.profile.setting in NO_BILLING_SETTINGS
            or plan.profile.province in NO_BILLING_JURISDICTIONS
        ):
            continue
        billed = [entry.id for entry in entries(plan) if BILLING.match(entry.id)]
        assert not billed, f"{label(plan)}: {billed}"


def test_billing_duties_still_reach_billing_clinics() -> None:
    ids = {
        entry.id
        for plan in plans()
        if plan.profile.province == "ON" and plan.profile.setting == "family_medicine"
        for entry in entries(plan)
    }
    assert {"billing.duty.daily_claims", "billing.claims_on"} <= ids


def test_no_note_or_id_in_plans_or_pdf_models() -> None:
    ids = "|".join(re.escape(module.id) for module in catalog().modules)
    bad = re.compile(rf"{NOTES.pattern}|\b(?:{ids})\.[a-z_]+\b")
    checked: set[str] = set()  # plans share most texts: search each distinct text once
    for index, plan in enumerate(plans()):
        texts = {text for _, text in words(plan)}
        if index % 4 in (0, 3):  # en, fr alternate: each combination's PDFs in one language
            names = ("Clinic", plan.profile.province, plan.profile.setting, plan.role, "v")
            models = (blank_plan(plan, *names), blank_checklist(plan, *names))
            texts.update(text for model in models for text in strings(model))
        found = [text for text in texts - checked if bad.search(text)]
        assert not found, f"{label(plan)}: {found[:3]}"
        checked |= texts


@pytest.mark.parametrize(
    ("code", "setting", "role", "lang"),
    [
        ("QC", "specialty_clinic", "medical_assistant", "fr"),
        ("NU", "community_health_centre", "clinic_assistant", "en"),
        ("NT", "community_health_centre", "medical_office_assistant", "fr"),
        ("ON", "family_medicine", "lead_medical_assistant", "en"),
    ],
)
def test_sample_renders_to_pdf(code: str, setting: str, role: str, lang: str) -> None:
    """The printed pages, read back: no author note, no item id, before-you-start set apart."""
    ids = "|".join(re.escape(module.id) for module in catalog().modules)
    bad = re.compile(rf"{NOTES.pattern}|\b(?:{ids})\.[a-z_]+\b")
    plan = build_plan(catalog(), ClinicProfile(code, setting), role, START, lang=lang)
    texts = {}
    for build in (blank_plan, blank_checklist):
        pdf = render(build(plan, "Clinic", code, setting, role, "v"))
        texts[build] = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
        assert not bad.search(texts[build]), bad.search(texts[build])
    heading = {"en": "Before the first day", "fr": "Avant le premier jour"}[lang]
    assert heading in texts[blank_plan]
    assert plan.tasks[0].title.split()[0] in texts[blank_plan]


def test_references_naming_one_jurisdiction_are_keyed_to_it() -> None:
    """A source that names one province's body or law says so, so plans elsewhere leave it out."""
    unkeyed = []
    for module in catalog().modules:
        for entry in (*module.items, *module.duties):
            for index, reference in enumerate(entry.references):
                named = [
                    code
                    for code in CODES
                    if re.search(OWN_PATTERNS[code], reference.en + " " + reference.fr)
                ]
                if len(named) == 1 and reference.jurisdictions != tuple(named):
                    unkeyed.append(f"{entry.id} references[{index}]: {named[0]}")
    assert not unkeyed, "\n".join(unkeyed)
