"""The organizer's next step on an edition's dashboard ("4 submitted entries,
0 assignments: next, assign jurors").

`next_step(facts)` is the rule: a plain function of plain numbers, so each
case is tested without a database. `edition_facts(edition, board)` reads
those numbers, mostly from the dashboard's own figures (two more counts, and
the chapter's open decisions while it deliberates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.editions.models import Area, Criterion, Edition, EditionStatus
from app.extensions import db
from app.jury.models import JuryMembership, MembershipStatus
from app.offices.models import ApplicationStatus
from app.timeutil import utcnow


@dataclass(frozen=True)
class EditionFacts:
    """What the rule looks at. Counts of applications are by status; sheets
    and assignments are per stage (1 and 2)."""

    edition_id: int
    status: EditionStatus
    categories: int = 0
    criteria: int = 0
    closes_at: dt.datetime | None = None  # naive UTC
    opens_at: dt.datetime | None = None
    drafts: int = 0
    submitted: int = 0  # every entry past its draft: what stage 1 scores
    qualified: int = 0  # what stage 2 scores
    jurors: int = 0  # accepted
    assignments: dict[int, int] = field(default_factory=dict)
    sheets_in: dict[int, int] = field(default_factory=dict)  # submitted or locked
    overdue_jurors: dict[int, int] = field(default_factory=dict)  # late jurors per stage
    chapter_open_items: int = 0  # publishing blockers while the chapter deliberates
    now: dt.datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class NextStep:
    """One sentence on where the edition stands, and the page that moves it on."""

    key: str  # stable, for tests and styling
    text: str
    action: str  # the link's text
    endpoint: str
    args: dict = field(default_factory=dict)


def _step(key, text, action, endpoint, facts, **args) -> NextStep:
    return NextStep(key, text, action, endpoint, {"edition_id": facts.edition_id, **args})


def _scoring(facts: EditionFacts, stage: int, entries: int) -> NextStep:
    """Stage 1 or 2 running: entries to assign, jurors to chase, or the stage to close."""
    assigned = facts.assignments.get(stage, 0)
    done = facts.sheets_in.get(stage, 0)
    if entries and not facts.jurors:
        return _step(
            "invite_jurors",
            ngettext(
                "%(num)s entry to score and no juror has accepted an invitation yet.",
                "%(num)s entries to score and no juror has accepted an invitation yet.",
                entries,
            ),
            _("Next: invite jurors"),
            "jury.jurors",
            facts,
        )
    if entries and not assigned:
        return _step(
            f"assign_stage{stage}",
            ngettext(
                "%(num)s entry to score in stage %(stage)s, 0 assignments.",
                "%(num)s entries to score in stage %(stage)s, 0 assignments.",
                entries,
                stage=stage,
            ),
            _("Next: assign jurors"),
            "jury.assignments",
            facts,
            stage=stage,
        )
    late = facts.overdue_jurors.get(stage, 0)
    if late:
        return _step(
            f"remind_stage{stage}",
            ngettext(
                "%(num)s juror is late with their score sheets.",
                "%(num)s jurors are late with their score sheets.",
                late,
            ),
            _("Next: remind the late jurors"),
            "sheets.overview",
            facts,
            stage=stage,
        )
    if done < assigned:
        return _step(
            f"scoring_stage{stage}",
            _(
                "Stage %(stage)s scoring: %(done)s of %(total)s score sheets submitted.",
                stage=stage,
                done=done,
                total=assigned,
            ),
            _("Next: follow the score sheets"),
            "sheets.overview",
            facts,
            stage=stage,
        )
    if stage == 1:
        return _step(
            "qualify",
            _("Every stage-1 score sheet is in: stage 1 can close."),
            _("Next: confirm the stage-2 qualification list"),
            "results.qualification_page",
            facts,
        )
    return _step(
        "close_stage2",
        _("Every stage-2 score sheet is in: stage 2 can close and the ranking be frozen."),
        _("Next: close stage 2"),
        "editions.phases",
        facts,
    )


def next_step(facts: EditionFacts) -> NextStep | None:
    """The one thing the organizer should do next on this edition, by its
    phase and figures; None once the edition is archived."""
    status = facts.status
    if status is EditionStatus.draft:
        if not facts.categories:
            return _step(
                "add_category",
                _("The edition has no category yet."),
                _("Next: add a category"),
                "editions.categories",
                facts,
            )
        if not facts.criteria:
            return _step(
                "add_criteria",
                _("The edition has no criteria yet."),
                _("Next: add criteria"),
                "editions.criteria",
                facts,
            )
        if facts.closes_at is None:
            return _step(
                "set_dates",
                _("The date when applications close is not set."),
                _("Next: set the dates"),
                "editions.edit",
                facts,
            )
        return _step(
            "open_applications",
            _("The edition is ready."),
            _("Next: open applications"),
            "editions.phases",
            facts,
        )
    if status is EditionStatus.applications_open:
        if facts.opens_at is not None and facts.now < facts.opens_at:
            return _step(
                "opens_later",
                _("Applications have not opened yet."),
                _("Meanwhile: invite jurors"),
                "jury.jurors",
                facts,
            )
        closed = facts.closes_at is not None and facts.now >= facts.closes_at
        if closed:
            if not facts.submitted:
                return _step(
                    "closed_empty",
                    _("Applications have closed and no entry was submitted."),
                    _("Next: extend the application deadline"),
                    "editions.edit",
                    facts,
                )
            return _step(
                "start_stage1",
                ngettext(
                    "Applications have closed with %(num)s submitted entry.",
                    "Applications have closed with %(num)s submitted entries.",
                    facts.submitted,
                ),
                _("Next: start stage 1"),
                "editions.phases",
                facts,
            )
        if not facts.submitted:
            return _step(
                "no_submissions",
                ngettext(
                    "Applications are open; none submitted yet (%(num)s draft).",
                    "Applications are open; none submitted yet (%(num)s drafts).",
                    facts.drafts,
                ),
                _("Next: invite offices to apply"),
                "office_admin.index",
                facts,
            )
        if not facts.jurors:
            return _step(
                "invite_jurors",
                ngettext(
                    "%(num)s submitted entry and no juror has accepted an invitation yet.",
                    "%(num)s submitted entries and no juror has accepted an invitation yet.",
                    facts.submitted,
                ),
                _("Next: invite jurors"),
                "jury.jurors",
                facts,
            )
        return _step(
            "collecting",
            ngettext(
                "%(num)s submitted entry so far; applications are still open.",
                "%(num)s submitted entries so far; applications are still open.",
                facts.submitted,
            ),
            _("Meanwhile: read the applications"),
            "offices.edition_applications",
            facts,
        )
    if status is EditionStatus.stage1:
        return _scoring(facts, 1, facts.submitted)
    if status is EditionStatus.stage2:
        return _scoring(facts, 2, facts.qualified)
    if status is EditionStatus.chapter:
        if facts.chapter_open_items:
            return _step(
                "chapter",
                _("The chapter is deliberating: some categories or awards are still to decide."),
                _("Next: record the chapter's decisions"),
                "awards.overview",
                facts,
            )
        return _step(
            "publish",
            _("The chapter has decided every category."),
            _("Next: publish the results"),
            "editions.phases",
            facts,
        )
    if status is EditionStatus.results_published:
        return _step(
            "archive",
            _("The results are published."),
            _("After the gala: archive the edition"),
            "editions.phases",
            facts,
        )
    return None


def edition_facts(edition: Edition, board) -> EditionFacts:
    """The rule's numbers for an edition, from its dashboard figures (`board`,
    editions.dashboard.dashboard) and two counts; while the chapter
    deliberates, also what still blocks publishing."""
    criteria = db.session.scalar(
        sa.select(sa.func.count(Criterion.id))
        .join(Area, Criterion.area_id == Area.id)
        .where(Area.edition_id == edition.id)
    )
    jurors = db.session.scalar(
        sa.select(sa.func.count(JuryMembership.id)).where(
            JuryMembership.edition_id == edition.id,
            JuryMembership.status == MembershipStatus.accepted,
        )
    )
    chapter_open_items = 0
    if edition.status is EditionStatus.chapter:
        from app.editions.phases import check_next_phase

        chapter_open_items = len(check_next_phase(edition).blockers)
    by_status = board.by_status
    return EditionFacts(
        edition_id=edition.id,
        status=edition.status,
        categories=len(board.by_category),
        criteria=criteria or 0,
        closes_at=edition.applications_close_at,
        opens_at=edition.applications_open_at,
        drafts=by_status.get(ApplicationStatus.draft, 0),
        submitted=board.total - by_status.get(ApplicationStatus.draft, 0),
        qualified=by_status.get(ApplicationStatus.qualified, 0),
        jurors=jurors or 0,
        assignments={s.stage: s.assignments for s in board.stages},
        sheets_in={s.stage: s.submitted for s in board.stages},
        overdue_jurors={
            stage: len({o.juror_id for o in board.overdue if o.stage == stage}) for stage in (1, 2)
        },
        chapter_open_items=chapter_open_items,
    )
