"""Which rows of each table belong to one clinic: every table has an explicit rule here.

Backups walk ``metadata.sorted_tables``; a table without a rule makes ``rule_problems`` name it
and export refuse to run, so a table added later can never silently drop out of backups.
SQLAlchemy Core only: no Flask, no session.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import ColumnElement, MetaData, Select, Table, false, or_, select


class Rule(Protocol):
    def where(self, table: Table, scope: "Scope") -> ColumnElement[bool]: ...

    def problems(self, table: Table, metadata: MetaData) -> list[str]: ...


@dataclass(frozen=True)
class TheClinic:
    """The clinic's own row."""

    def where(self, table: Table, scope: "Scope") -> ColumnElement[bool]:
        return table.c.id == scope.clinic_id

    def problems(self, table: Table, metadata: MetaData) -> list[str]:
        return [] if "id" in table.c else [f"{table.name}: TheClinic needs an id column"]


@dataclass(frozen=True)
class ByClinic:
    """Rows that carry the clinic's id, as every tenant table does."""

    column: str = "clinic_id"

    def where(self, table: Table, scope: "Scope") -> ColumnElement[bool]:
        return table.c[self.column] == scope.clinic_id

    def problems(self, table: Table, metadata: MetaData) -> list[str]:
        if self.column in table.c:
            return []
        return [f"{table.name}: ByClinic names a missing column {self.column!r}"]


@dataclass(frozen=True)
class ClinicFiles(ByClinic):
    """The clinic's stored files: each row travels in data.json without its ``content``
    column, whose bytes go into the archive as ``files/<name column>``, hashed in the manifest
    like every file there (and readable without this app)."""

    content: str = "data"
    name: str = "stored_name"

    def problems(self, table: Table, metadata: MetaData) -> list[str]:
        missing = [c for c in (self.column, self.content, self.name) if c not in table.c]
        return [f"{table.name}: ClinicFiles names a missing column {c!r}" for c in missing]


@dataclass(frozen=True)
class ByParent:
    """Rows whose foreign key points at a backed-up row of another table (a user's settings)."""

    column: str
    parent: str

    def where(self, table: Table, scope: "Scope") -> ColumnElement[bool]:
        parent = scope.metadata.tables[self.parent]
        keys = select(_key(parent)).where(scope.where(parent))
        return table.c[self.column].in_(keys)

    def problems(self, table: Table, metadata: MetaData) -> list[str]:
        if self.column not in table.c or self.parent not in metadata.tables:
            return [f"{table.name}: ByParent names a missing {self.column!r} or {self.parent!r}"]
        return []


@dataclass(frozen=True)
class Referenced:
    """Rows that any clinic-scoped row points at: for ``users``, the clinic's members and also
    supervisors and actors whose names stay on its record after they left."""

    def where(self, table: Table, scope: "Scope") -> ColumnElement[bool]:
        sources = [
            select(fk.parent).where(scope.where(fk.parent.table))
            for source in scope.metadata.sorted_tables
            if isinstance(scope.rules.get(source.name), ByClinic)
            for fk in source.foreign_keys
            if fk.column.table is table
        ]
        return or_(false(), *(_key(table).in_(source) for source in sources))

    def problems(self, table: Table, metadata: MetaData) -> list[str]:
        return []


@dataclass(frozen=True)
class Skip:
    """Not part of a clinic's backup; the reason says why, for the next reader."""

    reason: str

    def where(self, table: Table, scope: "Scope") -> ColumnElement[bool]:
        return false()

    def problems(self, table: Table, metadata: MetaData) -> list[str]:
        return [] if self.reason.strip() else [f"{table.name}: Skip needs a reason"]


RULES: dict[str, Rule] = {
    "users": Referenced(),
    "clinics": TheClinic(),
    "memberships": ByClinic(),
    "clinic_roles": ByClinic(),
    "switched_off_items": ByClinic(),
    "role_custom_items": ByClinic(),
    "policy_documents": ByClinic(),
    "onboardings": ByClinic(),
    "onboarding_tasks": ByClinic(),
    "onboarding_duties": ByClinic(),
    "onboarding_events": ByClinic(),
    "issued_records": ByClinic(),
    "audit_events": ByClinic(),
    "sent_reminders": ByClinic(),
    "reminder_settings": ByParent("user_id", "users"),
    "duty_settings": ByClinic(),
    "duty_ticks": ByClinic(),
    "log_units": ByClinic(),
    "log_entries": ByClinic(),
    "log_incidents": ByClinic(),
    "stored_files": ClinicFiles(),
    # An open invitation names an account that is not (yet) the clinic's: carrying it would put
    # another clinic's person, password hash included, into this clinic's backup.
    "clinic_invitations": Skip("invitations name accounts that are not the clinic's members"),
    # What a job changed is in the clinic's own tables and its audit log; its progress matters
    # only while it runs, and a restored clinic has none running.
    "jobs": Skip("a job's progress matters only while it runs"),
    "job_lines": Skip("a job's per-line results matter only while it runs"),
}


def _key(table: Table) -> ColumnElement[int]:
    """The single-column primary key every scoped parent has."""
    [column] = table.primary_key.columns
    return column


@dataclass(frozen=True)
class Scope:
    """One clinic's slice of the database."""

    metadata: MetaData
    clinic_id: int
    rules: Mapping[str, Rule] = field(default_factory=lambda: RULES)

    def where(self, table: Table) -> ColumnElement[bool]:
        return self.rules[table.name].where(table, self)

    def select(self, table: Table) -> Select:
        """The clinic's rows of ``table`` in primary-key order, so exports are repeatable;
        a file's bytes are left out (see ``ClinicFiles``)."""
        rule = self.rules[table.name]
        skipped = rule.content if isinstance(rule, ClinicFiles) else None
        columns = [column for column in table.c if column.name != skipped]
        return select(*columns).where(self.where(table)).order_by(*table.primary_key.columns)

    def tables(self) -> list[Table]:
        """The tables a backup carries, parents before children."""
        return [t for t in self.metadata.sorted_tables if not isinstance(self.rules[t.name], Skip)]


def rule_problems(metadata: MetaData, rules: Mapping[str, Rule] = RULES) -> list[str]:
    """Every table without a rule, every rule that no longer fits its table, every stale rule."""
    problems: list[str] = []
    for table in metadata.sorted_tables:
        rule = rules.get(table.name)
        if rule is None:
            problems.append(
                f"{table.name}: no backup rule; add one to RULES in clinic_onboard/backup/scope.py"
            )
        else:
            problems.extend(rule.problems(table, metadata))
    problems.extend(
        f"{name}: a backup rule for a table that does not exist"
        for name in rules
        if name not in metadata.tables
    )
    return problems
