"""The verification page's form: the PDF itself, or its SHA-256 typed in; one is needed."""

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FileField, StringField
from wtforms.validators import Length

from clinic_onboard.queries.verification import fingerprint_of, normalized_fingerprint
from clinic_onboard.web.forms import Form

# The largest record PDF read: a 300-item record is well under it.
MAX_PDF_BYTES = 20 * 1024 * 1024


class VerifyForm(Form):
    document = FileField(_l("The record PDF"))
    fingerprint = StringField(_l("Or its SHA-256 fingerprint"), [Length(max=200)])

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self._uploaded() is None and normalized_fingerprint(self.fingerprint.data or "") is None:
            self.fingerprint.errors = [
                *self.fingerprint.errors,
                _l("Choose the PDF, or type its SHA-256 fingerprint (64 characters 0-9 and a-f)."),
            ]
            return False
        return True

    def _uploaded(self) -> bytes | None:
        upload = self.document.data
        if upload is None or not getattr(upload, "filename", ""):
            return None
        content = upload.read(MAX_PDF_BYTES + 1)
        upload.seek(0)
        return content if content and len(content) <= MAX_PDF_BYTES else None

    def fingerprint_given(self) -> str:
        """The uploaded file's SHA-256, or the one typed; call after ``validate``."""
        content = self._uploaded()
        if content is not None:
            return fingerprint_of(content)
        return normalized_fingerprint(self.fingerprint.data or "") or ""
