"""The library's offboarding module: only ever in a leaver's checklist, never in a plan."""

from datetime import date
from itertools import product

import pytest

from clinic_onboard.catalog import Catalog, load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.planner import ClinicProfile, build_plan

LAST_DAY = date(2026, 12, 4)  # a Friday
OFFBOARDING_ITEMS = {
    "offboarding.keys_badge_fob",
    "offboarding.accounts_disabled",
    "offboarding.confidentiality_continues",
    "offboarding.credential_copies",
}


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(checklists_dir())


def test_no_onboarding_plan_includes_an_offboarding_item(real: Catalog) -> None:
    for province, role in product(real.jurisdictions, real.roles):
        plan = build_plan(real, ClinicProfile(province, "family_medicine"), role, LAST_DAY)
        assert not {t.id for t in plan.tasks} & OFFBOARDING_ITEMS, (province, role)


def test_every_role_and_province_gets_the_offboarding_checklist_due_on_the_last_day(
    real: Catalog,
) -> None:
    for province, role in product(real.jurisdictions, real.roles):
        profile = ClinicProfile(province, "family_medicine")
        plan = build_plan(real, profile, role, LAST_DAY, offboarding=True)
        assert {t.id for t in plan.tasks} == OFFBOARDING_ITEMS
        assert {t.due_date for t in plan.tasks} == {LAST_DAY}
        assert not plan.duties
        for task in plan.tasks:
            text = " ".join((task.title, task.guidance, *task.references))
            assert "{" not in text, (province, task.id)


def test_the_checklist_names_the_provinces_privacy_law_in_french_too(real: Catalog) -> None:
    checklist = build_plan(
        real,
        ClinicProfile("NS", "community_health_centre"),
        "medical_assistant",
        LAST_DAY,
        lang="fr",
        offboarding=True,
    )
    accounts = next(t for t in checklist.tasks if t.id == "offboarding.accounts_disabled")
    assert accounts.title.startswith("Désactiver les comptes du DME")
    law = real.jurisdictions["NS"].privacy.laws[0].get("fr")
    assert law in " ".join(accounts.references)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_credential_copies_cite_the_retention_schedule_by_its_title(
    real: Catalog, lang: str
) -> None:
    """The manager finds the schedule the hire signed: the item names it as the library does,
    so renaming ``retention.schedule`` without updating this citation fails here."""
    checklist = build_plan(
        real,
        ClinicProfile("NS", "community_health_centre"),
        "medical_office_assistant",
        LAST_DAY,
        lang=lang,
        offboarding=True,
    )
    copies = next(t for t in checklist.tasks if t.id == "offboarding.credential_copies")
    schedule = real.item("retention.schedule").title.get(lang)
    module = next(m for m in real.modules if m.id == "retention").title.get(lang)
    assert schedule in copies.guidance and module in copies.guidance
    assert any(schedule in reference for reference in copies.references)
