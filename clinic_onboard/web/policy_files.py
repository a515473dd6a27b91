"""The clinic's policy PDFs through ``services.uploads``: store a manager's upload, serve a
version. Shared by the role page (managers attach and read) and the hire's item (the hire and
those who may see their plan read it).
"""

import hashlib
from pathlib import Path

from flask import abort, current_app, flash, send_file
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole, PolicyDocument
from clinic_onboard.operations import policy_documents as ops
from clinic_onboard.operations.progress import CONFLICT_MESSAGE
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.queries.record import stored_file_names
from clinic_onboard.services import uploads
from clinic_onboard.web.role_forms import PolicyDocumentForm
from clinic_onboard.web.tenancy import current_membership

PDF = "application/pdf"


def attach(role: ClinicRole, item_id: str, form: PolicyDocumentForm) -> ops.Attached | None:
    """Store the upload, attach it and commit; or None, with the reason on the form (or, for
    a simultaneous change, in a flash) and nothing kept."""
    folder = _folder(role.clinic_id)
    try:
        stored = _store_pdf(form, folder)
    except uploads.UploadRejected as rejected:
        form.file.errors = [*form.file.errors, str(rejected)]
        return None
    try:
        attached = ops.attach_document(
            role, current_membership(), item_id, stored, _sha256(folder, stored)
        )
        db.session.commit()
    except (ops.DocumentRefused, RecordConflict, IntegrityError) as refusal:
        db.session.rollback()
        uploads.discard(folder, stored)
        if isinstance(refusal, ops.DocumentRefused):
            form.file.errors = [*form.file.errors, str(refusal)]
        else:  # another manager's version, or a hire's signature, landed at the same moment
            flash(_(CONFLICT_MESSAGE), "error")
        return None
    return attached


def send_document(document: PolicyDocument) -> Response:
    """The stored PDF, shown in the browser (it was sanitised on upload), never cached."""
    try:
        path = uploads.stored_path(_folder(document.clinic_id), document.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=PDF,
        as_attachment=False,
        download_name=uploads.download_name(document.original_name, PDF),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _folder(clinic_id: int) -> Path:
    return uploads.clinic_folder(current_app.config, current_app.instance_path, clinic_id)


def _store_pdf(form: PolicyDocumentForm, folder: Path) -> uploads.StoredFile:
    """The upload stored within the clinic's quota, a PDF only (``save_upload`` strips its
    active content); files nothing names are pruned first, as for credentials."""
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        raise uploads.UploadRejected(_("Choose the PDF to upload."))
    # A picture is a fine copy of a certificate, but the clinic's policy must be a PDF.
    head = upload.stream.read(8)
    upload.stream.seek(0)
    if head and uploads.sniff(head) != PDF:
        raise uploads.UploadRejected(_("Upload the clinic's document as a PDF."))
    clinic_id, config = current_membership().clinic_id, current_app.config
    uploads.prune(folder, stored_file_names(clinic_id))
    return uploads.save_upload(
        upload.stream,
        upload.filename,
        folder,
        config["UPLOAD_MAX_BYTES"],
        config["UPLOAD_QUOTA_BYTES_PER_CLINIC"],
    )


def _sha256(folder: Path, stored: uploads.StoredFile) -> str:
    """The SHA-256 of the bytes kept (after sanitising), the ones a hire will read."""
    return hashlib.sha256(uploads.stored_path(folder, stored.stored_name).read_bytes()).hexdigest()
