"""Credential files: sniffed by their first bytes, capped in size, stored in the database.

This module is the only way in and out of the ``stored_files`` table, so every instance behind
a proxy serves every file and the checks below can't be skipped. The stored name is random hex
and a lookup is always scoped to the clinic, so nothing the uploader sends picks a row; the
original name is kept only to label the download. A PDF is stored only after its active
content is taken out (``sanitised_pdf``), and a clinic keeps the files its record names,
within the clinic's quota. Writes flush and never commit: a file is kept only if the request
that records it commits, so a refused record leaves no file behind.
"""

import hashlib
import io
import re
import secrets
from collections.abc import Container, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pikepdf
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import undefer
from werkzeug.utils import secure_filename

from clinic_onboard.extensions import db
from clinic_onboard.models.stored_file import StoredFileRow
from clinic_onboard.models.types import utcnow

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# The content type is decided here alone, never by the filename or the browser's Content-Type.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
STORED_NAME = re.compile(r"[0-9a-f]{32}")
CHUNK = 64 * 1024
DEFAULT_QUOTA_BYTES = 500 * 1024 * 1024
# A file no event names yet may belong to an upload whose record is being saved right now.
ORPHAN_GRACE_SECONDS = 60 * 60
# What a PDF viewer would run or open by itself: document and page actions, scripts, embedded
# files and XFA forms. Each key is removed wherever it appears, and so is any action below.
ACTIVE_KEYS = frozenset(
    {
        "/OpenAction",
        "/AA",
        "/JS",
        "/JavaScript",
        "/EmbeddedFiles",
        "/EF",
        "/XFA",
        "/RichMediaContent",
    }
)
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        "/GoToR",
        "/RichMediaExecute",
        "/Rendition",
    }
)


@dataclass(frozen=True)
class Moved:
    """What ``move_folder`` did with one clinic's old uploads folder."""

    copied: int
    present: int
    refused: list[str]


