"""Where diplomas and their design images are kept, and the ZIP of an
edition's diplomas.

- PDFs: UPLOAD_DIR/diplomas/<random>.pdf, written whole before they are named
  (a crash leaves a .part file, never a half PDF under a diploma's name);
- logos and signatures: UPLOAD_DIR/diploma-design/<random>.<png|jpg>, judged
  by their bytes, decoded by Pillow and written again from their pixels
  alone (no EXIF, no comments), at most MAX_IMAGE_BYTES and a sane size.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from PIL import Image

from app.jury.visits.files import FileRefused, strip_image
from app.offices.uploads import clean_filename, diplomas_dir

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 4000


def pdf_dir() -> Path:
    path = diplomas_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def design_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "diploma-design"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(directory: Path, name: str, data: bytes) -> None:
    part = directory / f"{name}.part"
    part.write_bytes(data)
    os.replace(part, directory / name)


def store_pdf(pdf: bytes) -> tuple[str, str]:
    """Keep a rendered PDF; returns (stored name, SHA-256 hex)."""
    name = f"{secrets.token_hex(16)}.pdf"
    _write(pdf_dir(), name, pdf)
    return name, hashlib.sha256(pdf).hexdigest()


def pdf_path(stored_name: str) -> Path:
    return pdf_dir() / Path(stored_name).name


def sha256_of(stream: BinaryIO, max_bytes: int) -> str | None:
    """SHA-256 of an uploaded file read in chunks; None when it is larger than max_bytes."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            return None
        digest.update(chunk)
    return digest.hexdigest()


def _image_kind(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    return None


def store_image(stream: BinaryIO) -> str:
    """Keep a logo or a signature (PNG keeps its transparency). Raises
    FileRefused: "empty", "too_large", "content" (not a PNG or JPEG by its
    bytes), "broken" or "bomb" (too many pixels)."""
    data = stream.read(MAX_IMAGE_BYTES + 1)
    if not data:
        raise FileRefused("empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise FileRefused("too_large")
    kind = _image_kind(data[:16])
    if kind is None:
        raise FileRefused("content")
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
    except Exception as exc:  # Pillow raises many kinds on a damaged file
        raise FileRefused("broken") from exc
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        raise FileRefused("bomb")
    clean = strip_image(data, kind)
    name = f"{secrets.token_hex(16)}.{kind}"
    _write(design_dir(), name, clean)
    return name


def image_url(name: str | None) -> str | None:
    """The file:// URL WeasyPrint reads a design image from."""
    return (design_dir() / Path(name).name).as_uri() if name else None


def remove_image(name: str | None) -> None:
    if name:
        (design_dir() / Path(name).name).unlink(missing_ok=True)


def zip_of(entries: list[tuple[str, str]]) -> tempfile.SpooledTemporaryFile:
    """A ZIP of (name in the archive, stored name) pairs, in a temporary file
    (PDFs are compressed already: stored, not deflated). Names are made safe
    and unique."""
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (the caller sends and closes it)
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for wanted, stored in entries:
            path = pdf_path(stored)
            if not path.is_file():
                continue
            name = clean_filename(wanted)
            stem, n = name.removesuffix(".pdf"), 2
            while name in used:
                name, n = f"{stem} ({n}).pdf", n + 1
            used.add(name)
            archive.write(path, name)
    out.seek(0)
    return out
