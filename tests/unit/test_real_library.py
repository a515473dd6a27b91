"""The real content library in checklists/ (or CHECKLISTS_DIR): valid, and sensible plans for
every clinic and role."""

from collections.abc import Iterator
from datetime import date
from itertools import product

import pytest

from clinic_onboard.catalog import Catalog, CatalogError, load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.planner import ClinicProfile, Plan, build_plan
from clinic_onboard.planner.requests import CUSTOM_MODULE

START = date(2026, 12, 1)
CLINICAL_ROLES = ("medical_assistant", "clinic_assistant", "lead_medical_assistant")
OFFICE_ROLE = "medical_office_assistant"
# Module ids every plan must draw on, whatever the clinic and role.
EVERYONE_MODULES = ("ipac", "privacy", "emr")
BLS_MODULE = "bls"


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(checklists_dir())


def every_clinic(real: Catalog, **profile: object) -> Iterator[ClinicProfile]:
    for province, setting in product(real.jurisdictions, real.settings):
        yield ClinicProfile(province, setting, **profile)  # type: ignore[arg-type]


def plan_modules(plan: Plan) -> set[str]:
    return {task.module for task in plan.tasks}


def test_real_library_has_no_problems() -> None:
    try:
        load_catalog(checklists_dir())
    except CatalogError as error:
        pytest.fail(str(error))


def test_every_clinic_and_role_gets_ipac_privacy_and_emr_tasks(real: Catalog) -> None:
    """No options and no EMR product: the baseline every hire gets."""
    gaps = []
    for profile, role in product(every_clinic(real), real.roles):
        plan = build_plan(real, profile, role, START)
        missing = set(EVERYONE_MODULES) - plan_modules(plan)
        if not plan.tasks or missing:
            gaps.append(f"{profile.province} {profile.setting} {role}: no {sorted(missing)}")
    assert not gaps, f"{len(gaps)} plans lack tasks:\n" + "\n".join(gaps[:20])


def test_privacy_tasks_name_the_jurisdictions_law(real: Catalog) -> None:
    gaps = []
    for profile, role in product(every_clinic(real), real.roles):
        law = real.jurisdictions[profile.province].privacy.law_short
        texts = [
            " ".join((task.title, task.guidance, *task.references))
            for task in build_plan(real, profile, role, START).tasks
            if task.module == "privacy"
        ]
        if not any(law in text for text in texts):
            gaps.append(f"{profile.province} {profile.setting} {role}: {law} never named")
    assert not gaps, "\n".join(gaps[:20])


def clinical_only(real: Catalog) -> set[str]:
    """Items and duties whose roles are all clinical ones."""
    return {
        entry.id
        for module in real.modules
        for entry in (*module.items, *module.duties)
        if entry.applies.roles and all(real.roles[r].clinical for r in entry.applies.roles)
    }


def test_office_assistant_never_gets_clinical_items(real: Catalog) -> None:
    clinical = clinical_only(real)
    assert clinical, "the library has no clinical-only items to check"
    every_option = frozenset(real.options)
    for profile, emr in product(
        every_clinic(real, options=every_option), [None, *real.emr_products]
    ):
        profile = ClinicProfile(profile.province, profile.setting, emr, every_option)
        plan = build_plan(real, profile, OFFICE_ROLE, START)
        leaked = clinical & {entry.id for entry in (*plan.tasks, *plan.duties)}
        assert not leaked, f"{profile}: {sorted(leaked)}"


def test_option_items_appear_only_with_their_option(real: Catalog) -> None:
    needs = {
        entry.id: set(entry.applies.options)
        for module in real.modules
        for entry in (*module.items, *module.duties)
        if entry.applies.options
    }
    assert needs, "the library has no option-specific items to check"
    for option in real.options:
        others = frozenset(real.options) - {option}
        for profile, role in product(every_clinic(real, options=others), real.roles):
            plan = build_plan(real, profile, role, START)
            wrong = {e.id for e in (*plan.tasks, *plan.duties) if option in needs.get(e.id, ())}
            assert not wrong, f"{profile} {role} without {option}: {sorted(wrong)}"


def test_bls_card_for_clinical_roles_only(real: Catalog) -> None:
    """Every hire learns where the emergency kit is; only clinical roles need a BLS card."""
    for profile in every_clinic(real):
        for role in CLINICAL_ROLES:
            plan = build_plan(real, profile, role, START)
            assert bls_cards(plan), f"{profile} {role} has no BLS credential"
        office = build_plan(real, profile, OFFICE_ROLE, START)
        assert not bls_cards(office), f"{profile}: office assistant gets {bls_cards(office)}"


def bls_cards(plan: Plan) -> list[str]:
    return [t.id for t in plan.tasks if t.module == BLS_MODULE and t.kind == "credential"]


def test_no_placeholder_is_left_unrendered(real: Catalog) -> None:
    every_option = frozenset(real.options)
    for (profile, role), emr in product(
        product(every_clinic(real, options=every_option), real.roles), real.emr_products
    ):
        profile = ClinicProfile(profile.province, profile.setting, emr, every_option)
        plan = build_plan(real, profile, role, START)
        for entry in (*plan.tasks, *plan.duties):
            text = " ".join((entry.title, entry.guidance, *entry.references))
            assert "{" not in text and "}" not in text, f"{profile.province} {entry.id}: {text}"


def test_no_library_module_is_called_like_custom_items(real: Catalog) -> None:
    assert CUSTOM_MODULE not in {module.id for module in real.modules}
