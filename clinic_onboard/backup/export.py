"""Write one clinic's full data, every table's rows and its uploaded files, to a backup.

The rows and the files' bytes are read on a connection of their own (REPEATABLE READ on
PostgreSQL), so the backup is one consistent moment even while the clinic keeps working; a
reference from an exported row to a row left out is refused, since such a backup could never
be restored.
"""

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table, select

from clinic_onboard.backup.archive import DATA, FILES, MANIFEST, BackupError, open_writer, sha256
from clinic_onboard.backup.encoding import encode_row
from clinic_onboard.backup.scope import ClinicFiles, Scope, rule_problems
from clinic_onboard.backup.signature import sign_manifest
from clinic_onboard.extensions import db
from clinic_onboard.record.keys import KeyRing

FORMAT = "clinic-onboard-backup"
FORMAT_VERSION = 2  # 2: the manifest is signed (backup/signature.py)
Data = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Versions:
    """What made the backup, recorded in its manifest."""

    app: str
    catalog: str


@dataclass(frozen=True)
class ExportReport:
    manifest: dict[str, Any]
    missing_files: list[str]


def export_clinic(
    clinic_id: int, target: Path, versions: Versions, now: datetime, keys: KeyRing
) -> ExportReport:
    """Write the clinic's backup to ``target`` (a new folder, or a ``.zip``), signed with
    ``keys``' current key."""
    problems = rule_problems(db.metadata)
    if problems:
        raise BackupError("tables without a backup rule:\n  " + "\n  ".join(problems))
    scope = Scope(db.metadata, clinic_id)
    with _snapshot() as connection:
        data = _read(connection, scope)
        if not data["clinics"]:
            raise BackupError(f"no clinic has id {clinic_id}")
        dangling = dangling_references(db.metadata, data)
        if dangling:
            raise BackupError("rows point outside the backup:\n  " + "\n  ".join(dangling))
        files = _FileSource(connection, scope, data)
        manifest = _write(target, data, _manifest(data, versions, now), files, keys)
    return ExportReport(manifest, sorted(referenced_files(data) - set(files.names())))


def read_rows(scope: Scope) -> Data:
    """Every backed-up table's rows for the clinic, in one snapshot."""
    with _snapshot() as connection:
        return _read(connection, scope)


@contextmanager
def _snapshot() -> Iterator[Connection]:
    """A connection whose reads all see one moment, in a transaction of its own."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def _read(connection: Connection, scope: Scope) -> Data:
    return {
        table.name: [
            encode_row(table, row) for row in connection.execute(scope.select(table)).mappings()
        ]
        for table in scope.tables()
    }


@dataclass(frozen=True)
class _FileSource:
    """The bytes of the exported file rows, read one file at a time in the same snapshot."""

    connection: Connection
    scope: Scope
    data: Data

    def _tables(self) -> Iterator[tuple[Table, ClinicFiles]]:
        for table in self.scope.tables():
            rule = self.scope.rules[table.name]
            if isinstance(rule, ClinicFiles):
                yield table, rule

    def names(self) -> Iterator[str]:
        for table, rule in self._tables():
            yield from (row[rule.name] for row in self.data[table.name])

    def contents(self) -> Iterator[tuple[str, bytes]]:
        """Each file's name and bytes; only one file is held at a time."""
        for table, rule in self._tables():
            [key] = table.primary_key.columns
            for row in self.data[table.name]:
                query = select(table.c[rule.content]).where(key == row[key.name])
                yield row[rule.name], self.connection.execute(query).scalar_one()


def dangling_references(metadata: MetaData, data: Data) -> list[str]:
    """Each foreign key value in ``data`` whose target row is not in ``data`` too."""
    found: list[str] = []
    for name, rows in data.items():
        for fk in metadata.tables[name].foreign_keys:
            target = fk.column.table.name
            present = {row[fk.column.name] for row in data.get(target, [])}
            missing = {row[fk.parent.name] for row in rows} - present - {None}
            found.extend(
                f"{name}.{fk.parent.name} = {value} but {target} {value} is not in the backup"
                for value in sorted(missing)
            )
    return found


def referenced_files(data: Data) -> set[str]:
    """Every stored file name a JSON value mentions (credential payloads, ``{"file": ...}``)."""
    return {name for rows in data.values() for row in rows for name in _stored_names(row)}


def _stored_names(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        if isinstance(value.get("stored_name"), str):
            yield value["stored_name"]
        for inner in value.values():
            yield from _stored_names(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _stored_names(inner)


def _manifest(data: Data, versions: Versions, now: datetime) -> dict[str, Any]:
    [clinic] = data["clinics"]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": versions.app,
        "catalog_version": versions.catalog,
        "exported_at": now.isoformat(),
        "clinic": {"id": clinic["id"], "name": clinic["name"]},
        "tables": {name: len(rows) for name, rows in data.items()},
        "sha256": {},
    }


def _write(
    target: Path, data: Data, manifest: dict[str, Any], files: _FileSource, keys: KeyRing
) -> dict[str, Any]:
    """Data first, then the files, the signed manifest last."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    with open_writer(target) as writer:
        writer.add_bytes(DATA, body)
        manifest["sha256"][DATA] = sha256(body)
        for name, content in files.contents():
            writer.add_bytes(f"{FILES}/{name}", content)
            manifest["sha256"][f"{FILES}/{name}"] = sha256(content)
        signed = sign_manifest(manifest, keys)
        writer.add_bytes(MANIFEST, json.dumps(signed, indent=2, ensure_ascii=False).encode())
    return signed
