"""DOCX/ODT checks against hostile ZIPs (issue 16, item 3): a member of a
gigabyte packed into a megabyte, too many members, and documents that only
look like DOCX or ODT. The check reads a few bytes of a member at most."""

from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest

from app.offices import uploads
from app.offices.models import Document
from tests.offices.conftest import zip_bytes

MB = 1024 * 1024
PEAK_LIMIT = 4 * MB


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """An ODT-looking file of under 5 MB whose "mimetype" member unpacks to
    1 GB of zeros, written in streaming chunks (never held in memory, never
    committed). The old check read that member whole. (Compression level 1
    builds it in a third of the time of the default level, at 4.5 MB
    instead of 1 MB: under the upload limit either way.)"""
    path = tmp_path_factory.mktemp("bomb") / "bomb.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("mimetype", "w") as member:
            member.write(uploads.ODT_MIMETYPE)
            zeros = bytes(4 * MB)
            for _ in range(256):
                member.write(zeros)
        archive.writestr("content.xml", b"<office:document-content/>")
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
    assert path.stat().st_size < 5 * MB
    return path


def _sniff_measured(path):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        kind = uploads.sniff_kind(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return kind, peak, time.perf_counter() - started


def test_a_zip_bomb_is_refused_without_unpacking_it(bomb):
    kind, peak, elapsed = _sniff_measured(bomb)
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"
    assert elapsed < 1
    assert kind is None


def test_no_member_is_read_past_its_first_bytes(bomb, monkeypatch):
    # With the size cap lifted the gigabyte member is opened, and still only
    # its first bytes are read: memory stays flat.
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 2**40)
    kind, peak, elapsed = _sniff_measured(bomb)
    assert kind is None  # "mimetype" holds more than the ODT type
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"
    assert elapsed < 1


def test_too_many_members_are_refused(tmp_path):
    entries = {"mimetype": uploads.ODT_MIMETYPE, "content.xml": b"<office/>"}
    entries.update({f"Pictures/{n}.png": b"x" for n in range(uploads.MAX_ZIP_MEMBERS)})
    path = tmp_path / "many.odt"
    path.write_bytes(zip_bytes(entries))
    assert uploads.sniff_kind(path) is None


@pytest.mark.parametrize(
    "entries",
    [
        # DOCX without its main document, or with one that is not XML
        {"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<w:styles/>"},
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"MZ\x90\x00"},
        # ODT without content.xml, or with the wrong type
        {"mimetype": b"application/vnd.oasis.opendocument.text"},
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"\x00\x01"},
        {"mimetype": b"application/x-msdownload", "content.xml": b"<office/>"},
    ],
)
def test_a_zip_must_hold_the_documents_main_part(tmp_path, entries):
    path = tmp_path / "doc.zip"
    path.write_bytes(zip_bytes(entries))
    assert uploads.sniff_kind(path) is None


def test_real_documents_still_pass(tmp_path):
    docx = {
        "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"\xef\xbb\xbf<?xml version='1.0'?><w:document/>",
    }
    odt = {"mimetype": uploads.ODT_MIMETYPE, "content.xml": b"\n<?xml version='1.0'?><o/>"}
    for name, entries, kind in (("a.docx", docx, "docx"), ("a.odt", odt, "odt")):
        path = tmp_path / name
        path.write_bytes(zip_bytes(entries))
        assert uploads.sniff_kind(path) == kind


def test_uploading_the_bomb_is_refused_in_words(
    client, draft, office_user, login_as, upload, bomb, db
):
    login_as(office_user)
    before = set(uploads.documents_dir().iterdir())
    response = upload(draft, bomb.read_bytes(), "Sprawozdanie.odt")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ODT" in page
    assert db.session.query(Document).count() == 0
    assert set(uploads.documents_dir().iterdir()) == before  # nothing left behind
