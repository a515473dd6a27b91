"""build_plan and plan_to_dict over the minimal fixture library."""

import json
import re
from datetime import date
from typing import Any

import pytest

from clinic_onboard.catalog import Catalog
from clinic_onboard.planner import (
    ClinicProfile,
    CustomItem,
    Plan,
    RoleCustomization,
    build_plan,
    plan_to_dict,
)

START = date(2026, 12, 1)  # a Tuesday
ON = ClinicProfile("ON", "family_medicine")


def plan_for(
    catalog: Catalog,
    role: str = "medical_assistant",
    profile: ClinicProfile = ON,
    customization: RoleCustomization | None = None,
) -> Plan:
    return build_plan(catalog, profile, role, START, customization)


def task_ids(plan: Plan) -> list[str]:
    return [task.id for task in plan.tasks]


def duty_ids(plan: Plan) -> list[str]:
    return [duty.id for duty in plan.duties]


def fire_drill(**changes: Any) -> CustomItem:
    fields = {
        "id": "custom.fire_drill",
        "title": "Walk the fire exits",
        "guidance": "Find both exits and the extinguishers.",
        "kind": "task",
        "phase": "week_1",
        "signoff": "supervisor",
    }
    return CustomItem(**{**fields, **changes})


def test_office_assistant_gets_no_clinical_items(minimal_catalog: Catalog) -> None:
    plan = plan_for(minimal_catalog, "medical_office_assistant")
    assert "ipac.hand_hygiene" not in task_ids(plan)
    assert "bls.certificate" not in task_ids(plan)
    assert "ipac.duty.room_turnover" not in duty_ids(plan)
    assert "ipac.routine_practices" in task_ids(plan)


def test_lead_gets_the_items_of_the_roles_it_includes(minimal_catalog: Catalog) -> None:
    lead = task_ids(plan_for(minimal_catalog, "lead_medical_assistant"))
    assert {"ipac.hand_hygiene", "bls.certificate", "emr.audit_review"} <= set(lead)
    assert "emr.audit_review" not in task_ids(plan_for(minimal_catalog, "medical_assistant"))


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (set(), set()),
        ({"specimen_collection"}, {"ipac.specimen_labelling"}),
        ({"onsite_reprocessing"}, set()),
        ({"onsite_reprocessing", "minor_procedures"}, {"ipac.reprocessing"}),
    ],
)
def test_option_items_need_their_options(
    minimal_catalog: Catalog, options: set[str], expected: set[str]
) -> None:
    profile = ClinicProfile("ON", "family_medicine", options=frozenset(options))
    option_items = {"ipac.specimen_labelling", "ipac.reprocessing"}
    assert option_items & set(task_ids(plan_for(minimal_catalog, profile=profile))) == expected


@pytest.mark.parametrize(
    ("emr", "expected"), [(None, False), ("ps_suite", False), ("accuro", True)]
)
def test_emr_items_need_that_emr(minimal_catalog: Catalog, emr: str | None, expected: bool) -> None:
    plan = plan_for(minimal_catalog, profile=ClinicProfile("ON", "family_medicine", emr))
    assert ("emr.accuro_tasks" in task_ids(plan)) is expected


@pytest.mark.parametrize(("province", "expected"), [("ON", True), ("MB", True), ("AB", False)])
def test_province_items(minimal_catalog: Catalog, province: str, expected: bool) -> None:
    plan = plan_for(minimal_catalog, profile=ClinicProfile(province, "walk_in_clinic"))
    assert ("privacy.accessibility" in task_ids(plan)) is expected


@pytest.mark.parametrize(
    ("province", "title", "reference"),
    [
        ("ON", "PHIPA training for agents", "Personal Health Information Protection Act, 2004"),
        ("AB", "HIA training for affiliates", "Health Information Act (HIA)"),
        ("NU", "ATIPP Act training for employees", "(ATIPP Act) and Personal Information"),
    ],
)
def test_placeholders_are_filled_in_for_the_province(
    minimal_catalog: Catalog, province: str, title: str, reference: str
) -> None:
    plan = plan_for(minimal_catalog, profile=ClinicProfile(province, "family_medicine"))
    training = next(task for task in plan.tasks if task.id == "privacy.training")
    assert training.title == title
    assert reference in training.references[0]
    assert all("{" not in duty.references[0] for duty in plan.duties)


def test_item_never_due_before_what_it_requires(minimal_catalog: Catalog) -> None:
    due = {task.id: task.due_date for task in plan_for(minimal_catalog).tasks}
    assert due["privacy.training"] == date(2026, 12, 7)  # week_1
    assert due["privacy.pledge"] == due["privacy.training"]  # day_1, but requires the training


