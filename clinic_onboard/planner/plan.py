"""A generated plan: plain, immutable data with every placeholder already filled in."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from clinic_onboard.catalog.text import Language
from clinic_onboard.planner.profile import ClinicProfile
from clinic_onboard.planner.spread import DEFAULT_MAX_PER_DAY, CrowdedDay


@dataclass(frozen=True)
class PlannedDuty:
    id: str
    title: str
    guidance: str
    frequency: str
    module: str
    module_title: str
    basis: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class PlannedTask:
    """One dated onboarding item; ``phase`` is None when the item is timed by ``due_days``."""

    id: str
    title: str
    guidance: str
    module: str
    module_title: str
    kind: str
    phase: str | None
    due_days: int | None
    due_date: date
    signoff: str
    basis: str
    references: tuple[str, ...]
    validity_months: int | None
    renews: bool | None
    custom: bool


class SwitchedOff(NamedTuple):
    """An item that would have applied but the clinic switched off, and the clinic's reason."""

    id: str
    title: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """Every text in ``language``, except a clinic's own items, which keep the clinic's words."""

    catalog_version: str
    profile: ClinicProfile
    role: str
    start_date: date
    duties: tuple[PlannedDuty, ...]
    tasks: tuple[PlannedTask, ...]
    switched_off: tuple[SwitchedOff, ...]
    unknown_switch_offs: tuple[str, ...]
    language: Language = "en"
    # days holding more than max_per_day tasks because the tasks fit nowhere else in their window
    crowded_days: tuple[CrowdedDay, ...] = ()
    max_per_day: int = DEFAULT_MAX_PER_DAY
