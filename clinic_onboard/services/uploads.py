"""Credential files: sniffed by their first bytes, capped in size, stored outside the web root.

The stored name is random hex and the folder is the clinic's id, so no part of the path comes
from the person uploading; the original name is kept only to label the download. A PDF is
stored only after its active content is taken out (``sanitised_pdf``), and a clinic's folder
keeps the files its record names, within the clinic's quota.
"""

import io
import re
import secrets
import time
from collections.abc import Container, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import pikepdf
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

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
    folder: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    quota_bytes: int = DEFAULT_QUOTA_BYTES,
) -> StoredFile:
    """Check and store one upload under ``folder``; raise UploadRejected and keep nothing.

    ``quota_bytes`` bounds the whole folder (the clinic's files), this one included.
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
    if folder_bytes(folder) + len(data) > quota_bytes:
        raise UploadRejected(
            _(
                "The clinic's file storage is full (%(quota)s). Ask a manager to contact the "
                "person who runs this service; the details can be saved without a copy.",
                quota=size_words(quota_bytes),
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    path.write_bytes(data)
    path.chmod(0o600)
    label = Path(original_name.replace("\\", "/")).name[:200] or "file"
    return StoredFile(stored_name, label, content_type, len(data))


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


def folder_bytes(folder: Path) -> int:
    """What a clinic's stored files take on disk now."""
    if not folder.is_dir():
        return 0
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file())


def prune(folder: Path, referenced: Container[str], now: float | None = None) -> int:
    """Delete the stored files no event of the record names (an upload whose record was never
    saved), once past ``ORPHAN_GRACE_SECONDS``; a file any event names stays, voided or not,
    because the append-only record may show it. Return how many files were deleted."""
    if not folder.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - ORPHAN_GRACE_SECONDS
    deleted = 0
    for path in folder.iterdir():
        orphan = STORED_NAME.fullmatch(path.name) and path.name not in referenced
        if orphan and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


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


def stored_path(folder: Path, stored_name: str) -> Path:
    """The file's path; a name we did not generate is refused, never joined."""
    if not STORED_NAME.fullmatch(stored_name):
        raise FileNotFoundError(stored_name)
    return folder / stored_name


def download_name(original_name: str, content_type: str) -> str:
    """A safe name for the download, always ending in the sniffed type's extension."""
    stem = Path(secure_filename(original_name) or "credential").stem or "credential"
    return f"{stem}{extension(content_type)}"


def clinic_folder(config: Mapping[str, Any], instance_path: str, clinic_id: int) -> Path:
    """Where a clinic's files live: ``instance/uploads/<clinic id>`` (never under static/),
    unless UPLOAD_FOLDER names another root."""
    root = config.get("UPLOAD_FOLDER") or Path(instance_path) / "uploads"
    return Path(root) / str(int(clinic_id))


def discard(folder: Path, stored: StoredFile | None) -> None:
    """Remove a file whose record was not saved, so no orphan stays behind."""
    if stored is not None:
        stored_path(folder, stored.stored_name).unlink(missing_ok=True)
