"""An edition in the chapter's deliberation with one of each award, an entry
without one, and the pieces the diploma tests read back (pypdf text,
pdftoppm pictures, zxing-cpp QR codes)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from types import SimpleNamespace

import pytest

from app.awards.models import Award, AwardKind, SpecialAward
from app.editions.models import EditionStatus
from app.offices.models import ApplicationStatus

LONG_NAME = (
    "Urząd Marszałkowski Województwa Kujawsko-Pomorskiego w Toruniu — Departament "
    "Obsługi Klienta, Spraw Społecznych, Zdrowia, Rozwoju Regionalnego i Funduszy "
    "Europejskich, Wydział Zamiejscowy we Włocławku, Grudziądzu i Inowrocławiu"
)
POLISH = "ą ć ę ł ń ó ś ź ż Ą Ć Ę Ł Ń Ó Ś Ź Ż"


@pytest.fixture(autouse=True)
def one_process(app):
    """Diplomas render in this process unless a test asks for the pool."""
    before = app.config.get("DIPLOMA_PROCESSES")
    app.config["DIPLOMA_PROCESSES"] = 1
    yield
    app.config["DIPLOMA_PROCESSES"] = before


@pytest.fixture
def make_awards(make, db):
    def build(*, status=EditionStatus.chapter, office_name="Urząd Gminy Żółkiewka"):
        edition = make.edition(
            status=status,
            areas=0,
            name="Przyjazny Urząd — edycja 2025",
            organizer_name="Fundacja Jakości Usług Publicznych",
            gala_date=dt.date(2025, 12, 12),
            gala_place="Zamek Królewski w Warszawie",
        )
        category = edition.categories[0]
        category.name = "Gminy wiejskie i miejsko-wiejskie"
        laureate_entry = make.application(
            edition=edition,
            office=make.office(name=office_name, city="Żółkiewka"),
            status=ApplicationStatus.qualified,
        )
        distinction_entry = make.application(
            edition=edition,
            office=make.office(name="Starostwo Powiatowe w Łęcznej"),
            status=ApplicationStatus.qualified,
        )
        plain_entry = make.application(
            edition=edition,
            office=make.office(name="Urząd Miasta Świdnik"),
            status=ApplicationStatus.not_qualified,
        )
        draft_entry = make.application(edition=edition, office=make.office(name="Urząd Szkic"))
        special = SpecialAward(edition_id=edition.id, name="Urząd innowacyjny", position=0)
        db.session.add(special)
        db.session.flush()
        laureate = Award(
            edition_id=edition.id,
            category_id=category.id,
            application_id=laureate_entry.id,
            kind=AwardKind.laureate,
            justification=f"Za wzorową obsługę mieszkańców: {POLISH}.",
        )
        distinction = Award(
            edition_id=edition.id,
            category_id=category.id,
            application_id=distinction_entry.id,
            kind=AwardKind.distinction,
            justification="Za e-usługi dostępne dla osób z niepełnosprawnościami.",
        )
        special_award = Award(
            edition_id=edition.id,
            application_id=laureate_entry.id,
            kind=AwardKind.special,
            special_award_id=special.id,
            justification="Za aplikację „Załatw sprawę”.",
        )
        db.session.add_all([laureate, distinction, special_award])
        organizer = make.organizer(full_name="Anna Organizatorska")
        db.session.commit()
        return SimpleNamespace(
            edition=edition,
            category=category,
            laureate=laureate,
            distinction=distinction,
            special=special_award,
            plain_entry=plain_entry,
            draft_entry=draft_entry,
            organizer=organizer,
        )

    return build


@pytest.fixture
def awards(make_awards):
    return make_awards()


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_to_png(pdf: bytes, path, dpi: int = 110) -> bytes:
    """The first page as PNG (poppler's pdftoppm), written to `path`."""
    source = path.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(source), str(path.with_suffix(""))],
        capture_output=True,
        check=True,
    )
    return path.read_bytes()


def qr_texts(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    return [result.text for result in zxingcpp.read_barcodes(image)]
