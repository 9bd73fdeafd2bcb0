"""Fixtures for the office portal: an edition with a questionnaire of every
kind of question, an office user, and small files of every accepted type."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest

from app.editions.models import QuestionKind

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_bytes(
    {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
)
ODT = zip_bytes(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}
)
XLSX = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


@pytest.fixture
def questionnaire(make, db):
    """An open edition with two areas: area 1 asks a required text (at most 20
    characters) and a required yes/no; area 2 an optional number from 0 to 100."""
    edition = make.edition(areas=0)
    area1 = make.area(edition=edition, name="Standardy obsługi", position=1)
    area2 = make.area(edition=edition, name="Komunikacja", position=2)
    make.criterion(area=area1, stage=1)
    make.criterion(area=area2, stage=1)
    text = make.question(area=area1, prompt="Opisz standardy", max_length=20, position=1)
    yes_no = make.question(
        area=area1, kind=QuestionKind.yes_no, prompt="Czy macie ISO?", position=2
    )
    number = make.question(
        area=area2,
        kind=QuestionKind.number,
        prompt="Ilu pracowników?",
        min_value=0,
        max_value=100,
        required=False,
        position=1,
    )
    db.session.refresh(edition)
    return SimpleNamespace(
        edition=edition, area1=area1, area2=area2, text=text, yes_no=yes_no, number=number
    )


@pytest.fixture
def office_user(make):
    return make.office_user()


@pytest.fixture
def sign_in_as(make, login_as, office_user):
    """Sign in as someone in a given relation to an application (or stay anonymous)."""

    def sign_in(who: str, application) -> None:
        if who == "owner":
            login_as(office_user)
        elif who == "organizer":
            login_as("organizer")
        elif who == "assigned_juror":
            juror = make.juror(edition=application.edition)
            make.assignment(application=application, juror=juror)
            login_as(juror)
        elif who in ("other_juror", "unassigned_juror"):
            login_as(make.juror(edition=application.edition))
        elif who == "other_office":
            login_as("office")
        else:
            assert who == "anonymous", who

    return sign_in


@pytest.fixture
def draft(make, questionnaire, office_user):
    return make.application(edition=questionnaire.edition, office=office_user.office)


@pytest.fixture
def upload(client):
    def send(application, data: bytes, name: str, area_id: int = 0):
        return client.post(
            f"/office/applications/{application.id}/documents",
            data={"file": (io.BytesIO(data), name), "area": str(area_id)},
            content_type="multipart/form-data",
        )

    return send


@pytest.fixture
def small_limits(app, monkeypatch):
    """Limits small enough to test with a few kilobytes."""
    monkeypatch.setitem(app.config, "MAX_FILE_MB", 1)
    monkeypatch.setitem(app.config, "MAX_APPLICATION_MB", 2)