class UploadRejected(ValueError):
    """The file is not one we keep; the message says why in plain words."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int

    def as_payload(self) -> dict[str, Any]:
        return asdict(self)


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    return next((kind for magic, kind, _ in SIGNATURES if head.startswith(magic)), None)


def extension(content_type: str) -> str:
    return next((ext for _, kind, ext in SIGNATURES if kind == content_type), "")


def save_upload(
    stream: IO[bytes],
    original_name: str,
    clinic_id: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
    quota_bytes: int = DEFAULT_QUOTA_BYTES,
) -> StoredFile:
    """Check and store one upload for the clinic; raise UploadRejected and keep nothing.

    ``quota_bytes`` bounds all of the clinic's files, this one included. The row is flushed,
    not committed (see the module's docstring).
    """
    data = read_capped(stream, max_bytes)
    if data is None:
        raise UploadRejected(_("The file is larger than %(limit)s.", limit=size_words(max_bytes)))
    if not data:
        raise UploadRejected(_("The file is empty."))
    content_type = sniff(data[:8])
    if content_type is None:
        raise UploadRejected(_("Upload a PDF, JPEG or PNG file."))
    if content_type == "application/pdf":
        data = sanitised_pdf(data)
    if clinic_bytes(clinic_id) + len(data) > quota_bytes:
        raise UploadRejected(
            _(
                "The clinic's file storage is full (%(quota)s). Ask a manager to contact the "
                "person who runs this service; the details can be saved without a copy.",
                quota=size_words(quota_bytes),
            )
        )
    label = Path(original_name.replace("\\", "/")).name[:200] or "file"
    stored = StoredFile(secrets.token_hex(16), label, content_type, len(data))
    add_copy(clinic_id, stored, data, utcnow())
    return stored


def add_copy(clinic_id: int, stored: StoredFile, data: bytes, created_at: datetime) -> None:
    """Write one file that is already checked: a new upload, a restored backup's file or one
    moved from the uploads folders files were kept in before (``move-uploads``)."""
    row = {
        "clinic_id": clinic_id,
        "stored_name": stored.stored_name,
        "content_type": stored.content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "original_name": stored.original_name,
        "data": data,
        "created_at": created_at,
    }
    # A Core insert: the session keeps no copy of the bytes, however many files one run adds.
    db.session.execute(insert(StoredFileRow), [row])


def read_capped(stream: IO[bytes], max_bytes: int) -> bytes | None:
    """The whole stream, or None once it passes ``max_bytes``: read at most one byte past the
    cap, so an oversize file is never held whole, whatever size anything declared for it."""
    chunks, size = [], 0
    while chunk := stream.read(min(CHUNK, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return None
    return b"".join(chunks)


def sanitised_pdf(data: bytes) -> bytes:
    """The PDF rewritten without its active content (see ACTIVE_KEYS), so a copy a manager
    opens cannot run a script, launch a program or carry another file; qpdf writes only the
    objects still referenced, so what was removed is not in the stored file at all."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _strip_active(pdf.trailer)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
    except (pikepdf.PdfError, pikepdf.PasswordError, RecursionError):
        raise UploadRejected(
            _("This PDF could not be read. Save or print it as a new PDF and upload that.")
        ) from None
    return out.getvalue()


def _strip_active(root: pikepdf.Object) -> None:
    """Walk every dictionary and array reachable from ``root`` once, removing active content."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        stack.extend(_strip_children(node))


def _strip_children(node: pikepdf.Object) -> list[pikepdf.Object]:
    """Remove ``node``'s active entries; return the containers left to walk."""
    if isinstance(node, pikepdf.Array):
        for index in reversed(range(len(node))):
            if _is_active_action(node[index]):
                del node[index]
        return [item for item in node if _is_container(item)]
    for key in list(node.keys()):
        if key in ACTIVE_KEYS or _is_active_action(node[key]):
            del node[key]
    return [value for _, value in node.items() if _is_container(value)]


def _is_container(value: pikepdf.Object) -> bool:
    return isinstance(value, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream)


def _is_active_action(value: pikepdf.Object) -> bool:
    return isinstance(value, pikepdf.Dictionary) and str(value.get("/S", "")) in ACTIVE_ACTIONS


def clinic_bytes(clinic_id: int) -> int:
    """What a clinic's stored files take now, summed by the database."""
    total = select(func.coalesce(func.sum(StoredFileRow.size), 0))
    return int(db.session.scalar(total.where(StoredFileRow.clinic_id == clinic_id)) or 0)


def stored_names(clinic_id: int) -> set[str]:
    """The names of every file the clinic has stored."""
    query = select(StoredFileRow.stored_name).where(StoredFileRow.clinic_id == clinic_id)
    return set(db.session.scalars(query))


def prune(clinic_id: int, referenced: Container[str], now: datetime | None = None) -> int:
    """Delete the stored files no event of the record names (an upload whose record was never
    saved), once past ``ORPHAN_GRACE_SECONDS``; a file any event names stays, voided or not,
    because the append-only record may show it. Return how many files were deleted."""
    cutoff = (now or utcnow()) - timedelta(seconds=ORPHAN_GRACE_SECONDS)
    old = select(StoredFileRow.id, StoredFileRow.stored_name).where(
        StoredFileRow.clinic_id == clinic_id, StoredFileRow.created_at < cutoff
    )
    doomed = [row_id for row_id, name in db.session.execute(old) if name not in referenced]
    if doomed:
        db.session.execute(delete(StoredFileRow).where(StoredFileRow.id.in_(doomed)))
    return len(doomed)


def size_words(size: int) -> str:
    """A limit as people read it ("5 MB", "1.5 MB", "200 KB"); whole megabytes alone would
    call a limit under 1 MB "0 MB"."""
    if size >= 1024 * 1024:
        return _("%(number)s MB", number=_one_decimal(size / (1024 * 1024)))
    if size >= 1024:
        return _("%(number)s KB", number=_one_decimal(size / 1024))
    return _("%(number)s bytes", number=size)


def _one_decimal(number: float) -> str:
    return f"{round(number, 1):g}"


def move_folder(clinic_id: int, folder: Path, labels: Mapping[str, str]) -> Moved:
    """Copy the clinic's files from the uploads folder they were kept in before the database
    into ``stored_files``, once: a name already stored is left alone, so a second run copies
    nothing. Each file is sniffed and, a PDF, sanitised again (it may predate sanitising); one
    refused is named in the result and stays in the folder. ``labels`` maps stored names to
    the original names the record shows. The quota is not applied: these files are kept."""
    present, refused = stored_names(clinic_id), []
    copied = already = 0
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name in present:
            already += 1
            continue
        try:
            stored, data = _checked_copy(path, labels.get(path.name, "file"))
        except (UploadRejected, OSError) as error:
            refused.append(f"{path}: {error}")
            continue
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        add_copy(clinic_id, stored, data, modified)
        copied += 1
    return Moved(copied, already, refused)


def _checked_copy(path: Path, label: str) -> tuple[StoredFile, bytes]:
    """An old folder's file as it is stored now, or UploadRejected saying why not."""
    if not STORED_NAME.fullmatch(path.name) or path.is_symlink() or not path.is_file():
        raise UploadRejected("not a file this app stored")
    data = path.read_bytes()
    content_type = sniff(data[:8])
    if content_type is None:
        raise UploadRejected("not a PDF, JPEG or PNG file")
    if content_type == "application/pdf":
        data = sanitised_pdf(data)
    return StoredFile(path.name, label, content_type, len(data)), data


def find(clinic_id: int, stored_name: str) -> StoredFileRow | None:
    """The clinic's file of that name with its bytes, or None; a name we did not generate is
    refused, never looked up."""
    if not STORED_NAME.fullmatch(stored_name):
        return None
    query = (
        select(StoredFileRow)
        .options(undefer(StoredFileRow.data))
        .where(StoredFileRow.clinic_id == clinic_id, StoredFileRow.stored_name == stored_name)
    )
    return db.session.scalars(query).one_or_none()


def download_name(original_name: str, content_type: str) -> str:
    """A safe name for the download, always ending in the sniffed type's extension."""
    stem = Path(secure_filename(original_name) or "credential").stem or "credential"
    return f"{stem}{extension(content_type)}"
