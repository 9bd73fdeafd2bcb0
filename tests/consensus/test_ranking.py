"""The ranking in a stage with consensus review: the agreed score or the mean,
as the edition says; entries without a final consensus fall back to the mean."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.editions.models import ConsensusScoring, ScoreMode
from app.jury.consensus import services
from app.results import numbers
from app.results.ranking import rank
from tests.consensus.conftest import all_submitted, draft


def _finish(consensus, team, values):
    draft(consensus, team, values=values)
    for juror in team.jurors:
        if juror.id != consensus.lead_id:
            services.respond(consensus, actor=juror, agree=True)


def _expected(v10, v20):
    # weights 1 and 2, maxima 10 and 20
    return numbers.sheet_score(v10 * 1 + v20 * 2, 10 * 1 + 20 * 2)


@pytest.mark.parametrize("mode", ["raw", "normalised"])
def test_ranking_uses_the_final_consensus(team, db, mode):
    consensus = all_submitted(team)  # sheets: (6, 12), (8, 14.5), (7, 16)
    _finish(consensus, team, {team.c10: "9", team.c20: "18"})
    result = rank(team.edition, stage=1, mode=mode)
    row = result.row_for(team.entry.id)
    assert row.score == pytest.approx(_expected(9, 18)) == pytest.approx(90.0)
    assert row.stage1_raw == row.stage1_normalised == pytest.approx(90.0)
    assert row.stage1_consensus == pytest.approx(90.0)
    raw_mean = (_expected(6, 12) + _expected(8, 14.5) + _expected(7, 16)) / 3
    if mode == "raw":
        assert row.stage1_mean == pytest.approx(raw_mean)
    assert row.consensus_pending == ()
    assert result.consensus_stages == (1,)


def test_ranking_uses_the_mean_when_the_edition_says_so(team, db):
    consensus = all_submitted(team)
    _finish(consensus, team, {team.c10: "9", team.c20: "18"})
    team.edition.consensus_scoring = ConsensusScoring.mean
    row = rank(team.edition, stage=1, mode=ScoreMode.raw).row_for(team.entry.id)
    raw_mean = (_expected(6, 12) + _expected(8, 14.5) + _expected(7, 16)) / 3
    assert row.score == pytest.approx(raw_mean)
    assert row.stage1_consensus == pytest.approx(90.0)  # shown beside it
    assert row.consensus_pending == ()


def test_an_open_consensus_falls_back_to_the_mean_and_is_flagged(team, db):
    consensus = all_submitted(team)
    draft(consensus, team, values={team.c10: "9", team.c20: "18"})
    objector = next(j for j in team.jurors if j.id != consensus.lead_id)
    services.respond(consensus, actor=objector, agree=False, comment="Za wysoko.")
    row = rank(team.edition, stage=1, mode="raw").row_for(team.entry.id)
    raw_mean = (_expected(6, 12) + _expected(8, 14.5) + _expected(7, 16)) / 3
    assert row.score == pytest.approx(raw_mean)
    assert row.stage1_consensus is None and row.consensus_pending == (1,)
    # Closed by the organizer: its latest version counts.
    services.close(consensus, actor=team.organizer, reason="Termin kapituły.")
    row = rank(team.edition, stage=1, mode="raw").row_for(team.entry.id)
    assert row.score == pytest.approx(90.0) and row.consensus_pending == ()


def test_the_latest_version_counts(team, db):
    consensus = all_submitted(team)
    draft(consensus, team, values={team.c10: "9", team.c20: "18"})
    _finish(consensus, team, {team.c10: "5", team.c20: "10"})
    assert len(consensus.versions) == 2
    row = rank(team.edition, stage=1, mode="raw").row_for(team.entry.id)
    assert row.score == pytest.approx(_expected(5, 10))


def _count(db, fn):
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_rank_runs_one_more_query_with_consensus_only(team, db):
    consensus = all_submitted(team)
    _finish(consensus, team, {team.c10: "9", team.c20: "18"})
    db.session.flush()
    with_consensus = _count(db, lambda: rank(team.edition, stage=1))
    team.edition.consensus_stage1 = False
    db.session.flush()
    without = _count(db, lambda: rank(team.edition, stage=1))
    assert with_consensus == without + 1
