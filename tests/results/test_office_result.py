"""The office's own result: the numbers of the ranking snapshot, shown on its
page once results and feedback are published, to nobody else."""

from __future__ import annotations

import re

import pytest

from app.editions.models import EditionStatus, ScoreMode
from app.jury import feedback
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus
from app.results import snapshot
from app.results.office_view import office_result
from app.results.ranking import rank


@pytest.fixture
def published(make, db):
    """Three entries of one category scored in both stages by three jurors, one
    of them harsh (normalisation moves the scores), snapshot taken, results
    and feedback published; one entry without stage 2 (not ranked)."""
    edition = make.edition(status=EditionStatus.chapter, areas=0)
    area = make.area(edition=edition, name="Obsługa")
    c1 = make.criterion(area=area, stage=1, max_score=10, weight=2)
    c1b = make.criterion(area=area, stage=1, max_score=20, step=0.5)
    c2 = make.criterion(area=area, stage=2, max_score=10)
    jurors = [make.juror(edition=edition) for _ in range(3)]
    table = {
        "Urząd Alfa": ([8, 7, 3], [9, 8, 4]),
        "Urząd Beta": ([6, 9, 2], [7, 9, 2]),
        "Urząd Gamma": ([5, 5, 1], [6, 6, 3]),
    }
    entries = {}
    for name, (first, second) in table.items():
        entry = make.application(
            edition=edition, office=make.office(name=name), status=ApplicationStatus.qualified
        )
        for juror, v1, v2 in zip(jurors, first, second, strict=True):
            make.sheet(application=entry, juror=juror, stage=1, values={c1: v1, c1b: 2 * v1})
            make.sheet(
                application=entry, juror=juror, stage=2, status=SheetStatus.locked, values={c2: v2}
            )
        entries[name] = entry
    delta = make.application(
        edition=edition, office=make.office(name="Urząd Delta"), status=ApplicationStatus.qualified
    )
    make.sheet(application=delta, juror=jurors[0], values={c1: 4, c1b: 8})
    entries["Urząd Delta"] = delta
    snapshot.take(edition, actor=make.organizer())
    edition.status = EditionStatus.results_published
    edition.feedback_published = True
    db.session.commit()
    return edition, entries


def pct(value: float) -> str:
    return f"{value:.2f} %"


def test_office_result_is_the_snapshot_line(published):
    edition, entries = published
    snap = snapshot.current(edition)
    assert snap.score_mode is ScoreMode.normalised
    lines = {e.application_id: e for e in snapshot.entries(snap)}
    beta = lines[entries["Urząd Beta"].id]
    result = office_result(entries["Urząd Beta"])
    assert result.snapshot_version == 1 and result.mode is ScoreMode.normalised
    assert (result.stage1, result.stage2, result.final) == (
        beta.stage1_normalised,
        beta.stage2_normalised,
        beta.final_normalised,
    )
    assert (result.position, result.tied) == (beta.position, beta.tied)
    finals = [
        lines[entries[n].id].final_normalised for n in ("Urząd Alfa", "Urząd Beta", "Urząd Gamma")
    ]
    assert result.ranked_in_category == 3
    assert result.category_best == pytest.approx(max(finals))
    assert result.category_mean == pytest.approx(sum(finals) / 3)
    # The harsh third juror is normalised away: the numbers differ from raw.
    assert result.stage1 != pytest.approx(beta.stage1_raw)


def test_raw_snapshot_shows_raw_numbers(published, db, make):
    edition, entries = published
    edition.score_mode = ScoreMode.raw
    snapshot.take(edition, actor=make.organizer(), reason="Tryb surowy")
    line = next(
        e
        for e in snapshot.entries(snapshot.current(edition))
        if e.application_id == entries["Urząd Alfa"].id
    )
    result = office_result(entries["Urząd Alfa"])
    assert result.snapshot_version == 2 and result.mode is ScoreMode.raw
    assert (result.stage1, result.stage2, result.final) == (
        line.stage1_raw,
        line.stage2_raw,
        line.final_raw,
    )


