"""``export`` and ``import``: one clinic's full backup (data and uploaded files) and its restore.

Unlike the other modules here these need the app (its database), so ``cli.py``
imports them directly; the package's ``__init__`` does not, keeping it free of Flask.
"""

from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from clinic_onboard.backup import BackupError
from clinic_onboard.backup.export import Versions, export_clinic
from clinic_onboard.backup.restore import import_backup
from clinic_onboard.extensions import db, record_keys
from clinic_onboard.services import anchor_log, library


def _versions() -> Versions:
    try:
        app_version = version("clinic-onboard")
    except PackageNotFoundError:  # running from a bare checkout
        app_version = "unknown"
    return Versions(app_version, library.catalog().version)


@click.command("export")
@click.option("--clinic-id", type=int, required=True, help="The clinic to back up.")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="A new folder, or a file ending in .zip.",
)
@with_appcontext
def export_command(clinic_id: int, output: Path) -> None:
    """Back up one clinic: every row of its data as JSON, and its uploaded files."""
    try:
        report = export_clinic(clinic_id, output, _versions(), datetime.now(UTC), record_keys())
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    for name in report.missing_files:
        click.echo(f"Warning: {name} is named by the record but not stored.", err=True)
    rows = sum(report.manifest["tables"].values())
    files = len(report.manifest["sha256"]) - 1
    key_id = report.manifest["signature"]["key_id"]
    click.echo(
        f"Wrote {output}: {report.manifest['clinic']['name']}, {rows} rows, {files} files; "
        f"signed with record key {key_id}."
    )


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def import_command(path: Path) -> None:
    """Restore a clinic's backup into an empty database; nothing is kept unless all of it is."""
    try:
        limit = current_app.config["BACKUP_MAX_DOCUMENT_BYTES"]
        restored = import_backup(path, record_keys(), limit)
        _commit()
    except (BackupError, OSError) as error:
        db.session.rollback()
        raise click.ClickException(f"Nothing was imported: {error}") from None
    manifest, clinic = restored.manifest, restored.manifest["clinic"]
    _anchor_imported(clinic["id"])
    rows = sum(manifest["tables"].values())
    click.echo(
        f"Imported {clinic.get('name')} (clinic {clinic['id']}): {rows} rows, "
        f"{len(restored.files)} files; its signature and every record's chain verify."
    )
    click.echo(
        f"Exported {manifest.get('exported_at')} by clinic-onboard {manifest.get('app_version')}, "
        f"content library {manifest.get('catalog_version')}."
    )


def _anchor_imported(clinic_id: int) -> None:
    """The rows went in as bulk inserts, which the session's anchoring does not see."""
    try:
        anchor_log.anchor_records(clinic_id)
        anchor_log.anchor_logs(clinic_id)
    except OSError as error:
        click.echo(f"The records are not anchored yet: {error} (run anchor-records).", err=True)


def _commit() -> None:
    """Commit once: the rows and the files go in together or not at all."""
    try:
        db.session.commit()
    except SQLAlchemyError as error:
        raise BackupError(f"the database refused the commit: {error}") from None
