"""Restore a clinic's backup into an empty database, keeping every id as it was exported.

Keeping the ids keeps every foreign key and every id inside event payloads (``voids``) true,
and with them the hash chains, which are checked before anything is kept. Everything is
checked first (manifest, checksums, columns, an empty database); the rows, and the uploaded
files (rows of ``stored_files``, see ``scope.ClinicFiles``), go in one transaction that the
caller commits, so a failed import leaves nothing behind.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, literal, select
from sqlalchemy.exc import SQLAlchemyError

from clinic_onboard.backup.archive import (
    DATA,
    DEFAULT_MAX_DOCUMENT_BYTES,
    FILES,
    MANIFEST,
    BackupError,
    Reader,
    hash_stream,
    open_reader,
    sha256,
)
from clinic_onboard.backup.encoding import decode_row
from clinic_onboard.backup.export import FORMAT, FORMAT_VERSION
from clinic_onboard.backup.scope import RULES, ClinicFiles, Skip
from clinic_onboard.backup.signature import check_signature
from clinic_onboard.extensions import db
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import task_states
from clinic_onboard.queries.record import describe, stored_file_labels, verify_chains
from clinic_onboard.record.keys import KeyRing
from clinic_onboard.services import uploads

Rows = dict[str, list[dict[str, Any]]]


@dataclass
class Restored:
    """What an import put in place: its manifest and the names of the files restored."""

    manifest: dict[str, Any]
    files: list[str] = field(default_factory=list)


def import_backup(
    source: Path, keys: KeyRing, document_limit: int = DEFAULT_MAX_DOCUMENT_BYTES
) -> Restored:
    """Check and load the backup at ``source``, files included, without committing.

    The manifest's signature is checked with ``keys`` before anything else is read from it;
    ``document_limit`` bounds manifest.json, data.json and each file, read into memory.
    """
    with open_reader(source, document_limit) as reader:
        manifest = read_manifest(reader)
        check_signature(manifest, keys)
        check_checksums(reader, manifest)
        rows = _decoded(read_data(reader, manifest))
        refuse_unless_empty(rows)
        file_rows = _take_file_rows(rows)
        _insert(rows)
        check_chains()
        _fold_task_states(rows)
        restored = Restored(manifest)
        _restore_files(reader, manifest, file_rows, restored)
    return restored


def read_manifest(reader: Reader) -> dict[str, Any]:
    """The manifest, refused unless it is one this version of the app understands."""
    manifest = _json(reader, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not a clinic-onboard backup manifest")
    if manifest.get("format_version") == 1:
        raise BackupError(
            "backup format 1 is unsigned, so nothing shows it is unaltered; restore it with the "
            "clinic-onboard version that wrote it, upgrade, then export it again"
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format {manifest.get('format_version')!r} is not {FORMAT_VERSION}; "
            "import it with the version of clinic-onboard that wrote it"
        )
    checks = ("clinic", dict), ("tables", dict), ("sha256", dict)
    if not all(isinstance(manifest.get(key), kind) for key, kind in checks):
        raise BackupError(f"{MANIFEST} lacks its clinic, tables or sha256 section")
    if not isinstance(manifest["clinic"].get("id"), int):
        raise BackupError(f"{MANIFEST} does not say which clinic it holds")
    return manifest


def _json(reader: Reader, name: str) -> Any:
    try:
        return json.loads(reader.read(name))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{name} is not valid JSON: {error}") from None


def check_checksums(reader: Reader, manifest: dict[str, Any]) -> None:
    """Every file matches its SHA-256, and nothing is there that the manifest does not list."""
    listed: dict[str, str] = manifest["sha256"]
    if DATA not in listed:
        raise BackupError(f"{MANIFEST} has no checksum for {DATA}")
    unlisted = sorted(reader.names() - set(listed) - {MANIFEST})
    if unlisted:
        raise BackupError(f"files not listed in {MANIFEST}: {', '.join(unlisted)}")
    for name, expected in sorted(listed.items()):
        with reader.open(name) as stream:
            if hash_stream(stream) != expected:
                raise BackupError(f"{name} does not match its checksum: the backup is damaged")


def read_data(reader: Reader, manifest: dict[str, Any]) -> Rows:
    """The rows by table, their counts as the manifest says, for the manifest's clinic only."""
    data = _json(reader, DATA)
    if not isinstance(data, dict) or not all(_is_rows(rows) for rows in data.values()):
        raise BackupError(f"{DATA} must map each table to a list of rows")
    counts = {name: len(rows) for name, rows in data.items()}
    if counts != manifest["tables"]:
        raise BackupError(f"{DATA} does not hold the rows {MANIFEST} counts")
    clinics = [row.get("id") for row in data.get("clinics", [])]
    if clinics != [manifest["clinic"]["id"]]:
        raise BackupError(f"{DATA} does not hold exactly the clinic {MANIFEST} names")
    return data


