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


def _sniff_zip(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            # ODF puts an uncompressed "mimetype" entry first; its content names the format.
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "odt"
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return "docx"
    # RuntimeError also covers encrypted entries and unsupported compression methods.
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
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
