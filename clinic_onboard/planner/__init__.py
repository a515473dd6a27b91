"""The planner: which library items apply to a hire, and when each falls due.

Pure: no Flask, no database and no clock; the caller passes the start date.
"""

from clinic_onboard.planner.build import build_plan
from clinic_onboard.planner.export import plan_to_dict
from clinic_onboard.planner.plan import Plan, PlannedDuty, PlannedTask, SwitchedOff
from clinic_onboard.planner.profile import (
    PRIVATE_CLINIC,
    ClinicProfile,
    CustomItem,
    RoleCustomization,
)
from clinic_onboard.planner.requests import CUSTOM_MODULE, CUSTOM_MODULE_TITLES

__all__ = [
    "CUSTOM_MODULE",
    "CUSTOM_MODULE_TITLES",
    "PRIVATE_CLINIC",
    "ClinicProfile",
    "CustomItem",
    "Plan",
    "PlannedDuty",
    "PlannedTask",
    "RoleCustomization",
    "SwitchedOff",
    "build_plan",
    "plan_to_dict",
]