def test_switching_off_a_requirement_frees_the_item(minimal_catalog: Catalog) -> None:
    custom = RoleCustomization(disabled={"privacy.training": "Done at head office"})
    due = {task.id: task.due_date for task in plan_for(minimal_catalog, customization=custom).tasks}
    assert due["privacy.pledge"] == START


def test_tasks_sorted_by_date_then_module_then_file_order(minimal_catalog: Catalog) -> None:
    custom = RoleCustomization(custom_items=(fire_drill(),))
    plan = plan_for(minimal_catalog, "lead_medical_assistant", customization=custom)
    assert [(task.due_date, task.id) for task in plan.tasks][:7] == [
        (date(2026, 11, 30), "ipac.routine_practices"),
        (date(2026, 11, 30), "bls.certificate"),
        (date(2026, 12, 1), "ipac.hand_hygiene"),
        (date(2026, 12, 7), "privacy.training"),
        (date(2026, 12, 7), "privacy.pledge"),
        (date(2026, 12, 7), "emr.scheduling"),
        (date(2026, 12, 7), "custom.fire_drill"),
    ]


def test_duties_sorted_by_frequency_then_module(minimal_catalog: Catalog) -> None:
    plan = plan_for(minimal_catalog, "lead_medical_assistant")
    assert [(duty.frequency, duty.id) for duty in plan.duties] == [
        ("start_of_day", "ipac.duty.supplies"),
        ("per_patient", "ipac.duty.room_turnover"),
        ("end_of_day", "privacy.duty.lock_screens"),
        ("weekly", "emr.duty.inbox"),
        ("monthly", "bls.duty.kit_check"),
    ]
    assert plan.duties[0].module_title == "Infection prevention and control"


def test_planned_task_carries_the_item(minimal_catalog: Catalog) -> None:
    plan = plan_for(
        minimal_catalog,
        profile=ClinicProfile("ON", "family_medicine", options={"specimen_collection"}),
    )
    by_id = {task.id: task for task in plan.tasks}
    bls, specimens = by_id["bls.certificate"], by_id["ipac.specimen_labelling"]
    assert (bls.kind, bls.phase, bls.due_days, bls.signoff) == (
        "credential",
        "before_start",
        None,
        "manager",
    )
    assert (bls.validity_months, bls.renews, bls.custom, bls.module) == (24, True, False, "bls")
    assert (specimens.phase, specimens.due_days, specimens.due_date) == (
        None,
        14,
        date(2026, 12, 15),
    )


def test_switched_off_items_are_listed_with_the_reason(minimal_catalog: Catalog) -> None:
    custom = RoleCustomization(
        disabled={
            "ipac.hand_hygiene": "Covered by the health authority course",
            "privacy.duty.lock_screens": "Paper-free clinic",
            "emr.audit_review": "Not for this role",  # exists, but does not apply here
            "ipac.typo": "?",
        }
    )
    plan = plan_for(minimal_catalog, customization=custom)
    assert plan.switched_off == (
        (
            "ipac.hand_hygiene",
            "Hand hygiene at the four moments",
            "Covered by the health authority course",
        ),
        (
            "privacy.duty.lock_screens",
            "Lock screens and file away charts before leaving",
            "Paper-free clinic",
        ),
    )
    assert "ipac.hand_hygiene" not in task_ids(plan)
    assert "privacy.duty.lock_screens" not in duty_ids(plan)
    assert plan.unknown_switch_offs == ("ipac.typo",)


def test_custom_items_join_the_plan(minimal_catalog: Catalog) -> None:
    custom = RoleCustomization(
        custom_items=[fire_drill(), fire_drill(id="custom.keys", phase=None, due_days=2)]
    )
    tasks = {task.id: task for task in plan_for(minimal_catalog, customization=custom).tasks}
    drill = tasks["custom.fire_drill"]
    assert (drill.module, drill.module_title, drill.custom) == (
        "clinic",
        "Clinic-specific items",
        True,
    )
    assert (drill.due_date, drill.basis, drill.references) == (date(2026, 12, 7), "policy", ())
    assert tasks["custom.keys"].due_date == date(2026, 12, 3)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"kind": "chore"}, "kind: 'chore' is not one of task"),
        ({"phase": "day_two"}, "phase: 'day_two' is not one of before_start"),
        ({"signoff": "boss"}, "signoff: 'boss' is not one of none, supervisor, manager"),
        ({"due_days": 3}, "due_days: give phase or due_days, not both"),
        ({"phase": None}, "phase: give either phase or due_days"),
        ({"phase": None, "due_days": 400}, "due_days: 400 is outside 0..365"),
        ({"kind": "credential"}, "validity_months: required on a credential"),
        (
            {"validity_months": 12, "renews": True},
            "only credentials, document checks and acknowledgements expire",
        ),
        ({"title": " "}, "title: must not be empty"),
        ({"id": "ipac.hand_hygiene"}, "id: already used"),
    ],
)
def test_custom_items_follow_library_rules(
    minimal_catalog: Catalog, changes: dict[str, Any], text: str
) -> None:
    custom = RoleCustomization(custom_items=(fire_drill(**changes),))
    with pytest.raises(ValueError, match="custom item") as raised:
        plan_for(minimal_catalog, customization=custom)
    assert text in str(raised.value)


