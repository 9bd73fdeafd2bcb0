"""The organizer's ranking page: who may open it, what it shows, bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.editions.models import EditionStatus
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus


@pytest.fixture
def ranked(make, db):
    """Two entries of one category, tied in stage 1 (same value from one juror)."""
    edition = make.edition(status=EditionStatus.stage2, areas=0)
    area = make.area(edition=edition)
    c1 = make.criterion(area=area, stage=1, max_score=100)
    juror = make.juror(edition=edition, full_name="Jan Sędzia")
    entries = []
    for name, value in (("Urząd Alfa", 80), ("Urząd Beta", 80), ("Urząd Gamma", 40)):
        entry = make.application(
            edition=edition, office=make.office(name=name), status=ApplicationStatus.qualified
        )
        make.sheet(application=entry, juror=juror, values={c1: value}, status=SheetStatus.submitted)
        entries.append(entry)
    db.session.commit()
    return edition


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("office", 403), ("juror", 403), ("organizer", 200)],
)
def test_permission_matrix(client, login_as, make, ranked, role, expected):
    if role == "juror":
        login_as(make.juror(edition=ranked))
    elif role != "anonymous":
        login_as(role)
    response = client.get(f"/organizer/editions/{ranked.id}/ranking")
    assert response.status_code == expected


def test_stage_1_ranking_shows_the_tie_raw_and_normalised(client, login_as, ranked):
    login_as("organizer")
    page = client.get(f"/organizer/editions/{ranked.id}/ranking?stage=1&mode=raw").text
    assert page.count("(ex aequo)") == 2  # Alfa and Beta share position 1
    assert "Urząd Gamma" in page and "80.00" in page and "40.00" in page
    # The juror has 3 sheets with a spread, so the normalised ranking uses them.
    normalised = client.get(f"/organizer/editions/{ranked.id}/ranking?stage=1").text
    assert "Oceny wszystkich jurorów zostały znormalizowane." in normalised


def test_a_juror_left_raw_is_listed(client, login_as, make, db):
    edition = make.edition(status=EditionStatus.stage2, areas=0)
    area = make.area(edition=edition)
    c1 = make.criterion(area=area, stage=1, max_score=100)
    juror = make.juror(edition=edition, full_name="Anna Pojedyncza")
    entry = make.application(edition=edition, status=ApplicationStatus.qualified)
    make.sheet(application=entry, juror=juror, values={c1: 70})
    db.session.commit()
    login_as("organizer")
    page = client.get(f"/organizer/editions/{edition.id}/ranking").text
    assert "Anna Pojedyncza" in page and "mniej niż 3 karty" in page


@pytest.mark.parametrize("query", ["stage=3", "stage=", "mode=bogus", "stage=final&mode=z"])
def test_bad_arguments_are_404(client, login_as, ranked, query):
    login_as("organizer")
    assert client.get(f"/organizer/editions/{ranked.id}/ranking?{query}").status_code == 404


def test_page_runs_a_fixed_number_of_queries(client, login_as, make, db, ranked):
    login_as("organizer")

    def count() -> int:
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get(f"/organizer/editions/{ranked.id}/ranking")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count()
    c1 = ranked.areas[0].criteria[0]
    second = make.juror(edition=ranked)  # 6 sheets with a spread: normalised too
    for n in range(6):
        entry = make.application(edition=ranked, status=ApplicationStatus.qualified)
        make.sheet(application=entry, juror=second, values={c1: 10 * n})
    db.session.commit()
    assert count() == few
