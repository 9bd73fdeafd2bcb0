"""Unit tests for type sniffing and file storage (no client)."""

from __future__ import annotations

import io

import pytest

from app.offices import uploads
from tests.offices.conftest import DOCX, EXE, JPG, ODT, PDF, PNG, XLSX, zip_bytes


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPG, "jpg"),
        (DOCX, "docx"),
        (ODT, "odt"),
        (EXE, None),
        (XLSX, None),  # a ZIP with [Content_Types].xml but no word/ folder
        (zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), None),
        (zip_bytes({"readme.txt": b"hello"}), None),
        (b"PK\x03\x04 not really a zip", None),
        (b"plain text", None),
        (b"MZ%PDF-1.4", None),  # a PDF header later in the file does not count
    ],
)
def test_sniff_kind_reads_the_content(tmp_path, data, kind):
    path = tmp_path / "file"
    path.write_bytes(data)
    assert uploads.sniff_kind(path) == kind


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Ala\\Sprawozdanie roczne.pdf", "Sprawozdanie roczne.pdf"),
        ("Zażółć gęślą jaźń.docx", "Zażółć gęślą jaźń.docx"),
        ("..hidden.pdf", "hidden.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("", "document"),
        (None, "document"),
    ],
)
def test_clean_filename(name, clean):
    assert uploads.clean_filename(name) == clean


def test_clean_filename_keeps_the_extension_of_a_long_name():
    name = uploads.clean_filename("x" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf")


def test_store_document_keeps_a_valid_file_under_a_random_name(app, db):
    stored = uploads.store_document(io.BytesIO(PDF), "Raport.PDF", max_bytes=10_000)
    assert stored.original_name == "Raport.PDF"
    assert stored.content_type == "application/pdf"
    assert stored.size_bytes == len(PDF)
    assert stored.stored_name.endswith(".pdf") and "Raport" not in stored.stored_name
    assert stored.path.read_bytes() == PDF
    import hashlib

    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    stored.discard()
    assert not stored.path.exists()


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (EXE, "x.pdf", "content"),
        (EXE, "x.exe", "extension"),
        (PDF, "x", "extension"),
        (PNG, "photo.jpg", "mismatch"),
        (DOCX, "letter.odt", "mismatch"),
        (PDF, "scan.png", "mismatch"),
        (b"", "empty.pdf", "empty"),
        (PDF + b"0" * 100, "big.pdf", "too_large"),
    ],
)
def test_store_document_refuses_and_leaves_nothing(app, db, data, name, reason):
    before = set(uploads.documents_dir().iterdir())
    with pytest.raises(uploads.UploadRefused) as refusal:
        uploads.store_document(
            io.BytesIO(data), name, max_bytes=len(PDF) + 50 if reason == "too_large" else 10_000
        )
    assert refusal.value.reason == reason
    assert set(uploads.documents_dir().iterdir()) == before


@pytest.mark.parametrize(("data", "name"), [(JPG, "a.jpeg"), (JPG, "a.JPG"), (ODT, "a.odt")])
def test_store_document_accepts_each_kind(app, db, data, name):
    stored = uploads.store_document(io.BytesIO(data), name, max_bytes=10_000)
    stored.discard()
