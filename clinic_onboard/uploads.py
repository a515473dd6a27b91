"""Credential files: sniffed by their first bytes, capped in size, stored outside the web root.

The stored name is random hex and the folder is the clinic's id, so no part of the path comes
from the person uploading; the original name is kept only to label the download.
"""

import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

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
    stream: IO[bytes], original_name: str, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> StoredFile:
    """Check and store one upload under ``folder``; raise UploadRejected and keep nothing."""
    data = _read_capped(stream, max_bytes)
    if not data:
        raise UploadRejected("The file is empty.")
    content_type = sniff(data[:8])
    if content_type is None:
        raise UploadRejected("Upload a PDF, JPEG or PNG file.")
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    path.write_bytes(data)
    path.chmod(0o600)
    label = Path(original_name.replace("\\", "/")).name[:200] or "file"
    return StoredFile(stored_name, label, content_type, len(data))


def _read_capped(stream: IO[bytes], max_bytes: int) -> bytes:
    """Read at most one byte past the cap, so an oversize file is never held whole."""
    chunks, size = [], 0
    while chunk := stream.read(min(CHUNK, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise UploadRejected(f"The file is larger than {size_words(max_bytes)}.")
    return b"".join(chunks)


def size_words(size: int) -> str:
    """A limit as people read it ("5 MB", "1.5 MB", "200 KB"); whole megabytes alone would
    call a limit under 1 MB "0 MB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{round(size / scale, 1):g} {unit}"
    return f"{size} bytes"


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
