"""The backup on disk: a directory or a ``.zip`` holding ``manifest.json``, ``data.json`` and
``files/...``, written whole or not at all, read back without trusting any name inside it.

Files are streamed and hashed in chunks, so a clinic's uploads are never held in memory.
"""

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

from clinic_onboard.services.uploads import read_capped, size_words

MANIFEST = "manifest.json"
DATA = "data.json"
FILES = "files"
CHUNK = 1024 * 1024
# manifest.json and data.json are read whole into memory (and parsed), so each is held to a
# size before a byte of it is read: a 306 KB zip once held a 300 MB data.json.
DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
# Deflate cannot pass about 1,000 to 1 and a zip bomb sits near it; a clinic's JSON, PDFs and
# photos stay far below. Small members may be all zeros, so only large ones are held to it.
MAX_RATIO = 300
RATIO_FLOOR = 1024 * 1024
# Names inside a backup are ours (table data, a clinic id, random hex): anything else is refused.
SAFE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class BackupError(RuntimeError):
    """The backup cannot be written or restored; the message says what and where."""


def safe_name(name: str) -> str:
    """A relative POSIX path of plain parts; absolute paths, ``..`` and odd characters raise."""
    parts = PurePosixPath(name).parts
    if not parts or not all(SAFE_PART.fullmatch(part) for part in parts):
        raise BackupError(f"the backup holds an unsafe file name: {name!r}")
    return "/".join(parts)


def hash_stream(stream: IO[bytes]) -> str:
    """SHA-256 of a stream read in chunks."""
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Writer(Protocol):
    def add_bytes(self, name: str, data: bytes) -> None: ...


class _DirectoryWriter:
    def __init__(self, root: Path) -> None:
        self._root = root

    def _target(self, name: str) -> Path:
        path = self._root / safe_name(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add_bytes(self, name: str, data: bytes) -> None:
        self._target(name).write_bytes(data)


class _ZipWriter:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive

    def add_bytes(self, name: str, data: bytes) -> None:
        self._archive.writestr(safe_name(name), data)


def is_zip_target(target: Path) -> bool:
    return target.suffix.lower() == ".zip"


@contextmanager
def open_writer(target: Path) -> Iterator[Writer]:
    """Write into a private temporary sibling, then rename it into place: all or nothing."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new name")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        if is_zip_target(target):
            yield from _write_zip(temporary / target.name)
            os.replace(temporary / target.name, target)
        else:
            yield _DirectoryWriter(temporary)
            os.rename(temporary, target)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _write_zip(path: Path) -> Iterator[Writer]:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        yield _ZipWriter(archive)
    path.chmod(0o600)  # password hashes and personal information: for the owner only


class Reader(Protocol):
    def names(self) -> set[str]: ...

    def read(self, name: str) -> bytes:
        """The whole file, refused past the reader's document limit however it is stored."""
        ...

    def open(self, name: str) -> IO[bytes]: ...


def read_bounded(stream: IO[bytes], name: str, limit: int) -> bytes:
    """Read ``stream`` whole, refusing it once it passes ``limit``: a size a header declares
    may lie, what comes out of the stream cannot."""
    data = read_capped(stream, limit)
    if data is None:
        raise _too_large(name, limit)
    return data


def _too_large(name: str, limit: int) -> BackupError:
    return BackupError(
        f"{name} is larger than {size_words(limit)}, the most an import reads into memory "
        "(BACKUP_MAX_DOCUMENT_BYTES)"
    )


def check_declared_sizes(infos: list[zipfile.ZipInfo], document_limit: int) -> None:
    """Refuse a zip by what its directory declares, before any member is unpacked: a
    document larger than ``document_limit``, or a member packed beyond ``MAX_RATIO``."""
    for info in infos:
        if info.filename in (MANIFEST, DATA) and info.file_size > document_limit:
            raise _too_large(info.filename, document_limit)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise BackupError(
                f"{info.filename} unpacks to {ratio:.0f} times its packed size, more than "
                f"any backup this app writes ({MAX_RATIO} times): it is refused unread"
            )


class _DirectoryReader:
    def __init__(self, root: Path, document_limit: int) -> None:
        self._root, self._limit = root, document_limit

    def names(self) -> set[str]:
        found = (p for p in self._root.rglob("*") if p.is_file() or p.is_symlink())
        return {p.relative_to(self._root).as_posix() for p in found}

    def _path(self, name: str) -> Path:
        path = self._root / safe_name(name)
        if path.is_symlink() or not path.is_file():
            raise BackupError(f"the backup has no regular file {name}")
        return path

    def read(self, name: str) -> bytes:
        path = self._path(name)
        if path.stat().st_size > self._limit:
            raise _too_large(name, self._limit)
        with path.open("rb") as stream:
            return read_bounded(stream, name, self._limit)

    def open(self, name: str) -> IO[bytes]:
        return self._path(name).open("rb")


class _ZipReader:
    def __init__(self, archive: zipfile.ZipFile, document_limit: int) -> None:
        self._archive, self._limit = archive, document_limit

    def names(self) -> set[str]:
        return {info.filename for info in self._archive.infolist() if not info.is_dir()}

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return read_bounded(stream, name, self._limit)

    def open(self, name: str) -> IO[bytes]:
        try:
            return self._archive.open(safe_name(name))
        except KeyError:
            raise BackupError(f"the backup has no file {name}") from None


@contextmanager
def open_reader(source: Path, document_limit: int = DEFAULT_MAX_DOCUMENT_BYTES) -> Iterator[Reader]:
    """A backup directory or zip; anything else is refused with a plain message, and so is a
    zip whose declared sizes are out of bounds (``check_declared_sizes``)."""
    if source.is_dir():
        yield _DirectoryReader(source, document_limit)
        return
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{source} is neither a backup folder nor a zip file") from error
    with archive:
        check_declared_sizes(archive.infolist(), document_limit)
        try:
            yield _ZipReader(archive, document_limit)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # damaged member or header
            raise BackupError(f"{source} is damaged: {error}") from None
