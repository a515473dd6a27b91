"""The loaded library: immutable, and equal to another exactly when its version is."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from clinic_onboard.catalog.graph import reachable
from clinic_onboard.catalog.schema import (
    ClinicLog,
    Duty,
    EmrProduct,
    Item,
    Jurisdiction,
    Option,
    Role,
    Setting,
)
from clinic_onboard.catalog.text import Text


@dataclass(frozen=True)
class Module:
    id: str
    title: Text
    summary: Text
    order: int
    items: tuple[Item, ...]
    duties: tuple[Duty, ...]
    offboarding: bool = False  # planned only for someone leaving (see ``ModuleHeader``)
    logs: tuple[ClinicLog, ...] = ()


@dataclass(frozen=True, eq=False)
class Catalog:
    """Everything the planner and the app know about content, checked and indexed once.

    Equality and hashing go by ``version``, which hashes every file's bytes: two catalogs with the
    same version hold the same content, and a catalog can key a cache.
    """

    version: str
    title: Text
    disclaimer: Text
    jurisdictions: Mapping[str, Jurisdiction]
    settings: Mapping[str, Setting]
    roles: Mapping[str, Role]
    options: Mapping[str, Option]
    emr_products: Mapping[str, EmrProduct]
    modules: tuple[Module, ...]
    _items: Mapping[str, Item] = field(init=False, repr=False)
    _duties: Mapping[str, Duty] = field(init=False, repr=False)
    _logs: Mapping[str, ClinicLog] = field(init=False, repr=False)
    _role_scopes: Mapping[str, frozenset[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        items = {item.id: item for module in self.modules for item in module.items}
        duties = {duty.id: duty for module in self.modules for duty in module.duties}
        includes = {slug: role.includes for slug, role in self.roles.items()}
        scopes = {slug: reachable(includes, slug) for slug in self.roles}
        object.__setattr__(self, "_items", MappingProxyType(items))
        object.__setattr__(self, "_duties", MappingProxyType(duties))
        logs = {log.id: log for module in self.modules for log in module.logs}
        object.__setattr__(self, "_logs", MappingProxyType(logs))
        object.__setattr__(self, "_role_scopes", MappingProxyType(scopes))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Catalog) and other.version == self.version

    def __hash__(self) -> int:
        return hash(self.version)

    def item(self, item_id: str) -> Item:
        return self._items[item_id]

    def duty(self, duty_id: str) -> Duty:
        return self._duties[duty_id]

    def log(self, log_id: str) -> ClinicLog:
        return self._logs[log_id]

    @property
    def logs(self) -> tuple[ClinicLog, ...]:
        """Every clinic log the library defines, in module order."""
        return tuple(self._logs.values())

    def has_entry(self, entry_id: str) -> bool:
        """Items and duties share one id space; switch-offs and custom ids meet both."""
        return entry_id in self._items or entry_id in self._duties

    def title_of(self, entry_id: str) -> Text | None:
        """An item's or duty's title; None for an id the library does not have (any more)."""
        entry = self._items.get(entry_id) or self._duties.get(entry_id)
        return entry.title if entry is not None else None

    def role_scope(self, slug: str) -> frozenset[str]:
        """The role and every role it includes, transitively: whose items a hire in it gets."""
        return self._role_scopes[slug]
