"""Each template's PDF: its text (Polish letters exact), one page, the QR
code decoded back to the verification URL, and pictures to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.awards import diplomas
from app.awards.diploma_models import DiplomaDesign
from app.awards.models import DiplomaTemplate
from tests.diplomas.conftest import LONG_NAME, POLISH, pdf_pages, pdf_text, pdf_to_png, qr_texts

# Set LAUREL_DIPLOMA_PNG=/some/dir to keep the pictures and look at them.
PNG_DIR = os.environ.get("LAUREL_DIPLOMA_PNG")


def _png_path(tmp_path, name: str) -> Path:
    if PNG_DIR:
        Path(PNG_DIR).mkdir(parents=True, exist_ok=True)
        return Path(PNG_DIR) / f"{name}.png"
    return tmp_path / f"{name}.png"


def _subject(awards, template: str):
    design = diplomas.design_of(awards.edition)
    if template == "participation":
        return diplomas.subject_of_participation(awards.plain_entry)
    award = {
        "laureate": awards.laureate,
        "quality_mark": awards.laureate,
        "distinction": awards.distinction,
        "special": awards.special,
    }[template]
    subject = diplomas.subject_of_award(award, design)
    subject.template = template
    return subject


EXPECTED = {
    "laureate": ["DYPLOM", "Laureat", "Gminy wiejskie i miejsko-wiejskie", POLISH],
    "distinction": ["WYRÓŻNIENIE", "Starostwo Powiatowe w Łęcznej", "niepełnosprawnościami"],
    "special": ["Urząd innowacyjny", "Załatw sprawę"],
    "quality_mark": ["CERTYFIKAT", "Ważny do 11 grudnia 2027"],
    "participation": ["Urząd Miasta Świdnik", "Przyjazny Urząd — edycja 2025"],
}


@pytest.mark.parametrize("template", [t.value for t in DiplomaTemplate])
def test_each_template_reads_back(awards, request_ctx, tmp_path, template):
    subject = _subject(awards, template)
    design = diplomas.design_of(awards.edition)
    diploma = diplomas.prepare(
        subject, design, actor=awards.organizer, version=1, today=awards.edition.gala_date
    )
    pdf = diplomas.render_diploma(diploma, design)
    assert pdf.startswith(b"%PDF-")
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for expected in EXPECTED[template] + [
        "FUNDACJA JAKOŚCI USŁUG PUBLICZNYCH",
        "12 grudnia 2025",
        "Zamek Królewski w Warszawie",
    ]:
        assert " ".join(expected.split()) in flat, (expected, text)
    png = pdf_to_png(pdf, _png_path(tmp_path, template))
    assert qr_texts(png) == [diplomas.verify_url(diploma.verification_code)]
    assert "/verify/" + diploma.verification_code in qr_texts(png)[0]


def test_long_office_name_stays_on_one_page(make_awards, request_ctx, tmp_path):
    awards = make_awards(office_name=LONG_NAME)
    # The longest justification a chapter plausibly writes (about 900 characters).
    awards.laureate.justification = " ".join(
        ["Za konsekwentne doskonalenie obsługi mieszkańców, zażółć gęślą jaźń."] * 12
        + ["Koniec uzasadnienia."]
    )
    design = DiplomaDesign.defaults(awards.edition)
    design.signer1_name, design.signer1_role = (
        "Prof. Bożena Żółtowska-Wiśniewska",
        "Przewodnicząca Kapituły Konkursu „Przyjazny Urząd”",
    )
    design.signer2_name, design.signer2_role = (
        "Grzegorz Łukasiewicz",
        "Prezes Zarządu Fundacji Jakości Usług Publicznych",
    )
    for template in ("laureate", "quality_mark", "special"):
        subject = _subject(awards, template)
        diploma = diplomas.prepare(
            subject, design, actor=awards.organizer, version=1, today=awards.edition.gala_date
        )
        pdf = diplomas.render_diploma(diploma, design)
        assert pdf_pages(pdf) == 1
        flat = " ".join(pdf_text(pdf).split())
        assert "Grudziądzu i Inowrocławiu" in flat
        if template != "special":
            assert "Koniec uzasadnienia." in flat
        assert "Bożena Żółtowska-Wiśniewska" in flat
        png = pdf_to_png(pdf, _png_path(tmp_path, f"long-{template}"))
        assert qr_texts(png) == [diplomas.verify_url(diploma.verification_code)]
