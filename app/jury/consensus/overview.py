"""What the overview pages read: the organizer's list of an edition's reviews
by status, and each juror's consensus progress beside their sheets. Each read
is a fixed number of queries, whatever the edition's size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.editions.models import Category, Edition
from app.extensions import db
from app.jury.consensus.models import (
    Consensus,
    ConsensusResponse,
    ConsensusStatus,
    ConsensusVersion,
    ResponseDecision,
)
from app.jury.consensus.services import DONE, stuck_days
from app.jury.models import Assignment, ScoreSheet
from app.offices.models import Application, ApplicationStatus, Office
from app.timeutil import utcnow

# The organizer's filters, in the order the page lists them.
STATES = ("waiting", "open", "stuck", "final", "closed")
PER_PAGE = 50


@dataclass
class Candidate:
    juror_id: int
    name: str


@dataclass
class ReviewRow:
    application_id: int
    office: str
    category: str
    state: str  # one of STATES
    sheets_in: int
    sheets: int
    consensus_id: int | None = None
    lead: str | None = None
    lead_id: int | None = None
    versions: int = 0
    agreed: int = 0
    objected: int = 0
    oldest_objection: dt.datetime | None = None
    close_reason: str = ""
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class ReviewsPage:
    rows: list[ReviewRow]
    counts: dict[str, int]
    state: str
    page: int

    @property
    def pages(self) -> int:
        total = self.counts[self.state] if self.state else sum(self.counts.values())
        return max(1, -(-total // PER_PAGE))


def _latest_numbers():
    return (
        sa.select(
            ConsensusVersion.consensus_id.label("consensus_id"),
            sa.func.max(ConsensusVersion.number).label("number"),
        )
        .group_by(ConsensusVersion.consensus_id)
        .subquery()
    )


def edition_reviews(
    edition: Edition, stage: int, *, state: str = "", page: int = 1, now=None
) -> ReviewsPage:
    """Every entry of the stage with jurors assigned, with its review's state:
    waiting for sheets, open, stuck (an objection to the latest version older
    than CONSENSUS_STUCK_DAYS), final or closed. Five queries."""
    now = now or utcnow()
    done = sa.func.sum(sa.case((ScoreSheet.status.in_(DONE), 1), else_=0))
    entries = db.session.execute(
        sa.select(
            Application.id,
            Office.name,
            Category.name,
            sa.func.count(Assignment.id),
            done,
        )
        .join(Office, Office.id == Application.office_id)
        .join(Category, Category.id == Application.category_id)
        .join(Assignment, sa.and_(Assignment.application_id == Application.id))
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == edition.id,
            Application.status != ApplicationStatus.draft,
            Assignment.stage == stage,
        )
        .group_by(Application.id, Office.name, Category.name, Category.position)
        .order_by(Category.position, Office.name, Application.id)
    ).all()
    lead = aliased(User)
    latest = _latest_numbers()
    reviews = {
        row[1]: row
        for row in db.session.execute(
            sa.select(
                Consensus.id,
                Consensus.application_id,
                Consensus.status,
                Consensus.lead_id,
                lead.full_name,
                sa.func.coalesce(latest.c.number, 0),
                Consensus.close_reason,
            )
            .join(Application, Application.id == Consensus.application_id)
            .outerjoin(lead, lead.id == Consensus.lead_id)
            .outerjoin(latest, latest.c.consensus_id == Consensus.id)
            .where(Application.edition_id == edition.id, Consensus.stage == stage)
        )
    }
    answers: dict[int, dict] = defaultdict(dict)
    for consensus_id, decision, n, oldest in db.session.execute(
        sa.select(
            ConsensusVersion.consensus_id,
            ConsensusResponse.decision,
            sa.func.count(ConsensusResponse.id),
            sa.func.min(ConsensusResponse.created_at),
        )
        .join(ConsensusVersion, ConsensusVersion.id == ConsensusResponse.version_id)
        .join(
            latest,
            sa.and_(
                latest.c.consensus_id == ConsensusVersion.consensus_id,
                latest.c.number == ConsensusVersion.number,
            ),
        )
        .join(Consensus, Consensus.id == ConsensusVersion.consensus_id)
        .join(Application, Application.id == Consensus.application_id)
        .where(Application.edition_id == edition.id, Consensus.stage == stage)
        .group_by(ConsensusVersion.consensus_id, ConsensusResponse.decision)
    ):
        answers[consensus_id][decision] = (n, oldest)
    candidates: dict[int, list[Candidate]] = defaultdict(list)
    for application_id, juror_id, name in db.session.execute(
        sa.select(Assignment.application_id, Assignment.juror_id, User.full_name)
        .join(User, User.id == Assignment.juror_id)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.edition_id == edition.id,
            Assignment.stage == stage,
            ScoreSheet.status.in_(DONE),
            Assignment.may_work_expression(),
        )
        .order_by(User.full_name)
    ):
        candidates[application_id].append(Candidate(juror_id, name))

    limit = now - dt.timedelta(days=stuck_days())
    rows: list[ReviewRow] = []
    for application_id, office, category, count, n_done in entries:
        row = ReviewRow(application_id, office, category, "waiting", int(n_done or 0), count)
        review = reviews.get(application_id)
        if review is not None:
            cid, status, lead_id, lead_name, number, reason = (
                review[0],
                review[2],
                review[3],
                review[4],
                review[5],
                review[6],
            )
            agreed = answers[cid].get(ResponseDecision.agree, (0, None))[0]
            objected, oldest = answers[cid].get(ResponseDecision.object, (0, None))
            row.consensus_id, row.lead_id, row.lead = cid, lead_id, lead_name
            row.versions, row.agreed, row.objected = int(number), agreed, objected
            row.oldest_objection, row.close_reason = oldest, reason
            row.candidates = candidates.get(application_id, [])
            if status is ConsensusStatus.open:
                row.state = "stuck" if oldest is not None and oldest <= limit else "open"
            else:
                row.state = status.value
        rows.append(row)
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    if state:
        rows = [r for r in rows if r.state == state]
    page = max(page, 1)
    return ReviewsPage(
        rows=rows[(page - 1) * PER_PAGE : page * PER_PAGE], counts=counts, state=state, page=page
    )


@dataclass
class Progress:
    """A juror's part in one entry's review."""

    consensus_id: int
    status: ConsensusStatus
    is_lead: bool
    versions: int
    my_answer: ResponseDecision | None  # to the latest version

    @property
    def todo(self) -> str:
        """ "draft" (the lead has to write or revise), "answer" (this juror has
        to answer the latest version), "wait" or "done"."""
        if self.status is not ConsensusStatus.open:
            return "done"
        if self.is_lead:
            return "draft" if self.versions == 0 else "wait"
        if self.versions == 0:
            return "wait"
        return "answer" if self.my_answer is None else "wait"


def progress_for(juror: User, stage: int, application_ids: list[int]) -> dict[int, Progress]:
    """Entry -> the juror's part in its review, for the entries of one page of
    "My entries" (one query)."""
    if not application_ids:
        return {}
    latest = _latest_numbers()
    mine = aliased(ConsensusResponse)
    latest_version = aliased(ConsensusVersion)
    rows = db.session.execute(
        sa.select(
            Consensus.application_id,
            Consensus.id,
            Consensus.status,
            Consensus.lead_id,
            sa.func.coalesce(latest.c.number, 0),
            mine.decision,
        )
        .outerjoin(latest, latest.c.consensus_id == Consensus.id)
        .outerjoin(
            latest_version,
            sa.and_(
                latest_version.consensus_id == Consensus.id,
                latest_version.number == latest.c.number,
            ),
        )
        .outerjoin(mine, sa.and_(mine.version_id == latest_version.id, mine.juror_id == juror.id))
        .where(Consensus.stage == stage, Consensus.application_id.in_(application_ids))
    )
    return {
        app_id: Progress(cid, status, lead_id == juror.id, int(n), decision)
        for app_id, cid, status, lead_id, n, decision in rows
    }