def _is_rows(rows: Any) -> bool:
    return isinstance(rows, list) and all(isinstance(row, dict) for row in rows)


def _decoded(data: Rows) -> dict[Table, list[dict[str, Any]]]:
    """Rows ready for the database, parents first; an unknown table is refused by name."""
    unknown = sorted(set(data) - set(db.metadata.tables))
    if unknown:
        raise BackupError(f"this database has no table {', '.join(unknown)}; upgrade it first")
    skipped = sorted(name for name in data if isinstance(RULES.get(name), Skip))
    if skipped:
        raise BackupError(f"{', '.join(skipped)} are never part of a backup")
    return {
        table: _parents_first(table, [decode_row(table, row) for row in data[table.name]])
        for table in db.metadata.sorted_tables
        if table.name in data
    }


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order rows that point at rows of their own table (renewals) after what they point at."""
    columns = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not columns:
        return rows
    [key] = [column.name for column in table.primary_key.columns]
    waiting, ordered, remaining = {row.get(key) for row in rows}, [], rows
    while remaining:
        ready = [r for r in remaining if not any(_waits(r, c, key, waiting) for c in columns)]
        if not ready:
            raise BackupError(f"{table.name}: rows point at each other in a circle")
        ordered.extend(ready)
        waiting -= {row.get(key) for row in ready}
        remaining = [row for row in remaining if row.get(key) in waiting]
    return ordered


def _waits(row: dict[str, Any], column: str, key: str, waiting: set[Any]) -> bool:
    value = row.get(column)
    return value is not None and value != row.get(key) and value in waiting


def refuse_unless_empty(rows: dict[Table, list[dict[str, Any]]]) -> None:
    """Import restores into an empty database only: ids are kept, so nothing may be there."""
    tables = [t for t in db.metadata.sorted_tables if not isinstance(RULES.get(t.name), Skip)]
    occupied = [t.name for t in tables if db.session.scalar(select(literal(1)).select_from(t))]
    if not occupied:
        return
    users = db.metadata.tables["users"]
    emails = [row.get("email") for table, found in rows.items() if table is users for row in found]
    taken = db.session.scalars(select(users.c.email).where(users.c.email.in_(emails))).all()
    detail = f"; these people already have accounts: {', '.join(sorted(taken))}" if taken else ""
    raise BackupError(
        f"the database is not empty ({', '.join(occupied)} hold rows){detail}. "
        "Import restores a clinic into a new, empty database (after clinic-onboard db upgrade)."
    )


def _insert(rows: dict[Table, list[dict[str, Any]]]) -> None:
    """Every row with its id as exported, then PostgreSQL's id sequences moved past them."""
    try:
        for table, found in rows.items():
            if found:
                db.session.execute(insert(table), found)
        if db.session.get_bind().dialect.name == "postgresql":
            _reset_sequences(list(rows))
        db.session.flush()
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        raise BackupError(f"the database refused the rows: {reason}") from None


