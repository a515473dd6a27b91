"""The orientation-binder areas of issue 23 (records and consent, retention, de-escalation and
working alone, injuries and first aid, recalls, scope, cold chain, waste, child protection, secure
communication) reach the plans they belong in, in each jurisdiction's own words, and stay out of
the plans they do not belong in."""

from datetime import date
from itertools import product

import pytest

from clinic_onboard.catalog import Catalog, load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.planner import ClinicProfile, Plan, build_plan
from tests.unit.test_catalog_problems import Edit, Problems, assert_problem, entry

START = date(2026, 12, 1)
BOARDS = {
    "AB": "WCB Alberta",
    "BC": "WorkSafeBC",
    "MB": "WCB Manitoba",
    "NB": "WorkSafeNB",
    "NL": "WorkplaceNL",
    "NS": "WCB Nova Scotia",
    "NT": "WSCC",
    "NU": "WSCC",
    "ON": "WSIB",
    "PE": "WCB PEI",
    "QC": "CNESST",
    "SK": "WCB Saskatchewan",
    "YT": "WSCB",
}
BOARDS_FR = {**BOARDS, "NB": "Travail sécuritaire NB", "NT": "CSTIT", "NU": "CSTIT", "ON": "CSPAAT"}
# Each area's own text must never show up in a plan for another jurisdiction.
ONLY_IN = {
    "records.on_access_deadlines": "ON",
    "records.qc_minors": "QC",
    "records.bc_disclosure_directives": "BC",
    "records.mb_access_deadline": "MB",
    "records.nb_access_deadline": "NB",
    "retention.on_cpso_periods": "ON",
    "retention.bc_cpsbc_periods": "BC",
    "retention.ab_cpsa_periods": "AB",
    "retention.qc_cmq_periods": "QC",
    "reporting.on_child_protection": "ON",
    "reporting.qc_youth_protection": "QC",
    "safety.on_wsib_reporting": "ON",
    "safety.first_aid_bc": "BC",
    "scope.on_controlled_acts": "ON",
}


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(checklists_dir())


def plan(real: Catalog, province: str, setting: str, role: str, *options: str) -> Plan:
    profile = ClinicProfile(province, setting, options=frozenset(options))
    return build_plan(real, profile, role, START)


def ids(built: Plan) -> set[str]:
    return {task.id for task in built.tasks} | {duty.id for duty in built.duties}


def test_qc_family_medicine_assistant_gets_quebec_consent_recalls_and_cnesst(
    real: Catalog,
) -> None:
    built = ids(plan(real, "QC", "family_medicine", "medical_assistant", "vaccine_storage"))
    assert {
        "records.access_requests",
        "records.qc_minors",
        "records.consent_directives",
        "retention.schedule",
        "retention.qc_cmq_periods",
        "reporting.qc_youth_protection",
        "safety.de_escalation",
        "safety.compensation_claims",
        "recalls.recall_lists",
        "recalls.duty.work_recall_list",
        "scope.qc_reserved_activities",
        "cold_chain.monitoring",
        "cold_chain.excursion",
        "waste.spill_kit",
        "digital.phishing",
    } <= built
    assert not built & {"records.minors", "reporting.child_protection", "scope.on_controlled_acts"}


def test_bc_rehabilitation_gets_bc_law_and_no_family_medicine_recalls(real: Catalog) -> None:
    built = ids(plan(real, "BC", "rehabilitation_centre", "clinic_assistant"))
    assert {
        "records.bc_minors",
        "records.bc_disclosure_directives",
        "reporting.bc_child_protection",
        "safety.working_alone",
        "safety.first_aid_bc",
        "scope.restricted_activities",
        "waste.sharps_containers",
    } <= built
    assert not any(task_id.startswith("recalls.") for task_id in built)
    assert not any(task_id.startswith("cold_chain.") for task_id in built), "no vaccine fridge"


