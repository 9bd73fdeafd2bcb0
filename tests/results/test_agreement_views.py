"""The jury-agreement page and the final-ranking chart: who may open them,
what they show, bad input, a fixed number of queries, SVG without style
attributes."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.editions.models import Edition, EditionStatus
from app.offices.models import ApplicationStatus


@pytest.fixture
def scored(make, db):
    """Stage 1 and 2 of one category: three jurors, three entries; Urząd Gamma's
    third stage-1 sheet is far from the other two."""
    edition = make.edition(status=EditionStatus.stage2, areas=0)
    area = make.area(edition=edition, name="Obsługa klienta")
    c1 = make.criterion(area=area, stage=1, max_score=100, name="Karta usług")
    c2 = make.criterion(area=area, stage=2, max_score=100, name="Wizyta")
    jurors = [
        make.juror(edition=edition, full_name=f"Sędzia {n}") for n in ("Adam", "Beata", "Cezary")
    ]
    for name, stage1, stage2 in (
        ("Urząd Alfa", (80, 82, 84), (70, 75)),
        ("Urząd Beta", (60, 62, 61), (50, 55)),
        ("Urząd Gamma", (40, 40, 70), (30, 35)),
    ):
        entry = make.application(
            edition=edition, office=make.office(name=name), status=ApplicationStatus.qualified
        )
        for juror, value in zip(jurors, stage1, strict=True):
            make.sheet(application=entry, juror=juror, values={c1: value})
        for juror, value in zip(jurors, stage2, strict=False):
            make.sheet(application=entry, juror=juror, stage=2, values={c2: value})
    db.session.commit()
    return edition


def url(edition, query=""):
    return f"/organizer/editions/{edition.id}/agreement{query}"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("office", 403), ("juror", 403), ("organizer", 200)],
)
def test_permission_matrix(client, login_as, make, scored, role, expected):
    if role == "juror":
        login_as(make.juror(edition=scored))
    elif role != "anonymous":
        login_as(role)
    response = client.get(url(scored))
    assert response.status_code == expected
    if role == "anonymous":
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("query", ["?stage=3", "?stage=", "?stage=final", "?stage=1.0"])
def test_bad_stage_is_404(client, login_as, scored, query):
    login_as("organizer")
    assert client.get(url(scored, query)).status_code == 404


def test_unknown_edition_is_404(client, login_as):
    login_as("organizer")
    assert client.get("/organizer/editions/999999/agreement").status_code == 404


def test_page_shows_alpha_outliers_leniency_and_distributions(client, login_as, scored):
    login_as("organizer")
    page = client.get(url(scored, "?stage=1")).text
    assert "Zgodność jury" in page
    # Gamma's 70 against 40 and 40: 30 points; the stage's spread within an
    # entry is sqrt((8 + 2 + 600) / 6) = 10.08, so 30/10.08 = +2.98 SDs.
    outliers = page[page.index("Karty odstające") :]
    assert "Sędzia Cezary" in outliers and "Urząd Gamma" in outliers and "+2.98" in outliers
    assert "10.08" in outliers
    assert "Kryterium" in page and "Karta usług" in page
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        assert 'role="img"' in svg and "aria-label=" in svg and "<title>" in svg
    assert page.count("<svg") == 2  # heat map, distributions
    # Stage 2: two sheets per entry, so no outlier can be judged.
    stage2 = client.get(url(scored, "?stage=2")).text
    assert "Żadna karta nie odstaje" in stage2


def test_not_enough_data_is_said_in_words(client, login_as, make, db):
    edition = make.edition(status=EditionStatus.stage1)
    db.session.commit()
    login_as("organizer")
    page = client.get(url(edition)).text
    assert "za mało danych" in page
    # The heat map of the one criterion (every cell "not enough data"); no
    # empty distribution chart: its table says there is no sheet.
    assert page.count("<svg") == 1 and "W tym etapie nie wysłano jeszcze żadnej karty." in page
    assert not re.search(r"\bnan\b", page, flags=re.I)


def test_no_style_attribute_anywhere(client, login_as, scored):
    login_as("organizer")
    for page in (
        client.get(url(scored, "?stage=1")).text,
        client.get(url(scored, "?stage=2")).text,
        client.get(f"/organizer/editions/{scored.id}/ranking").text,
    ):
        assert "<svg" in page
        assert not re.search(r"\sstyle\s*=", page)
        assert "<script" not in page.split("</header>", 1)[-1]


def test_ranking_page_shows_the_split_bars_and_links_to_agreement(client, login_as, scored):
    login_as("organizer")
    page = client.get(f"/organizer/editions/{scored.id}/ranking").text
    assert f"/organizer/editions/{scored.id}/agreement?stage=1" in page
    assert page.count("<svg") == 1
    # Alfa, raw: stage 1 mean 82 × 40 % = 32.8, stage 2 mean 72.5 × 60 % = 43.5.
    raw = client.get(f"/organizer/editions/{scored.id}/ranking?mode=raw").text
    bars = raw[raw.index("<svg") :]
    assert "32.80" in bars and "43.50" in bars and "76.30" in bars
    # Only the final ranking has the chart.
    assert "<svg" not in client.get(f"/organizer/editions/{scored.id}/ranking?stage=1").text


def _count(client, db, path) -> int:
    db.session.commit()
    db.session.expunge_all()
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


# user, edition; entries, sheet sums, criteria, criterion sums, juror names
AGREEMENT_PAGE = 7


def test_page_runs_a_fixed_number_of_queries(client, login_as, make, db, scored):
    login_as("organizer")
    edition_id, path = scored.id, url(scored, "?stage=1")
    assert _count(client, db, path) == AGREEMENT_PAGE
    edition = db.session.get(Edition, edition_id)
    criterion = make.criterion(area=edition.areas[0], stage=1, max_score=10)
    more = [make.juror(edition=edition) for _ in range(3)]
    category = make.category(edition=edition, name="Powiaty")
    for n in range(6):
        entry = make.application(
            edition=edition, category=category, status=ApplicationStatus.qualified
        )
        for k, juror in enumerate(more):
            make.sheet(application=entry, juror=juror, values={criterion: (n + k) % 11})
    assert _count(client, db, path) == AGREEMENT_PAGE