def _fold_task_states(rows: dict[Table, list[dict[str, Any]]], batch: int = 500) -> None:
    """Fold each task's kept state again from the restored events: a backup made before the
    columns existed lacks them, and the signatures cover the events, not these columns."""
    onboardings = [found for table, found in rows.items() if table.name == "onboardings"]
    ids = [row["id"] for found in onboardings for row in found]
    for start in range(0, len(ids), batch):
        task_states.refresh(ids[start : start + batch])


def _reset_sequences(tables: list[Table]) -> None:
    """Rows inserted with explicit ids leave SERIAL sequences behind; the next id must follow."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = func.pg_get_serial_sequence(table.name, column.name)
            following = select(func.coalesce(func.max(column), 0) + 1).scalar_subquery()
            db.session.execute(select(func.setval(sequence, following, False)))


def check_chains() -> None:
    """Every record must verify under this installation's record keys, or nothing is kept."""
    broken = [
        f"onboarding {report.onboarding_id}: {describe(finding)}"
        for report in verify_chains()
        for finding in report.findings
    ]
    if broken:
        raise BackupError("records do not verify:\n  " + "\n  ".join(broken))


FileRows = list[tuple[Table, ClinicFiles, list[dict[str, Any]]]]


def _take_file_rows(rows: dict[Table, list[dict[str, Any]]]) -> FileRows:
    """Take the file rows out of ``rows``: they go in last, each with its bytes."""
    taken: FileRows = []
    for table in list(rows):
        rule = RULES[table.name]
        if isinstance(rule, ClinicFiles):
            taken.append((table, rule, rows.pop(table)))
    return taken


def _restore_files(
    reader: Reader, manifest: dict[str, Any], file_rows: FileRows, into: Restored
) -> None:
    """Each file row with its bytes from the archive, hashed again on the way, one file at a
    time; a file without a row (a backup written when files were kept in a folder) gets one,
    labelled as the record names it."""
    files = dict(_uploads(manifest))
    try:
        for table, rule, found in file_rows:
            for row in found:
                name = row[rule.name]
                if name not in files:
                    raise BackupError(f"{FILES}/{name} is missing from the backup")
                content = _file(reader, name, files.pop(name))
                db.session.execute(insert(table), [{**row, rule.content: content}])
                into.files.append(name)
            if db.session.get_bind().dialect.name == "postgresql":
                _reset_sequences([table])
        _add_folder_files(reader, manifest, files, into)
        db.session.flush()
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        raise BackupError(f"the database refused the uploaded files: {reason}") from None


def _add_folder_files(
    reader: Reader, manifest: dict[str, Any], files: dict[str, str], into: Restored
) -> None:
    """The files a backup of the folder days carries, each stored as an upload is."""
    clinic_id = manifest["clinic"]["id"]
    labels = stored_file_labels(clinic_id)
    for name, expected in sorted(files.items()):
        content = _file(reader, name, expected)
        content_type = uploads.sniff(content[:8])
        if not uploads.STORED_NAME.fullmatch(name) or content_type is None:
            raise BackupError(f"{FILES}/{name} is not a file this app stores")
        stored = uploads.StoredFile(name, labels.get(name, "file"), content_type, len(content))
        uploads.add_copy(clinic_id, stored, content, utcnow())
        into.files.append(name)


def _file(reader: Reader, name: str, expected: str) -> bytes:
    content = reader.read(f"{FILES}/{name}")
    if sha256(content) != expected:
        raise BackupError(f"{FILES}/{name} changed while it was being restored")
    return content


def _uploads(manifest: dict[str, Any]) -> Iterator[tuple[str, str]]:
    prefix = f"{FILES}/"
    for name, expected in sorted(manifest["sha256"].items()):
        if name.startswith(prefix):
            yield name.removeprefix(prefix), expected
