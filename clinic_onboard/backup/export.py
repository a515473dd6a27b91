"""Write one clinic's full data, every table's rows and its uploaded files, to a backup.

The rows are read on a connection of their own (REPEATABLE READ on PostgreSQL), so the backup
is one consistent moment even while the clinic keeps working; a reference from an exported
row to a row left out is refused, since such a backup could never be restored.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData

from clinic_onboard.backup.archive import DATA, FILES, MANIFEST, BackupError, open_writer, sha256
from clinic_onboard.backup.encoding import encode_row
from clinic_onboard.backup.scope import Scope, rule_problems
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
    clinic_id: int, target: Path, uploads: Path, versions: Versions, now: datetime, keys: KeyRing
) -> ExportReport:
    """Write the clinic's backup to ``target`` (a new folder, or a ``.zip``), signed with
    ``keys``' current key."""
    problems = rule_problems(db.metadata)
    if problems:
        raise BackupError("tables without a backup rule:\n  " + "\n  ".join(problems))
    scope = Scope(db.metadata, clinic_id)
    data = read_rows(scope)
    if not data["clinics"]:
        raise BackupError(f"no clinic has id {clinic_id}")
    dangling = dangling_references(db.metadata, data)
    if dangling:
        raise BackupError("rows point outside the backup:\n  " + "\n  ".join(dangling))
    files = sorted(_stored_files(uploads))
    manifest = _write(target, data, _manifest(data, versions, now), uploads, files, keys)
    return ExportReport(manifest, sorted(referenced_files(data) - set(files)))


def read_rows(scope: Scope) -> Data:
    """Every backed-up table's rows for the clinic, in one snapshot."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            return _read(connection, scope)


def _read(connection: Connection, scope: Scope) -> Data:
    return {
        table.name: [
            encode_row(table, row) for row in connection.execute(scope.select(table)).mappings()
        ]
        for table in scope.tables()
    }


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


def _stored_files(uploads: Path) -> Iterator[str]:
    """The clinic's uploads folder, as names relative to it (symbolic links are not followed)."""
    if not uploads.is_dir():
        return
    for path in uploads.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(uploads).as_posix()


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
    target: Path,
    data: Data,
    manifest: dict[str, Any],
    uploads: Path,
    files: list[str],
    keys: KeyRing,
) -> dict[str, Any]:
    """Data first, then the files (hashed as they are copied), the signed manifest last."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    with open_writer(target) as writer:
        writer.add_bytes(DATA, body)
        manifest["sha256"][DATA] = sha256(body)
        for name in files:
            manifest["sha256"][f"{FILES}/{name}"] = writer.add_file(
                f"{FILES}/{name}", uploads / name
            )
        signed = sign_manifest(manifest, keys)
        writer.add_bytes(MANIFEST, json.dumps(signed, indent=2, ensure_ascii=False).encode())
    return signed
