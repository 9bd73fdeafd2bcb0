"""Visit photos and finding attachments: checked, cleaned and stored.

A photo is judged by its bytes (as in `app.offices.uploads`), decoded by
Pillow and written again from its pixels alone, so EXIF (the camera's GPS
position among it), comments and text chunks never reach the disk. Decoding
is bounded: the pixel count is read from the header before any pixel is.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from PIL import Image, ImageOps

from app.offices.uploads import clean_filename, extension

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_VISIT = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# 50 megapixels covers phone cameras; a larger header is a decompression bomb.
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

IMAGE_KINDS = {
    "jpg": ("image/jpeg", "JPEG", ("jpg", "jpeg")),
    "png": ("image/png", "PNG", ("png",)),
}
PDF = ("application/pdf", ("pdf",))


class FileRefused(Exception):
    """`reason`: "empty", "too_large", "extension", "content", "broken", "bomb"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class CleanFile:
    data: bytes
    original_name: str
    content_type: str
    ext: str


def _read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused("too_large")
    if not data:
        raise FileRefused("empty")
    return data


def _image_kind(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    return None


def strip_image(data: bytes, kind: str) -> bytes:
    """The picture re-encoded from its pixels only (no EXIF, ICC, comments).
    The EXIF orientation is applied first, so a portrait stays upright."""
    _mime, fmt, _exts = IMAGE_KINDS[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width * height > MAX_PIXELS or img.format not in ("JPEG", "PNG"):
                    raise FileRefused("bomb" if width * height > MAX_PIXELS else "content")
                img.load()
                img = ImageOps.exif_transpose(img)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused("bomb") from None
    except FileRefused:
        raise
    except (OSError, SyntaxError, ValueError, EOFError):
        raise FileRefused("broken") from None
    wanted = ("L", "RGB") if fmt == "JPEG" else ("L", "LA", "RGB", "RGBA")
    if img.mode not in wanted:
        img = img.convert("RGBA" if fmt == "PNG" and "A" in img.getbands() else "RGB")
    # A new image from raw pixels carries no `info` at all.
    clean = Image.frombytes(img.mode, img.size, img.tobytes())
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, fmt, quality=90, optimize=True)
    else:
        clean.save(out, fmt, optimize=True)
    return out.getvalue()


def clean_photo(stream: BinaryIO, filename: str | None) -> CleanFile:
    """A JPEG or PNG photo of at most 10 MB, without its metadata."""
    original = clean_filename(filename)
    data = _read_limited(stream, MAX_PHOTO_BYTES)
    kind = _image_kind(data[:16])
    if kind is None:
        raise FileRefused("content")
    mime, _fmt, exts = IMAGE_KINDS[kind]
    return CleanFile(strip_image(data, kind), original, mime, exts[0])


def clean_attachment(stream: BinaryIO, filename: str | None) -> CleanFile:
    """A PDF, JPEG or PNG of at most 10 MB whose name agrees with its content;
    pictures lose their metadata like photos do."""
    original = clean_filename(filename)
    if extension(original) not in ("pdf", "jpg", "jpeg", "png"):
        raise FileRefused("extension")
    data = _read_limited(stream, MAX_ATTACHMENT_BYTES)
    if data.startswith(b"%PDF-"):
        if extension(original) != "pdf":
            raise FileRefused("content")
        return CleanFile(data, original, PDF[0], "pdf")
    kind = _image_kind(data[:16])
    if kind is None or extension(original) not in IMAGE_KINDS[kind][2]:
        raise FileRefused("content")
    mime, _fmt, exts = IMAGE_KINDS[kind]
    return CleanFile(strip_image(data, kind), original, mime, exts[0])


def evidence_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "stage2"
    path.mkdir(parents=True, exist_ok=True)
    return path


def evidence_path(stored_name: str) -> Path:
    return evidence_dir() / stored_name


def write(clean: CleanFile) -> str:
    """Store the bytes under a name the server makes up; returns that name."""
    name = f"{secrets.token_hex(16)}.{clean.ext}"
    part = evidence_dir() / f"{name}.part"
    part.write_bytes(clean.data)
    os.replace(part, evidence_path(name))
    return name


def remove(stored_name: str | None) -> None:
    if stored_name:
        evidence_path(stored_name).unlink(missing_ok=True)
