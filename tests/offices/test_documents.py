"""Uploading, deleting and downloading evidence files."""

from __future__ import annotations

import io

import pytest

from app.audit.models import AuditEvent
from app.offices import uploads
from app.offices.models import ApplicationStatus, Document
from tests.offices.conftest import DOCX, EXE, PDF, PNG


def stored_files():
    return {p.name for p in uploads.documents_dir().iterdir()}


def test_upload_a_pdf_for_an_area(client, draft, questionnaire, office_user, login_as, upload, db):
    login_as(office_user)
    response = upload(draft, PDF, "Karta usług.pdf", questionnaire.area1.id)
    assert response.status_code == 302
    document = db.session.query(Document).one()
    assert document.original_name == "Karta usług.pdf"
    assert document.area_id == questionnaire.area1.id
    assert document.content_type == "application/pdf"
    assert document.size_bytes == len(PDF)
    assert document.stored_name in stored_files()
    assert "Karta" not in document.stored_name
    assert "document.uploaded" in [e.action for e in db.session.query(AuditEvent)]
    html = client.get(f"/office/applications/{draft.id}").get_data(as_text=True)
    assert "Karta usług.pdf" in html

    download = client.get(f"/documents/{document.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert "Karta" in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (EXE, "x.pdf", "nie jest dokumentem"),
        (EXE, "setup.exe", "Ten rodzaj pliku"),
        (PNG, "scan.pdf", "nie pasuje"),
        (DOCX, "letter.odt", "nie pasuje"),
        (b"", "empty.pdf", "pusty"),
    ],
    ids=["renamed-exe", "exe", "png-named-pdf", "docx-named-odt", "empty"],
)
def test_refused_files_leave_nothing_behind(
    client, draft, office_user, login_as, upload, db, data, name, message
):
    login_as(office_user)
    before = stored_files()
    response = upload(draft, data, name)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert db.session.query(Document).count() == 0
    assert stored_files() == before


def test_per_file_limit(client, draft, office_user, login_as, upload, db, small_limits):
    login_as(office_user)
    big = PDF + b"0" * (1024 * 1024)
    response = upload(draft, big, "big.pdf")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 MB" in page and "za duży" in page
    assert db.session.query(Document).count() == 0


def test_per_application_limit(client, draft, office_user, login_as, upload, db, small_limits):
    login_as(office_user)
    part = PDF + b"0" * (900 * 1024)
    assert upload(draft, part, "a.pdf").status_code == 302
    assert upload(draft, part, "b.pdf").status_code == 302
    assert db.session.query(Document).count() == 2
    response = upload(draft, part, "c.pdf")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 MB" in page
    assert db.session.query(Document).count() == 2


def test_body_over_max_content_length_gets_a_friendly_message(
    client, draft, office_user, login_as, upload, app, monkeypatch
):
    login_as(office_user)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = upload(draft, PDF + b"0" * 5000, "huge.pdf")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "za duży" in page


def test_no_file_chosen(client, draft, office_user, login_as, db):
    login_as(office_user)
    response = client.post(f"/office/applications/{draft.id}/documents", data={"area": "0"})
    assert response.status_code == 302
    assert db.session.query(Document).count() == 0


def test_delete_a_document_while_draft(client, draft, office_user, login_as, upload, db):
    login_as(office_user)
    upload(draft, PDF, "a.pdf")
    document = db.session.query(Document).one()
    name = document.stored_name
    assert client.post(f"/office/documents/{document.id}/delete").status_code == 302
    assert db.session.query(Document).count() == 0
    assert name not in stored_files()


def test_no_upload_or_delete_after_submission(client, draft, office_user, login_as, upload, db):
    login_as(office_user)
    upload(draft, PDF, "a.pdf")
    draft.status = ApplicationStatus.submitted
    draft.submitted_at = draft.created_at
    db.session.commit()
    upload(draft, PDF, "b.pdf")
    document = db.session.query(Document).one()
    client.post(f"/office/documents/{document.id}/delete")
    assert db.session.query(Document).count() == 1


@pytest.fixture
def document(draft, office_user, db):
    stored = uploads.store_document(io.BytesIO(PDF), "dowód.pdf", max_bytes=10_000)
    doc = Document(
        application=draft,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
    )
    db.session.add(doc)
    db.session.commit()
    return doc


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("organizer", 200),
        ("assigned_juror", 200),
        ("other_juror", 403),
        ("other_office", 403),
        ("anonymous", 302),
    ],
)
def test_download_permissions(client, sign_in_as, document, who, status):
    sign_in_as(who, document.application)
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == status
    if status == 302:
        assert "/account/login" in response.headers["Location"]


def test_another_office_cannot_upload_or_delete(client, draft, document, login_as, upload, db):
    login_as("office")
    assert upload(draft, PDF, "x.pdf").status_code == 403
    assert client.post(f"/office/documents/{document.id}/delete").status_code == 403
    assert db.session.query(Document).count() == 1


def test_missing_document_is_404(client, login_as):
    login_as("organizer")
    assert client.get("/documents/999").status_code == 404


def test_a_failed_commit_leaves_no_stored_file(
    client, draft, office_user, login_as, upload, db, monkeypatch
):
    login_as(office_user)
    before = set(stored_files())

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        upload(draft, PDF, "a.pdf")
    monkeypatch.undo()
    db.session.rollback()
    assert set(stored_files()) == before
    assert db.session.query(Document).count() == 0


def test_a_failed_delete_keeps_the_file(
    client, draft, office_user, login_as, upload, db, monkeypatch
):
    login_as(office_user)
    upload(draft, PDF, "a.pdf")
    document = db.session.query(Document).one()
    name = document.stored_name

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        client.post(f"/office/documents/{document.id}/delete")
    monkeypatch.undo()
    db.session.rollback()
    assert name in stored_files()
    assert db.session.query(Document).count() == 1


def test_view_in_browser_is_inline_and_sandboxed(client, db, make, login_as):
    """PDFs and images open in the browser under a sandboxing CSP; other kinds
    are only downloaded; the same people as for downloads may see them."""
    application = make.application()
    pdf = make.document(application=application)
    docx = make.document(
        application=application,
        name="opis.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    db.session.commit()
    login_as(make.office_user(office=application.office))
    response = client.get(f"/documents/{pdf.id}/view")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    response = client.get(f"/documents/{docx.id}/view")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/documents/{docx.id}"
    )
    client.post("/account/logout")
    login_as("office")  # another office
    assert client.get(f"/documents/{pdf.id}/view").status_code == 403
