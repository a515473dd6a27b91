"""What the caller tells the planner: the clinic, and how it has tailored a role."""

from collections.abc import Mapping
from dataclasses import dataclass, field

# The clinic option saying the clinic is privately run, not by a government or health authority:
# it chooses the jurisdiction's private-clinic privacy facts (Nunavut: PIPEDA, not ATIPP).
PRIVATE_CLINIC = "private_clinic"


@dataclass(frozen=True)
class ClinicProfile:
    """The facts about a clinic that decide which library items apply to its staff."""

    province: str
    setting: str
    emr: str | None = None
    options: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Callers often hold a list (a form, a database row); the profile must stay hashable.
        object.__setattr__(self, "options", frozenset(self.options))


@dataclass(frozen=True)
class CustomItem:
    """An item a clinic adds to a role; checked by the same rules as library items."""

    id: str
    title: str
    guidance: str
    kind: str
    signoff: str
    phase: str | None = None
    due_days: int | None = None
    validity_months: int | None = None
    renews: bool | None = None
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleCustomization:
    """A clinic's changes to a role template: items it switches off (with why) and its own."""

    disabled: Mapping[str, str] = field(default_factory=dict)
    custom_items: tuple[CustomItem, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "custom_items", tuple(self.custom_items))
