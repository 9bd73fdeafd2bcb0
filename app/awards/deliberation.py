"""What the chapter looks at: the current ranking snapshot per category with
each entry's decisions, and, for one category, every juror's scores and
comments per criterion in both stages. Reads only; a fixed number of queries
whatever the size of the edition.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import User
from app.awards import rules
from app.awards.chapter import awards_of_edition
from app.awards.models import Award, AwardKind, WithheldAward
from app.editions.models import Area, Category, Criterion, Edition, ScoreMode
from app.extensions import db
from app.jury.models import Assignment, Score, ScoreSheet, SheetStatus
from app.jury.visits.models import ExternalFinding, MysteryVisit, VisitChannel, VisitStatus
from app.offices.models import Application
from app.results import snapshot as ranking_snapshot
from app.results.models import RankingEntry, RankingSnapshot

COUNTED = (SheetStatus.submitted, SheetStatus.locked)


@dataclass
class Line:
    """One entry of the snapshot with the chapter's decisions about it."""

    entry: RankingEntry
    stage1: float | None
    stage2: float | None
    final: float | None
    category_award: Award | None = None
    specials: list[Award] = field(default_factory=list)
    departs: bool = False

    @property
    def application(self) -> Application:
        return self.entry.application

    @property
    def awards(self) -> list[Award]:
        return ([self.category_award] if self.category_award else []) + self.specials


@dataclass
class CategoryBoard:
    category: Category
    ranked: list[Line] = field(default_factory=list)
    unranked: list[Line] = field(default_factory=list)
    withheld: WithheldAward | None = None

    @property
    def laureates(self) -> list[Line]:
        return [
            line
            for line in self.ranked
            if line.category_award and line.category_award.kind is AwardKind.laureate
        ]

    @property
    def decided(self) -> bool:
        """A laureate named, or the category's award withheld."""
        return self.withheld is not None or bool(self.laureates)

    @property
    def lines(self) -> list[Line]:
        return self.ranked + self.unranked


@dataclass
class ChapterState:
    edition: Edition
    snapshot: RankingSnapshot | None
    stale: bool = False
    corrections_waiting: int = 0
    history: list[RankingSnapshot] = field(default_factory=list)
    boards: list[CategoryBoard] = field(default_factory=list)
    review: list[Award] = field(default_factory=list)

    @property
    def undecided(self) -> list[Category]:
        return [b.category for b in self.boards if not b.decided]

    def needs_review(self, award: Award) -> bool:
        return award.needs_review(self.snapshot.id if self.snapshot else None)


def _scores(entry: RankingEntry, mode: ScoreMode) -> tuple:
    if mode is ScoreMode.raw:
        return entry.stage1_raw, entry.stage2_raw, entry.final_raw
    return entry.stage1_normalised, entry.stage2_normalised, entry.final_normalised


def chapter_state(edition: Edition, category: Category | None = None) -> ChapterState:
    """The current snapshot per category (or for one category) with each
    entry's awards, which decisions depart from the ranking, the withheld
    categories, and the awards decided on an earlier snapshot."""
    snapshot = ranking_snapshot.current(edition)
    state = ChapterState(edition=edition, snapshot=snapshot)
    categories = [category] if category is not None else list(edition.categories)
    state.boards = [CategoryBoard(category=c) for c in categories]
    if snapshot is None:
        return state
    state.stale = ranking_snapshot.is_stale(edition, snapshot)
    if state.stale:
        state.corrections_waiting = ranking_snapshot.open_corrections(edition)
    state.history = list(
        db.session.scalars(
            sa.select(RankingSnapshot)
            .where(RankingSnapshot.edition_id == edition.id)
            .options(joinedload(RankingSnapshot.taken_by))
            .order_by(RankingSnapshot.version.desc())
        )
    )
    query = (
        sa.select(RankingEntry)
        .where(RankingEntry.snapshot_id == snapshot.id)
        .options(selectinload(RankingEntry.application).joinedload(Application.office))
        .order_by(RankingEntry.position.is_(None), RankingEntry.position, RankingEntry.id)
    )
    if category is not None:
        query = query.where(RankingEntry.category_id == category.id)
    entries = db.session.scalars(query).all()
    awards = awards_of_edition(edition)
    withheld = {
        w.category_id: w
        for w in db.session.scalars(
            sa.select(WithheldAward).where(WithheldAward.edition_id == edition.id)
        )
    }
    by_application: dict[int, list[Award]] = defaultdict(list)
    for award in awards:
        by_application[award.application_id].append(award)
        if award.needs_review(snapshot.id) and (
            category is None or award.category_id == category.id
        ):
            state.review.append(award)
    boards = {b.category.id: b for b in state.boards}
    for entry in entries:
        board = boards.get(entry.category_id)
        if board is None:
            continue
        line = Line(entry, *_scores(entry, snapshot.score_mode))
        for award in by_application.get(entry.application_id, []):
            if award.is_category_award:
                line.category_award = award
            else:
                line.specials.append(award)
        (board.ranked if entry.position is not None else board.unranked).append(line)
    for board in state.boards:
        board.withheld = withheld.get(board.category.id)
        positions = {line.entry.application_id: line.entry.position for line in board.ranked}
        ranks = {
            line.entry.application_id: rules.rank_of(line.category_award.kind)
            for line in board.ranked
            if line.category_award
        }
        departing = rules.departing(positions, ranks)
        for line in board.ranked:
            line.departs = line.category_award is not None and (
                line.entry.application_id in departing
            )
    return state


