"""One way to answer with a stored file: its bytes from the database, never cached by the
browser, the type we sniffed (never the browser's guess), and the hash as its ETag."""

import io

from flask import send_file
from werkzeug.wrappers import Response

from clinic_onboard.models import StoredFileRow
from clinic_onboard.services import uploads


def send_stored(copy: StoredFileRow, original_name: str, as_attachment: bool) -> Response:
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