def test_custom_item_ids_are_unique(minimal_catalog: Catalog) -> None:
    custom = RoleCustomization(custom_items=(fire_drill(), fire_drill()))
    with pytest.raises(ValueError, match=re.escape("'custom.fire_drill': id: already used")):
        plan_for(minimal_catalog, customization=custom)


@pytest.mark.parametrize(
    ("profile", "role", "text"),
    [
        (
            ClinicProfile("XX", "family_medicine"),
            "medical_assistant",
            "unknown province or territory 'XX'",
        ),
        (ClinicProfile("ON", "hospital"), "medical_assistant", "unknown setting 'hospital'"),
        (ON, "nurse", "unknown role 'nurse'; choose one of medical_office_assistant"),
        (
            ClinicProfile("ON", "family_medicine", options={"x_ray"}),
            "medical_assistant",
            "unknown option 'x_ray'",
        ),
        (
            ClinicProfile("ON", "family_medicine", "epic"),
            "medical_assistant",
            "unknown EMR product 'epic'",
        ),
    ],
)
def test_unknown_slugs_raise(
    minimal_catalog: Catalog, profile: ClinicProfile, role: str, text: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(text)):
        build_plan(minimal_catalog, profile, role, START)


def test_profile_takes_any_collection_of_options() -> None:
    assert ClinicProfile("ON", "family_medicine", options=["a", "a"]).options == frozenset({"a"})  # type: ignore[arg-type]


def test_plan_records_its_inputs(minimal_catalog: Catalog) -> None:
    plan = plan_for(minimal_catalog)
    assert (plan.catalog_version, plan.profile, plan.role, plan.start_date) == (
        minimal_catalog.version,
        ON,
        "medical_assistant",
        START,
    )


def test_plan_to_dict(minimal_catalog: Catalog) -> None:
    profile = ClinicProfile(
        "ON", "family_medicine", "accuro", frozenset({"vaccine_storage", "specimen_collection"})
    )
    custom = RoleCustomization(
        disabled={"emr.scheduling": "Taught by the vendor", "nope": "?"},
        custom_items=(fire_drill(),),
    )
    data = plan_to_dict(plan_for(minimal_catalog, profile=profile, customization=custom))
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "catalog_version",
        "profile",
        "start_date",
        "duties",
        "tasks",
        "switched_off",
        "unknown_switch_offs",
        "max_per_day",
        "crowded_days",
    }
    assert data["profile"] == {
        "province": "ON",
        "setting": "family_medicine",
        "role": "medical_assistant",
        "emr": "accuro",
        "options": ["specimen_collection", "vaccine_storage"],
    }
    assert data["start_date"] == "2026-12-01"
    assert set(data["duties"][0]) == {
        "id",
        "title",
        "guidance",
        "frequency",
        "module",
        "references",
    }
    tasks = {task["id"]: task for task in data["tasks"]}
    assert set(tasks["bls.certificate"]) == {
        "id",
        "title",
        "guidance",
        "module",
        "kind",
        "phase",
        "due_days",
        "due_date",
        "signoff",
        "references",
        "credential",
        "custom",
    }
    assert tasks["bls.certificate"]["credential"] == {"validity_months": 24, "renews": True}
    assert tasks["bls.certificate"]["due_date"] == "2026-11-30"
    assert tasks["ipac.specimen_labelling"]["phase"] is None
    assert tasks["ipac.specimen_labelling"]["due_days"] is not None
    assert tasks["ipac.hand_hygiene"]["credential"] is None
    assert tasks["custom.fire_drill"]["custom"] is True
    assert data["switched_off"] == [
        {
            "id": "emr.scheduling",
            "title": "Book, move and cancel appointments",
            "reason": "Taught by the vendor",
        }
    ]
    assert data["unknown_switch_offs"] == ["nope"]