# ---- one category in detail ---------------------------------------------------------


@dataclass
class SheetDetail:
    """One juror's counted sheet for an entry in one stage."""

    juror: str
    status: SheetStatus
    general_comment: str
    scores: dict[int, tuple[float | None, str, str]] = field(default_factory=dict)


@dataclass
class VisitLine:
    id: int
    channel: VisitChannel
    status: VisitStatus
    visited_at: dt.datetime | None


@dataclass
class Evidence:
    """Per entry: the sheets by stage, the mystery-shopper visits, the number of findings."""

    sheets: dict[int, list[SheetDetail]] = field(default_factory=lambda: {1: [], 2: []})
    visits: list[VisitLine] = field(default_factory=list)
    findings: int = 0


def criteria_by_stage(edition: Edition) -> dict[int, list[Criterion]]:
    criteria = db.session.scalars(
        sa.select(Criterion)
        .join(Area, Area.id == Criterion.area_id)
        .where(Area.edition_id == edition.id)
        .order_by(Area.position, Area.id, Criterion.position, Criterion.id)
    ).all()
    result: dict[int, list[Criterion]] = {1: [], 2: []}
    for criterion in criteria:
        result[criterion.stage].append(criterion)
    return result


def evidence(application_ids: list[int]) -> dict[int, Evidence]:
    """Counted sheets with their scores and comments, visits and finding
    counts of these entries (three queries)."""
    result = {app_id: Evidence() for app_id in application_ids}
    if not application_ids:
        return result
    rows = db.session.execute(
        sa.select(
            Assignment.application_id,
            ScoreSheet.stage,
            ScoreSheet.id,
            ScoreSheet.status,
            ScoreSheet.general_comment,
            User.full_name,
            Score.criterion_id,
            Score.value,
            Score.strengths,
            Score.improvements,
        )
        .select_from(ScoreSheet)
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(User, User.id == Assignment.juror_id)
        .outerjoin(Score, Score.sheet_id == ScoreSheet.id)
        .where(
            Assignment.application_id.in_(application_ids),
            ScoreSheet.status.in_(COUNTED),
        )
        .order_by(Assignment.application_id, ScoreSheet.stage, User.full_name, ScoreSheet.id)
    )
    sheets: dict[int, SheetDetail] = {}
    for app_id, stage, sheet_id, status, comment, juror, criterion_id, value, good, bad in rows:
        sheet = sheets.get(sheet_id)
        if sheet is None:
            sheet = sheets[sheet_id] = SheetDetail(juror, status, comment or "")
            result[app_id].sheets[stage].append(sheet)
        if criterion_id is not None:
            sheet.scores[criterion_id] = (value, good or "", bad or "")
    visits = db.session.execute(
        sa.select(
            MysteryVisit.application_id,
            MysteryVisit.id,
            MysteryVisit.channel,
            MysteryVisit.status,
            MysteryVisit.visited_at,
        )
        .where(MysteryVisit.application_id.in_(application_ids))
        .order_by(MysteryVisit.visited_at.is_(None), MysteryVisit.visited_at, MysteryVisit.id)
    )
    for app_id, *visit in visits:
        result[app_id].visits.append(VisitLine(*visit))
    findings = db.session.execute(
        sa.select(ExternalFinding.application_id, sa.func.count(ExternalFinding.id))
        .where(ExternalFinding.application_id.in_(application_ids))
        .group_by(ExternalFinding.application_id)
    )
    for app_id, count in findings:
        result[app_id].findings = count
    return result