def test_nu_community_health_centre_gets_policy_wording_and_the_wscc(real: Catalog) -> None:
    built = plan(real, "NU", "community_health_centre", "medical_office_assistant")
    found = ids(built)
    assert {
        "records.minors",
        "records.consent_directives",
        "reporting.child_protection",
        "safety.de_escalation",
        "safety.working_alone_policy",
        "safety.committee",
        "digital.patient_messages",
    } <= found
    assert not any(task_id.startswith("recalls.") for task_id in found)
    assert not found & {"safety.working_alone", "safety.first_aid_bc", "waste.spill_kit"}
    claims = next(task for task in built.tasks if task.id == "safety.compensation_claims")
    assert "Workers' Safety and Compensation Commission (WSCC)" in claims.guidance


def test_walk_in_clinic_has_no_recalls(real: Catalog) -> None:
    assert not any(
        task_id.startswith("recalls.")
        for task_id in ids(plan(real, "ON", "walk_in_clinic", "medical_office_assistant"))
    )


@pytest.mark.parametrize(("lang", "boards"), [("en", BOARDS), ("fr", BOARDS_FR)])
def test_every_jurisdiction_names_its_own_compensation_board(
    real: Catalog, lang: str, boards: dict[str, str]
) -> None:
    for province, board in boards.items():
        profile = ClinicProfile(province, "specialty_clinic")
        built = build_plan(real, profile, "medical_office_assistant", START, lang=lang)
        claims = next(task for task in built.tasks if task.id == "safety.compensation_claims")
        assert board in claims.guidance, f"{province} {lang}: {claims.guidance}"
        others = {name for code, name in boards.items() if name != board}
        assert not [name for name in others if name in claims.guidance], province


def test_jurisdiction_specific_items_stay_in_their_jurisdiction(real: Catalog) -> None:
    roles = ("medical_office_assistant", "medical_assistant", "clinic_assistant")
    for province, role in product(real.jurisdictions, roles):
        built = ids(plan(real, province, "family_medicine", role, "vaccine_storage"))
        strays = [item for item, home in ONLY_IN.items() if item in built and home != province]
        assert not strays, f"{province} {role}: {strays}"


def test_every_jurisdiction_gets_one_working_alone_one_first_aid_and_one_committee_item(
    real: Catalog,
) -> None:
    for province in real.jurisdictions:
        built = ids(plan(real, province, "specialty_clinic", "medical_assistant"))
        alone = built & {"safety.working_alone", "safety.working_alone_policy"}
        first_aid = built & {"safety.first_aid", "safety.first_aid_on", "safety.first_aid_bc"}
        committee = built & {"safety.committee", "safety.on_committee", "ohs.nl_committee"}
        assert len(alone) == len(first_aid) == len(committee) == 1, province
        assert "safety.de_escalation" in built, province


@pytest.mark.parametrize(
    "item_id", ["retention.schedule", "retention.secure_destruction", "retention.return_on_leaving"]
)
def test_retention_items_the_offboarding_checklist_cites_reach_everyone(
    real: Catalog, item_id: str
) -> None:
    """The people issue's offboarding checklist cites these ids for every hire."""
    applies = real.item(item_id).applies
    assert (applies.provinces, applies.roles, applies.settings, applies.options) == (None,) * 4


def test_a_jurisdiction_without_its_compensation_board_is_named(
    edit: Edit, problems: Problems
) -> None:
    edit("jurisdictions.yaml", lambda data: entry(data, "NU")["ohs"].pop("compensation_board"))
    found = problems()
    where = ("jurisdictions.yaml", "NU", "ohs.compensation_board")
    assert_problem(found, *where, "required field is missing")


def test_a_compensation_board_without_french_is_named(edit: Edit, problems: Problems) -> None:
    edit(
        "jurisdictions.yaml", lambda data: entry(data, "QC")["ohs"]["compensation_board"].pop("fr")
    )
    assert_problem(problems(), "jurisdictions.yaml", "QC", "ohs.compensation_board", '"fr"')
