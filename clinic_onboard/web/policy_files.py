"""The clinic's policy PDFs through ``services.uploads``: store a manager's upload, serve a
version. Shared by the role page (managers attach and read) and the hire's item (the hire and
those who may see their plan read it).
"""

from flask import abort, flash
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole, PolicyDocument
from clinic_onboard.operations import policy_documents as ops
from clinic_onboard.operations.progress import CONFLICT_MESSAGE
from clinic_onboard.operations.record import RecordConflict
from clinic_onboard.services import uploads
from clinic_onboard.web.role_forms import PolicyDocumentForm
from clinic_onboard.web.stored_files import keep_upload, send_stored
from clinic_onboard.web.tenancy import current_membership

PDF = "application/pdf"


def attach(role: ClinicRole, item_id: str, form: PolicyDocumentForm) -> ops.Attached | None:
    """Store the upload, attach it and commit; or None, with the reason on the form (or, for
    a simultaneous change, in a flash) and nothing kept: the stored copy is only flushed, so
    the rollback takes it away with the refused version."""
    try:
        stored = _store_pdf(form, role.clinic_id)
    except uploads.UploadRejected as rejected:
        form.file.errors = [*form.file.errors, str(rejected)]
        return None
    try:
        copy = uploads.find(role.clinic_id, stored.stored_name)
        sha256 = copy.sha256 if copy is not None else ""
        attached = ops.attach_document(role, current_membership(), item_id, stored, sha256)
        db.session.commit()
    except (ops.DocumentRefused, RecordConflict, IntegrityError) as refusal:
        db.session.rollback()
        if isinstance(refusal, ops.DocumentRefused):
            form.file.errors = [*form.file.errors, str(refusal)]
        else:  # another manager's version, or a hire's signature, landed at the same moment
            flash(_(CONFLICT_MESSAGE), "error")
        return None
    return attached


def send_document(document: PolicyDocument) -> Response:
    """The stored PDF, shown in the browser (it was sanitised on upload), never cached."""
    copy = uploads.find(document.clinic_id, document.stored_name)
    if copy is None:
        abort(404)
    return send_stored(copy, document.original_name, as_attachment=False)


def _store_pdf(form: PolicyDocumentForm, clinic_id: int) -> uploads.StoredFile:
    """The upload stored as credential copies are (``keep_upload``), a PDF only."""
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        raise uploads.UploadRejected(_("Choose the PDF to upload."))
    # A picture is a fine copy of a certificate, but the clinic's policy must be a PDF.
    head = upload.stream.read(8)
    upload.stream.seek(0)
    if head and uploads.sniff(head) != PDF:
        raise uploads.UploadRejected(_("Upload the clinic's document as a PDF."))
    return keep_upload(upload, clinic_id)
