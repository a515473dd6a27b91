"""``move-uploads``: copy the credential files kept in folders before they were kept in the
database into ``stored_files``, once, after ``db upgrade``."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic
from clinic_onboard.queries.record import stored_file_labels
from clinic_onboard.services import uploads


def old_uploads_root() -> Path:
    """Where files were kept: UPLOAD_FOLDER, else ``instance/uploads``, a folder per clinic."""
    return Path(
        current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path, "uploads")
    )


@click.command("move-uploads")
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="The old uploads folder (default: UPLOAD_FOLDER, else instance/uploads).",
)
@with_appcontext
def move_uploads_command(folder: Path | None) -> None:
    """Copy each clinic's files from its old uploads folder into the database. A file already
    copied is left alone, so running it again is safe; the folders are not changed."""
    root = folder or old_uploads_root()
    if not root.is_dir():
        click.echo(f"Nothing to move: {root} is not a folder.")
        return
    clinic_ids = list(db.session.scalars(select(Clinic.id).order_by(Clinic.id)))
    refused = 0
    for clinic_id in clinic_ids:
        moved = uploads.move_folder(clinic_id, root / str(clinic_id), stored_file_labels(clinic_id))
        db.session.commit()
        if moved.copied or moved.present or moved.refused:
            click.echo(
                f"Clinic {clinic_id}: copied {moved.copied} files, {moved.present} were already "
                "in the database."
            )
        for reason in moved.refused:
            click.echo(f"Not copied: {reason}", err=True)
        refused += len(moved.refused)
    known = {str(clinic_id) for clinic_id in clinic_ids}
    for stray in sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in known):
        click.echo(f"Not copied: {root / stray} belongs to no clinic in this database.", err=True)
        refused += 1
    if refused:
        raise click.ClickException(f"{refused} files or folders were not copied (listed above).")
