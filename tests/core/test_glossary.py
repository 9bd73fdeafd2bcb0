"""One word for one thing (issue 18 item 7; docs/glossary.md): the Polish
catalogues never address the reader with a gendered slash or bracket form
("otrzymałeś/aś", "zgłosił(a)"), and call an office's entry "zgłoszenie",
never "wniosek"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUES = sorted((ROOT / "app").glob("**/translations/pl/LC_MESSAGES/messages.po"))

# A Polish word followed by an alternative ending: "otrzymałeś/aś", "zadowolony/a",
# "zgłosił(a)", "Pan/Pani".
GENDERED = re.compile(
    r"[a-ząćęłńóśźż](/|\()(a|aś|eś|łaś|łeś|ła|ły|y|i|na|ś)\b\)?|\bPan/Pani\b|\bPani/Pan\b"
)
# "wniosek" in any case and number (wniosku, wnioski, wniosków...).
APPLICATION_WORD = re.compile(r"\bwnios(ek|ku|kiem|ki|ków|kom|kami|kach)\b", re.IGNORECASE)


def _polish_texts(path: Path):
    with path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for text in texts:
            if text:
                yield message.id if isinstance(message.id, str) else message.id[0], text


def test_the_catalogues_are_found():
    assert len(CATALOGUES) >= 8


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / "app")))
def test_no_gendered_forms(path):
    found = [(msgid, text) for msgid, text in _polish_texts(path) if GENDERED.search(text)]
    assert not found, "rephrase without a gendered form (docs/glossary.md):\n" + "\n".join(
        f"  {msgid!r}: {text!r}" for msgid, text in found
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / "app")))
def test_an_application_is_a_zgloszenie(path):
    found = [(msgid, text) for msgid, text in _polish_texts(path) if APPLICATION_WORD.search(text)]
    assert not found, "“zgłoszenie”, not “wniosek” (docs/glossary.md):\n" + "\n".join(
        f"  {msgid!r}: {text!r}" for msgid, text in found
    )


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Jury, do których otrzymałeś/aś zaproszenie", True),
        ("%(name)s zgłosił(a) konflikt", True),
        ("Szanowny Pan/Pani", True),
        ("Dodał(a)", True),
        ("Jury, do których Cię zaproszono", False),
        ("PDF/A", False),
        ("1/2 punktu", False),
        ("Etap I (dokumenty)", False),
        ("i/lub", False),
    ],
)
def test_the_gendered_pattern(text, flagged):
    assert bool(GENDERED.search(text)) is flagged


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Nabór wniosków otwarty", True),
        ("Wnioski", True),
        ("Wniosek urzędu", True),
        ("Nabór zgłoszeń otwarty", False),
        ("wnioskodawca", False),
    ],
)
def test_the_application_pattern(text, flagged):
    assert bool(APPLICATION_WORD.search(text)) is flagged


def test_the_glossary_names_the_words_the_tests_check():
    text = GLOSSARY.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| application, entry |"))
    assert "zgłoszenie" in row and "**wniosek, wnioski** (*checked*)" in row
    assert "otrzymałeś/aś" in text and "zgłosił(a)" in text


# A stage named with a digit where it is a name (a label, a heading, a column):
# "Etap 1", "Etap 2: …", "Etap 1 – konsensus". Sentences keep the digit
# ("w etapie 1", "Etap 1 zamyka się…"); names take stage_numeral (etap I).
STAGE_NAMED_WITH_A_DIGIT = re.compile(r"^Etap [12](:| –|$)")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT / "app")))
def test_a_named_stage_has_a_roman_numeral(path):
    found = [
        (msgid, text)
        for msgid, text in _polish_texts(path)
        if STAGE_NAMED_WITH_A_DIGIT.search(text)
    ]
    assert not found, "name a stage “Etap I”, “Etap II” (docs/glossary.md):\n" + "\n".join(
        f"  {msgid!r}: {text!r}" for msgid, text in found
    )


def test_stage_numerals(request_ctx, app):
    from flask import render_template_string
    from flask_babel import force_locale

    assert render_template_string('{{ _("Stage %(n)s", n=stage_numeral(2)) }}') == "Etap II"
    with force_locale("en"):
        assert render_template_string('{{ _("Stage %(n)s", n=stage_numeral(2)) }}') == "Stage 2"