def test_the_office_page_shows_the_ranking_page_numbers(client, auth, login_as, make, published):
    edition, entries = published
    beta = entries["Urząd Beta"]
    login_as(make.office_user(office=beta.office))
    page = client.get(f"/applications/{beta.id}").get_data(as_text=True)
    result = office_result(beta)
    assert "Twoje wyniki w rankingu" in page
    for value in (result.stage1, result.stage2, result.final, result.category_best):
        assert pct(value) in page
    assert f"{result.position}. z 3" in page
    # The organizer's ranking page (final, the edition's mode) shows the same
    # final score for the entry, computed by the same service.
    auth.logout()
    login_as("organizer")
    ranking = client.get(f"/organizer/editions/{edition.id}/ranking").get_data(as_text=True)
    row = re.search(r"<td>Urząd Beta</td>(.*?)</tr>", ranking, re.S).group(1)
    assert f"<strong>{result.final:.2f}</strong>" in row


def test_an_unranked_entry_says_so(client, login_as, make, published):
    _edition, entries = published
    delta = entries["Urząd Delta"]
    result = office_result(delta)
    assert result.position is None and result.stage2 is None and result.final is None
    login_as(make.office_user(office=delta.office))
    page = client.get(f"/applications/{delta.id}").get_data(as_text=True)
    assert "poza rankingiem" in page


def test_another_office_sees_nothing(client, login_as, make, published):
    _edition, entries = published
    login_as(make.office_user(office=entries["Urząd Alfa"].office))
    assert client.get(f"/applications/{entries['Urząd Beta'].id}").status_code == 403
    own = client.get(f"/applications/{entries['Urząd Alfa'].id}").get_data(as_text=True)
    beta = office_result(entries["Urząd Beta"])
    assert pct(beta.stage1) not in own and "Urząd Beta" not in own


@pytest.mark.parametrize(
    "change",
    ["chapter", "feedback_unpublished", "no_snapshot"],
)
def test_nothing_before_publication(client, login_as, make, db, published, change):
    edition, entries = published
    alfa = entries["Urząd Alfa"]
    if change == "chapter":
        edition.status = EditionStatus.chapter
    elif change == "feedback_unpublished":
        edition.feedback_published = False
    else:
        snapshot.current(edition).superseded_at = edition.created_at
    db.session.commit()
    assert office_result(alfa) is None
    login_as(make.office_user(office=alfa.office))
    page = client.get(f"/applications/{alfa.id}").get_data(as_text=True)
    assert "Twoje wyniki w rankingu" not in page


def test_a_juror_sees_no_result_on_the_entry_page(client, login_as, published):
    _edition, entries = published
    alfa = entries["Urząd Alfa"]
    juror = alfa.assignments[0].juror
    juror.jury_memberships[0].conflicts_confirmed_at = juror.created_at
    login_as(juror)
    response = client.get(f"/applications/{alfa.id}")
    assert response.status_code == 200
    assert "Twoje wyniki w rankingu" not in response.get_data(as_text=True)


def test_area_feedback_follows_the_ranking_rule(make, db):
    """With one area, the office's per-area stage score is its ranking stage
    score (raw): the mean of its sheet scores, not one pooled ratio, even when
    two sheets could attain different points (one criterion left unscored on
    a locked sheet)."""
    edition = make.edition(status=EditionStatus.results_published, areas=0)
    area = make.area(edition=edition)
    c1 = make.criterion(area=area, stage=1, max_score=10)
    c2 = make.criterion(area=area, stage=1, max_score=30)
    entry = make.application(edition=edition, status=ApplicationStatus.qualified)
    make.sheet(application=entry, juror=make.juror(), values={c1: 10, c2: 0})
    make.sheet(application=entry, juror=make.juror(), status=SheetStatus.locked, values={c1: 5})
    # Sheet scores: 10/40 = 25 %, 5/10 = 50 %; mean 37.5 % (pooled would be 30 %).
    [row] = feedback.feedback_scores(entry)
    assert row.own == 37.5
    assert rank(edition, stage=1, mode="raw").row_for(entry.id).stage1_raw == pytest.approx(37.5)
