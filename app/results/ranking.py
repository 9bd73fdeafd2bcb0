"""The ranking service: an edition's entries with their scores, positions and
ties, computed one way for the ranking page, the office feedback, the exports
and the `flask ranking` command, so they cannot disagree.

The database does the heavy part: one grouped query sums every counted sheet
(Σ weight·value and Σ weight·max per juror, entry and stage); the rules in
app/results/numbers.py then run in Python over those sheet rows (one row per
sheet, ~15,000 in a national edition, against ~300,000 scores). The number of
queries does not depend on the edition's size: entries, sheet sums, checklist
tallies, and the names of the jurors left un-normalised when there are any
(plus one grouped query for the agreed scores when the edition has a stage
with consensus review).

Consensus review (app/jury/consensus): in a stage with consensus on and the
edition's `consensus_scoring` set to "consensus", an entry's stage score is its
final (or organizer-closed) consensus's sheet score, Σ weight·value /
Σ weight·max of the latest version in percent (numbers.sheet_score), instead
of the mean of its independent sheets; it is the same raw and "normalised":
normalisation corrects one juror's leniency, and a score the team agreed has no
single juror's bias to correct. The independent sheets are still normalised
(they stand for entries whose consensus is not final yet, which keep the mean
and are flagged in `consensus_pending`). Each row also carries the agreed
score and the mean of the independent sheets (in the ranking's mode), so the
page can show how far the consensus moved from the mean.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa

from app.accounts.models import User
from app.editions.models import Category, ConsensusScoring, Criterion, Edition, ScoreMode
from app.extensions import db
from app.jury.models import Assignment, Score, ScoreSheet, SheetStatus
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    MysteryVisit,
    VisitAnswer,
    VisitStatus,
)
from app.offices.models import Application, ApplicationStatus, Office
from app.results import numbers, score_sql
from app.results.cells import FORMULA_STARTS, csv_cell  # noqa: F401  (moved; still importable here)

Stage = Literal[1, 2, "final"]
COUNTED = (SheetStatus.submitted, SheetStatus.locked)


@dataclass(frozen=True)
class JurorNote:
    """A juror whose scores in a stage were not normalised, and why
    ("too_few_sheets": under 3 sheets; "no_spread": all sheet scores equal)."""

    juror_id: int
    name: str
    stage: int
    sheets: int
    reason: str


@dataclass
class RankingRow:
    application_id: int
    office: str
    category_id: int
    category: str
    stage1_raw: float | None
    stage1_normalised: float | None
    stage2_raw: float | None
    stage2_normalised: float | None
    checklist: float | None
    final_raw: float | None
    final_normalised: float | None
    score: float | None  # the one ranked: this stage, in this mode
    position: int | None  # None: not ranked (no score for this stage)
    tied: bool
    decided_by: str | None  # the tie-break key that set it apart, if one did
    # Stages with consensus review only: the agreed score (None until final or
    # closed), the mean of the independent sheets in the ranking's mode, and
    # the stages where the entry is ranked by that mean for want of a final
    # consensus although the edition ranks by consensus.
    stage1_consensus: float | None = None
    stage2_consensus: float | None = None
    stage1_mean: float | None = None
    stage2_mean: float | None = None
    consensus_pending: tuple[int, ...] = ()


@dataclass
class Ranking:
    edition_id: int
    stage: Stage
    mode: ScoreMode
    tie_keys: tuple[str, ...]  # the keys actually applied for this stage
    stage1_weight: float
    stage2_weight: float
    rows: list[RankingRow] = field(default_factory=list)
    not_normalised: list[JurorNote] = field(default_factory=list)
    consensus_stages: tuple[int, ...] = ()
    consensus_scoring: ConsensusScoring = ConsensusScoring.consensus

    @property
    def ranked(self) -> list[RankingRow]:
        return [r for r in self.rows if r.position is not None]

    def row_for(self, application_id: int) -> RankingRow | None:
        return next((r for r in self.rows if r.application_id == application_id), None)


def tie_keys_for(stage: Stage, rule: str) -> tuple[str, ...]:
    """The edition's tie-break chain as it applies to one ranking.

    The key of the score being ranked is dropped (it cannot break its own tie).
    A stage-1 ranking also drops the stage-2 keys: it chooses who reaches stage
    2, so it must not depend on stage-2 evidence; with the default rule stage-1
    ties therefore stay ties."""
    keys = numbers.parse_tie_rule(rule)
    if stage == 1:
        return tuple(k for k in keys if k not in ("stage1", "stage2", "checklist"))
    if stage == 2:
        return tuple(k for k in keys if k != "stage2")
    return keys


def core_rows(statement) -> list:
    """Run a column select on the session's connection, without the ORM's
    per-row work: these queries load no objects, and the sheet query returns
    ~17,000 rows on every ranking."""
    return db.session.connection().execute(statement).all()


def sheet_totals(edition_id: int, stage: int | None = None) -> list[numbers.SheetTotal]:
    """Per counted sheet: Σ weight·value and Σ weight·max (one grouped query);
    of one stage only when `stage` is given.

    The scores are summed per sheet first, over the edition's counted sheets
    picked by an IN list, and only the ~15,000 sums are joined to their
    assignments: the database then walks the score index in sheet order and
    needs no sort for the grouping, so the query costs about what a bare
    GROUP BY over the same scores does. A score without a value (only possible
    on a draft) counts in neither sum. The sums are cast to float in
    SQL, so no Decimal is made on the way."""
    counted_sheets = (
        sa.select(ScoreSheet.id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.edition_id == edition_id,
            Application.status != ApplicationStatus.draft,
            ScoreSheet.status.in_(COUNTED),
        )
    )
    if stage is not None:
        counted_sheets = counted_sheets.where(ScoreSheet.stage == stage)
    sums = (
        sa.select(
            Score.sheet_id.label("sheet_id"),
            score_sql.points().label("points"),
            score_sql.attainable().label("attainable"),
        )
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.sheet_id.in_(counted_sheets), score_sql.SCORED)
        .group_by(Score.sheet_id)
        .subquery()
    )
    rows = core_rows(
        sa.select(
            Assignment.juror_id,
            Assignment.application_id,
            ScoreSheet.stage,
            sa.cast(sums.c.points, sa.Float),
            sa.cast(sums.c.attainable, sa.Float),
        )
        .select_from(sums)
        .join(ScoreSheet, ScoreSheet.id == sums.c.sheet_id)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
    )
    return list(map(numbers.SheetTotal._make, rows))


def _checklist_tallies(edition_id: int) -> dict[int, numbers.ChecklistTally]:
    """Per entry, its submitted visits' pointed answers (one grouped query)."""
    is_yes_no = ChecklistItem.kind == ChecklistItemKind.yes_no
    is_scale = ChecklistItem.kind == ChecklistItemKind.scale
    answered_scale = sa.and_(is_scale, VisitAnswer.number_value.is_not(None))
    rows = core_rows(
        sa.select(
            MysteryVisit.application_id,
            sa.func.sum(
                sa.case((sa.and_(is_yes_no, VisitAnswer.bool_value.is_(True)), 1), else_=0)
            ),
            sa.func.sum(
                sa.case((sa.and_(is_yes_no, VisitAnswer.bool_value.is_not(None)), 1), else_=0)
            ),
            sa.func.sum(sa.case((answered_scale, VisitAnswer.number_value), else_=0)),
            sa.func.sum(sa.case((answered_scale, ChecklistItem.scale_max), else_=0)),
        )
        .select_from(VisitAnswer)
        .join(MysteryVisit, MysteryVisit.id == VisitAnswer.visit_id)
        .join(ChecklistItem, ChecklistItem.id == VisitAnswer.item_id)
        .join(Application, Application.id == MysteryVisit.application_id)
        .where(
            Application.edition_id == edition_id,
            MysteryVisit.status == VisitStatus.submitted,
            ChecklistItem.kind.in_([ChecklistItemKind.yes_no, ChecklistItemKind.scale]),
        )
        .group_by(MysteryVisit.application_id)
    )
    return {
        entry: numbers.ChecklistTally(
            int(yes or 0), int(answered or 0), float(pts or 0), float(att or 0)
        )
        for entry, yes, answered, pts, att in rows
    }


