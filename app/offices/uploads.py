"""Evidence files: what a file really is, and where it is kept.

The type of a file is read from its bytes, never from its name or from the
MIME type the browser claims: a renamed executable stays an executable. The
extension must still agree with the content, so that the name shown to jurors
does not lie either. Files are stored under a name the server makes up.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

# Canonical kind -> (MIME type stored with the document, extensions that may carry it).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", ("pdf",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ("odt",)),
    "jpg": ("image/jpeg", ("jpg", "jpeg")),
    "png": ("image/png", ("png",)),
}
ALLOWED_EXTENSIONS = tuple(ext for _mime, exts in KINDS.values() for ext in exts)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CHUNK = 64 * 1024


class UploadRefused(Exception):
    """A file that may not be stored; `reason` says which rule it broke."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "empty", "too_large", "extension", "content", "mismatch"


# A DOCX or ODT is a ZIP; what it holds is judged from its directory and the
# first bytes of two members, never by unpacking a member whole: a few
# hundred kilobytes can declare gigabytes (a "zip bomb").
MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024  # declared total; real documents stay far below
MAX_ZIP_DIRECTORY = 1024 * 1024  # the central directory itself, read before any member
HEAD = 256  # bytes read from a member, at most
_EOCD = b"PK\x05\x06"


def _zip_directory_is_small(f: BinaryIO, size: int) -> bool:
    """Read the end-of-central-directory record before zipfile parses the
    whole directory into memory: refuse too many members or a huge directory
    (and ZIP64, which no office document needs)."""
    tail_size = min(size, 22 + 65535)
    f.seek(size - tail_size)
    tail = f.read(tail_size)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return False
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory = int.from_bytes(tail[at + 12 : at + 16], "little")
    if entries == 0xFFFF or directory == 0xFFFFFFFF:
        return False  # ZIP64
    return 0 < entries <= MAX_ZIP_MEMBERS and directory <= MAX_ZIP_DIRECTORY


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as member:
        return member.read(HEAD)


def _looks_like_xml(data: bytes) -> bool:
    return data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _zip_kind(archive: zipfile.ZipFile) -> str | None:
    members = archive.infolist()
    if sum(m.file_size for m in members) > MAX_ZIP_UNCOMPRESSED:
        return None
    names = {m.filename for m in members}
    # ODF puts an uncompressed "mimetype" entry first; its content names the format.
    if {"mimetype", "content.xml"} <= names:
        if _head(archive, "mimetype").strip() != ODT_MIMETYPE:
            return None
        return "odt" if _looks_like_xml(_head(archive, "content.xml")) else None
    if {"[Content_Types].xml", "word/document.xml"} <= names:
        return "docx" if _looks_like_xml(_head(archive, "word/document.xml")) else None
    return None


def _sniff_zip(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            if not _zip_directory_is_small(f, path.stat().st_size):
                return None
            with zipfile.ZipFile(f) as archive:
                return _zip_kind(archive)
    # RuntimeError also covers encrypted entries and unsupported compression methods;
    # zlib.error and EOFError a damaged member.
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, EOFError, zlib.error):
        return None


def sniff_kind(path: Path) -> str | None:
    """The kind of file ("pdf", "docx", "odt", "jpg", "png") judged from its
    content, or None when it is none of them."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    return None


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def clean_filename(name: str | None) -> str:
    """The original name made safe to show and to offer as a download name:
    no directories, no control characters, no leading dots, at most 200
    characters. Polish letters stay (unlike werkzeug's secure_filename)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "document"


def documents_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def diplomas_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "diplomas"


def document_path(stored_name: str) -> Path:
    return documents_dir() / stored_name


@dataclass
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str

    @property
    def path(self) -> Path:
        return document_path(self.stored_name)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def store_document(stream: BinaryIO, filename: str | None, *, max_bytes: int) -> StoredFile:
    """Copy an upload to the documents folder under a random name, counting
    and hashing it on the way; refuse it (and leave nothing behind) if it is
    empty, larger than `max_bytes`, of a kind not accepted, or named as
    another kind than its content."""
    original = clean_filename(filename)
    ext = extension(original)
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadRefused("extension")
    folder = documents_dir()
    token = secrets.token_hex(16)
    part = folder / f"{token}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(part, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused("too_large")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRefused("empty")
        kind = sniff_kind(part)
        if kind is None:
            raise UploadRefused("content")
        mime, extensions = KINDS[kind]
        if ext not in extensions:
            raise UploadRefused("mismatch")
        stored_name = f"{token}.{extensions[0]}"
        os.replace(part, folder / stored_name)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return StoredFile(stored_name, original, mime, size, digest.hexdigest())


# A user's file shown in the browser is still that user's content: it may not
# run script, load anything or act as our origin. Chromium's PDF viewer still
# renders inside this sandbox (checked with Chromium 156).
INLINE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; sandbox"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
}


def send_inline(path: Path, *, mimetype: str, download_name: str):
    """Serve a stored evidence file for viewing in the browser, locked down.
    The caller checks the permission and that the kind may be shown inline."""
    from flask import abort, send_file

    if not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype=mimetype, as_attachment=False, download_name=download_name, max_age=0
    )
    response.headers.update(INLINE_HEADERS)
    return response
