"""Stored files on the web: one way to keep an upload (credential copies and the clinic's
policy PDFs) and one way to answer with a stored file."""

import io

from flask import current_app, send_file
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from clinic_onboard.extensions import db
from clinic_onboard.models import StoredFileRow
from clinic_onboard.queries.record import stored_file_names
from clinic_onboard.services import uploads


def keep_upload(upload: FileStorage, clinic_id: int) -> uploads.StoredFile:
    """Store the upload within the clinic's quota, or raise UploadRejected. Files nothing in
    the clinic names are deleted first, and that is committed at once, so the quota counts only
    what the record needs even when this upload is then refused."""
    if uploads.prune(clinic_id, stored_file_names(clinic_id)):
        db.session.commit()
    config = current_app.config
    return uploads.save_upload(
        upload.stream,
        upload.filename or "",
        clinic_id,
        config["UPLOAD_MAX_BYTES"],
        config["UPLOAD_QUOTA_BYTES_PER_CLINIC"],
    )


def send_stored(copy: StoredFileRow, original_name: str, as_attachment: bool) -> Response:
    """The bytes from the database, never cached by the browser, with the type we sniffed
    (never the browser's guess) and the hash as the ETag."""
    response = send_file(
        io.BytesIO(copy.data),
        mimetype=copy.content_type,
        as_attachment=as_attachment,
        download_name=uploads.download_name(original_name, copy.content_type),
        max_age=0,
        etag=copy.sha256,
        last_modified=copy.created_at,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