def juror_names(ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids))).all()
    )


@contextmanager
def _cyclic_gc_paused():
    """A ranking allocates ~100,000 small tuples and dicts (one per sheet,
    entry and juror) that form no reference cycles. With the collector on,
    they trigger repeated full collections that walk every object of the
    process: measured at national scale (bench/ranking.py) that was 40 % of
    the ranking's time. Reference counting still frees everything; the
    collector is switched back on (if it was on) however the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rank(
    edition: Edition, *, stage: Stage = "final", mode: str | ScoreMode | None = None
) -> Ranking:
    """The edition's ranking for stage 1, stage 2 or the final result.

    Every entry that is not a draft gets a row with both stages' scores, raw
    and normalised, its checklist result and both final scores; `score` and
    the position are those of the requested stage in the requested mode (the
    edition's own mode when None). Rules: app/results/numbers.py. Raises
    ValueError for an unknown stage or mode, numbers.TieRuleError for a bad
    tie rule stored on the edition."""
    with _cyclic_gc_paused():
        return _rank(edition, stage=stage, mode=mode)


def _rank(edition: Edition, *, stage: Stage, mode: str | ScoreMode | None) -> Ranking:
    if stage not in (1, 2, "final"):
        raise ValueError(f"unknown stage: {stage!r}")
    mode = (
        ScoreMode(mode.value if isinstance(mode, ScoreMode) else mode)
        if mode
        else edition.score_mode
    )
    tie_keys = tie_keys_for(stage, edition.tie_rule)
    # The queries below go to the connection directly (see core_rows), which does
    # not autoflush: flush here so a change made earlier in this request counts.
    db.session.flush()
    w1, w2 = float(edition.stage1_weight), float(edition.stage2_weight)

    entries = core_rows(
        sa.select(Application.id, Office.name, Category.id, Category.name)
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .where(Application.edition_id == edition.id, Application.status != ApplicationStatus.draft)
        .order_by(Category.position, Category.id, Office.name, Application.id)
    )
    totals = sheet_totals(edition.id)
    tallies = _checklist_tallies(edition.id)

    raw: dict[int, dict] = {}
    normalised: dict[int, dict] = {}
    notes: list[numbers.NotNormalised] = []
    for s, scores in numbers.all_stage_scores(totals).items():
        raw[s], normalised[s] = scores.raw, scores.normalised
        notes.extend(scores.not_normalised)
    checklist = {e: numbers.checklist_result(t) for e, t in tallies.items()}
    agreed, means, pending = _apply_consensus(edition, raw, normalised, mode)

    def final(scores: dict[int, dict]) -> dict[int, float | None]:
        return {
            e: numbers.final_score(
                scores[1].get(e), scores[2].get(e), stage1_weight=w1, stage2_weight=w2
            )
            for e, *_ in entries
        }

    final_raw, final_norm = final(raw), final(normalised)
    chosen = normalised if mode is ScoreMode.normalised else raw
    by_key = {
        "stage1": chosen[1],
        "stage2": chosen[2],
        "checklist": checklist,
        "final": final_norm if mode is ScoreMode.normalised else final_raw,
    }
    primary = by_key["final" if stage == "final" else f"stage{stage}"]
    ids = [e for e, *_ in entries]
    placed = numbers.place(
        ids,
        score=primary,
        category={e: c for e, _, c, _ in entries},
        tie_breaks=[by_key[k] for k in tie_keys],
        tie_names=tie_keys,
    )
    rows = [
        RankingRow(
            application_id=e,
            office=office,
            category_id=category_id,
            category=category,
            stage1_raw=raw[1].get(e),
            stage1_normalised=normalised[1].get(e),
            stage2_raw=raw[2].get(e),
            stage2_normalised=normalised[2].get(e),
            checklist=checklist.get(e),
            final_raw=final_raw.get(e),
            final_normalised=final_norm.get(e),
            score=primary.get(e),
            position=placed[e].position,
            tied=placed[e].tied,
            decided_by=placed[e].decided_by,
            stage1_consensus=agreed.get(1, {}).get(e),
            stage2_consensus=agreed.get(2, {}).get(e),
            stage1_mean=means.get(1, {}).get(e),
            stage2_mean=means.get(2, {}).get(e),
            consensus_pending=tuple(s for s in pending if e in pending[s]),
        )
        for e, office, category_id, category in entries
    ]
    # Category order (as queried), then position; entries without a position
    # last. Tied entries keep the office-name order of the query: for reading
    # only, they share their position and carry the tied flag.
    category_order = {c: i for i, c in enumerate(dict.fromkeys(r.category_id for r in rows))}
    rows.sort(
        key=lambda r: (
            category_order[r.category_id],
            r.position is None,
            r.position or 0,
        )
    )
    names = juror_names(n.juror_id for n in notes)
    return Ranking(
        edition_id=edition.id,
        stage=stage,
        mode=mode,
        tie_keys=tie_keys,
        stage1_weight=w1,
        stage2_weight=w2,
        rows=rows,
        not_normalised=[
            JurorNote(n.juror_id, names.get(n.juror_id, ""), n.stage, n.sheets, n.reason)
            for n in notes
        ],
        consensus_stages=edition.consensus_stages,
        consensus_scoring=edition.consensus_scoring,
    )


def _apply_consensus(edition: Edition, raw: dict, normalised: dict, mode: ScoreMode):
    """For the edition's consensus stages: the agreed scores per stage and
    entry, the means of the independent sheets (in `mode`), and per stage the
    entries left on the mean; when the edition ranks by consensus, the agreed
    score replaces the entry's raw and normalised stage score (in place)."""
    stages = edition.consensus_stages
    if not stages:
        return {}, {}, {}
    from app.jury.consensus.scores import agreed_totals

    agreed: dict[int, dict] = {s: {} for s in stages}
    for entry, stage, points, attainable in agreed_totals(edition.id):
        score = numbers.sheet_score(points or 0.0, attainable or 0.0)
        if stage in agreed and score is not None:
            agreed[stage][entry] = score
    chosen = normalised if mode is ScoreMode.normalised else raw
    means = {s: dict(chosen[s]) for s in stages}
    pending: dict[int, set] = {s: set() for s in stages}
    if edition.consensus_scoring is ConsensusScoring.consensus:
        for s in stages:
            pending[s] = set(means[s]) - set(agreed[s])
            for entry, score in agreed[s].items():
                raw[s][entry] = normalised[s][entry] = score
    return agreed, means, pending


def ranking_csv(ranking: Ranking) -> str:
    """The ranked entries as CSV: category,position,office,score,tied — one row
    per ranked entry (entries without a score for the stage are left out),
    score to 2 decimals, tied as yes/no."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["category", "position", "office", "score", "tied"])
    for row in ranking.ranked:
        writer.writerow(
            [
                csv_cell(row.category),
                row.position,
                csv_cell(row.office),
                f"{row.score:.2f}",
                "yes" if row.tied else "no",
            ]
        )
    return out.getvalue()
