"""Gallery photos: checked and cleaned as visit photos are, plus a thumbnail.

`app.jury.visits.files.clean_photo` judges the file by its bytes (JPEG or
PNG), refuses decompression bombs and re-encodes the picture from its
pixels alone, so EXIF (camera, GPS position), comments and text chunks are
gone before anything is written. The thumbnail is made from that clean
picture. Both files get names the server makes up, under UPLOAD_DIR/news/.
"""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from PIL import Image

from app.jury.visits.files import IMAGE_KINDS, clean_photo

THUMB_BOX = (640, 480)


@dataclass
class StoredPhoto:
    stored_name: str
    thumb_name: str
    original_name: str
    content_type: str
    size_bytes: int
    width: int
    height: int
    thumb_width: int
    thumb_height: int

    def discard(self) -> None:
        remove(self.stored_name, self.thumb_name)


def news_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "news"
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_path(name: str) -> Path:
    return news_dir() / name


def _write(name: str, data: bytes) -> None:
    part = news_dir() / f"{name}.part"
    part.write_bytes(data)
    os.replace(part, photo_path(name))


def thumbnail(data: bytes, fmt: str) -> tuple[bytes, tuple[int, int]]:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        img.thumbnail(THUMB_BOX, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if fmt == "JPEG":
            img.save(out, fmt, quality=82, optimize=True)
        else:
            img.save(out, fmt, optimize=True)
        return out.getvalue(), img.size


def store_photo(stream: BinaryIO, filename: str | None) -> StoredPhoto:
    """Clean, measure and store a photo and its thumbnail. Raises
    `app.jury.visits.files.FileRefused` for a file that is not a sound JPEG
    or PNG of at most 10 MB and 50 megapixels."""
    clean = clean_photo(stream, filename)
    fmt = "JPEG" if clean.ext == "jpg" else "PNG"
    with Image.open(io.BytesIO(clean.data)) as img:
        width, height = img.size
    thumb, (thumb_width, thumb_height) = thumbnail(clean.data, fmt)
    token = secrets.token_hex(16)
    stored, thumb_name = f"{token}.{clean.ext}", f"{token}-thumb.{clean.ext}"
    _write(stored, clean.data)
    try:
        _write(thumb_name, thumb)
    except BaseException:
        remove(stored)
        raise
    return StoredPhoto(
        stored_name=stored,
        thumb_name=thumb_name,
        original_name=clean.original_name,
        content_type=clean.content_type,
        size_bytes=len(clean.data),
        width=width,
        height=height,
        thumb_width=thumb_width,
        thumb_height=thumb_height,
    )


def remove(*names: str | None) -> None:
    for name in names:
        if name:
            photo_path(name).unlink(missing_ok=True)


def kind_label(content_type: str) -> str:
    """JPEG or PNG, for the download link."""
    for _kind, (mime, fmt, _exts) in IMAGE_KINDS.items():
        if mime == content_type:
            return fmt
    return content_type
