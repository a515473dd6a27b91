"""plan_to_dict: a plan as JSON-safe data, for the API, exports and the CLI's --format json."""

from typing import Any

from clinic_onboard.planner.plan import Plan, PlannedDuty, PlannedTask


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    return {
        "catalog_version": plan.catalog_version,
        "profile": {
            "province": plan.profile.province,
            "setting": plan.profile.setting,
            "role": plan.role,
            "emr": plan.profile.emr,
            "options": sorted(plan.profile.options),
        },
        "start_date": plan.start_date.isoformat(),
        "duties": [_duty(duty) for duty in plan.duties],
        "tasks": [_task(task) for task in plan.tasks],
        "switched_off": [entry._asdict() for entry in plan.switched_off],
        "unknown_switch_offs": list(plan.unknown_switch_offs),
        "max_per_day": plan.max_per_day,
        "crowded_days": [
            {"date": crowded.day.isoformat(), "tasks": crowded.tasks}
            for crowded in plan.crowded_days
        ],
    }


def _duty(duty: PlannedDuty) -> dict[str, Any]:
    return {
        "id": duty.id,
        "title": duty.title,
        "guidance": duty.guidance,
        "frequency": duty.frequency,
        "module": duty.module,
        "references": list(duty.references),
    }


def _task(task: PlannedTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "guidance": task.guidance,
        "module": task.module,
        "kind": task.kind,
        "phase": task.phase,
        "due_days": task.due_days,
        "due_date": task.due_date.isoformat(),
        "signoff": task.signoff,
        "references": list(task.references),
        "credential": _credential(task),
        "custom": task.custom,
    }


def _credential(task: PlannedTask) -> dict[str, Any] | None:
    """How long the item stays valid; None for items that do not lapse."""
    if task.validity_months is None:
        return None
    return {"validity_months": task.validity_months, "renews": task.renews}
