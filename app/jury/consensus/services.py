"""The rules of consensus review, as plain functions (flush, audit, never commit).

- A review opens for an entry in a stage with consensus on once every
  assignment of that entry in that stage has a submitted (or locked) sheet
  (`open_if_ready`, called after a sheet is submitted; `open_ready` for a whole
  stage, run when the organizer looks at the reviews).
- Its lead is by default the eligible juror (sheet in, no conflict) who leads
  the fewest reviews of the edition so far; an organizer may name another.
- The lead saves drafts; each save is a new version, with a score for every
  criterion (range, step and comment rule as on a sheet) and, in stage 1, the
  agreed site-visit issues. Answers belong to a version, so a new version
  starts them afresh.
- The other jurors agree or object (an objection needs a comment). The review
  is final once every other juror agrees with the latest version, or closed by
  an organizer with a reason.
- An objection older than CONSENSUS_STUCK_DAYS (default 3) on the latest
  version of an open review makes it stuck.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload, with_expression

from app.audit import services as audit
from app.editions.models import Area, Criterion, Edition
from app.errors import LaurelError
from app.extensions import db
from app.jury import sheets
from app.jury.consensus.models import (
    Consensus,
    ConsensusIssue,
    ConsensusResponse,
    ConsensusScore,
    ConsensusStatus,
    ConsensusVersion,
    ResponseDecision,
)
from app.jury.models import Assignment, ScoreSheet, SheetStatus
from app.offices.models import Application, ApplicationStatus
from app.timeutil import utcnow

DONE = (SheetStatus.submitted, SheetStatus.locked)
DEFAULT_STUCK_DAYS = 3


def stuck_days() -> int:
    try:
        return int(current_app.config.get("CONSENSUS_STUCK_DAYS", DEFAULT_STUCK_DAYS))
    except (TypeError, ValueError):
        return DEFAULT_STUCK_DAYS


# ---- opening ---------------------------------------------------------------------


def _with_team():
    """Loader options: the review's entry (office, category, edition), lead and
    closer in the first query; its assignments with their sheets, scores and
    site-visit issues, whether each juror may work on the entry; the versions
    with their scores, issues, answers and authors. A fixed number of queries
    whatever the number of jurors and versions."""
    application = joinedload(Consensus.application)
    return (
        application.joinedload(Application.edition),
        application.joinedload(Application.office),
        application.joinedload(Application.category),
        joinedload(Consensus.lead),
        joinedload(Consensus.closed_by),
        selectinload(Consensus.assignments).options(
            selectinload(Assignment.sheet).options(
                selectinload(ScoreSheet.scores), selectinload(ScoreSheet.site_visit_issues)
            ),
            selectinload(Assignment.juror),
            with_expression(Assignment.may_work, Assignment.may_work_expression()),
        ),
        selectinload(Consensus.versions).options(
            selectinload(ConsensusVersion.scores),
            selectinload(ConsensusVersion.issues),
            selectinload(ConsensusVersion.responses).joinedload(ConsensusResponse.juror),
            joinedload(ConsensusVersion.author),
        ),
    )


def _lead_counts(edition_id: int) -> Counter:
    rows = db.session.execute(
        sa.select(Consensus.lead_id, sa.func.count(Consensus.id))
        .join(Application, Application.id == Consensus.application_id)
        .where(Application.edition_id == edition_id, Consensus.lead_id.is_not(None))
        .group_by(Consensus.lead_id)
    )
    return Counter(dict(rows.all()))


def default_lead(candidates: list[Assignment], counts: Counter) -> Assignment | None:
    """The candidate who leads the fewest reviews so far (then the earliest
    assignment): leads spread evenly over the jury."""
    if not candidates:
        return None
    return min(candidates, key=lambda a: (counts[a.juror_id], a.id))


def _ready_applications(edition: Edition, stage: int, application_id: int | None = None):
    """Entries of the stage with at least one assignment, all of them with a
    submitted or locked sheet, and no review yet (one query)."""
    missing = (
        sa.select(Assignment.id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Assignment.application_id == Application.id,
            Assignment.stage == stage,
            sa.or_(ScoreSheet.id.is_(None), ScoreSheet.status == SheetStatus.draft),
        )
        .correlate(Application)
        .exists()
    )
    any_assignment = (
        sa.select(Assignment.id)
        .where(Assignment.application_id == Application.id, Assignment.stage == stage)
        .correlate(Application)
        .exists()
    )
    existing = (
        sa.select(Consensus.id)
        .where(Consensus.application_id == Application.id, Consensus.stage == stage)
        .correlate(Application)
        .exists()
    )
    query = sa.select(Application.id).where(
        Application.edition_id == edition.id,
        Application.status != ApplicationStatus.draft,
        any_assignment,
        ~missing,
        ~existing,
    )
    if application_id is not None:
        query = query.where(Application.id == application_id)
    return list(db.session.scalars(query.order_by(Application.id)))


def _open(application_id: int, stage: int, *, edition: Edition, counts: Counter, actor):
    consensus = Consensus(application_id=application_id, stage=stage, opened_at=utcnow())
    db.session.add(consensus)
    db.session.flush()
    consensus = db.session.scalar(
        sa.select(Consensus)
        .where(Consensus.id == consensus.id)
        .options(*_with_team())
        .execution_options(populate_existing=True)
    )
    lead = default_lead(consensus.eligible_leads(), counts)
    if lead is not None:
        consensus.lead_id = lead.juror_id
        counts[lead.juror_id] += 1
    db.session.flush()
    audit.record(
        "consensus.opened",
        actor=actor,
        obj=consensus,
        edition_id=edition.id,
        after={"application_id": application_id, "stage": stage, "lead_id": consensus.lead_id},
    )
    return consensus


def open_if_ready(assignment: Assignment, *, actor=None) -> Consensus | None:
    """After a sheet is submitted: open the entry's review when consensus is on
    for the stage and this was the last sheet missing."""
    edition = assignment.application.edition
    if not edition.has_consensus(assignment.stage):
        return None
    ready = _ready_applications(edition, assignment.stage, assignment.application_id)
    if not ready:
        return None
    return _open(
        ready[0],
        assignment.stage,
        edition=edition,
        counts=_lead_counts(edition.id),
        actor=actor,
    )


def open_ready(edition: Edition, stage: int, *, actor=None) -> int:
    """Open every review of the stage whose sheets are all in (sheets submitted
    before consensus was switched on, or typed in by an organizer); returns how
    many were opened."""
    if not edition.has_consensus(stage):
        return 0
    ready = _ready_applications(edition, stage)
    counts = _lead_counts(edition.id)
    for application_id in ready:
        _open(application_id, stage, edition=edition, counts=counts, actor=actor)
    return len(ready)


def load(consensus_id: int) -> Consensus | None:
    """A review with its team, sheets and versions (a fixed number of queries)."""
    return db.session.scalar(
        sa.select(Consensus)
        .where(Consensus.id == consensus_id)
        .options(*_with_team())
        .execution_options(populate_existing=True)
    )


# ---- the lead ----------------------------------------------------------------------


def set_lead(consensus: Consensus, juror_id: int, *, actor) -> None:
    """An organizer names the lead: a juror of the entry with a sheet in and no
    conflict with the office."""
    if not consensus.can_manage(actor):
        raise LaurelError(_("Only an open consensus review can get a new lead."))
    eligible = {a.juror_id for a in consensus.eligible_leads()}
    if juror_id not in eligible:
        raise LaurelError(
            _(
                "The lead must be a juror of this entry who submitted a sheet and has no "
                "conflict of interest with the office."
            )
        )
    before = consensus.lead_id
    if before == juror_id:
        return
    consensus.lead_id = juror_id
    db.session.flush()
    audit.record(
        "consensus.lead_set",
        actor=actor,
        obj=consensus,
        edition_id=consensus.application.edition_id,
        before={"lead_id": before},
        after={"lead_id": juror_id},
    )


# ---- drafts ------------------------------------------------------------------------


@dataclass
class DraftInput:
    """What the lead's form sends: typed scores per criterion (as on a sheet),
    the agreed site-visit issues (stage 1), a note, and the number of the
    version the form was built from (0: none yet)."""

    based_on: int = 0
    note: str = ""
    scores: dict[int, sheets.ScoreInput] = field(default_factory=dict)
    issues: list[str] = field(default_factory=list)


class DraftConflict(LaurelError):
    """Another version was saved after this form was opened."""


def stage_criteria(edition_id: int, stage: int) -> list[Criterion]:
    return list(
        db.session.scalars(
            sa.select(Criterion)
            .join(Area, Area.id == Criterion.area_id)
            .where(Area.edition_id == edition_id, Criterion.stage == stage)
            .order_by(Area.position, Area.id, Criterion.position, Criterion.id)
        )
    )


def save_draft(consensus: Consensus, *, actor, data: DraftInput) -> ConsensusVersion:
    """The lead saves a new version: every criterion of the stage scored within
    its range and step, with the comments its rule asks for (all or nothing,
    sheets.SheetProblems). The answers to earlier versions stay with them; the
    review becomes final at once when the entry has no other juror."""
    if not consensus.can_draft(actor):
        raise LaurelError(_("This consensus cannot be drafted now."))
    latest = consensus.latest
    if data.based_on != (latest.number if latest else 0):
        raise DraftConflict(
            _(
                "A newer version of the consensus was saved after you opened this page. "
                "Nothing was saved: read it, then draft again."
            )
        )
    criteria = stage_criteria(consensus.application.edition_id, consensus.stage)
    errors: dict[str, str] = {}
    parsed = {}
    for criterion in criteria:
        typed = data.scores.get(criterion.id, sheets.ScoreInput())
        strengths = sheets._clean_text(typed.strengths)
        improvements = sheets._clean_text(typed.improvements)
        try:
            value = sheets.parse_value(typed.value, criterion)
        except ValueError as exc:
            errors[f"value-{criterion.id}"] = str(exc)
            continue
        if value is None:
            errors[f"value-{criterion.id}"] = _("Give a score.")
            continue
        for key, text in (("strengths", strengths), ("improvements", improvements)):
            if len(text) > sheets.TEXT_LIMIT:
                errors[f"{key}-{criterion.id}"] = ngettext(
                    "Shorten this text to %(num)s character.",
                    "Shorten this text to %(num)s characters.",
                    sheets.TEXT_LIMIT,
                )
        problem = sheets._comment_error(criterion, value, strengths, improvements)
        if problem:
            errors[problem[0]] = problem[1]
        parsed[criterion.id] = (criterion, value, strengths, improvements)
    if set(data.scores) - {c.id for c in criteria}:
        errors["form"] = _("The sheet names a criterion that is not scored in this stage.")
    issues = []
    if consensus.stage == 1:
        issues = list(dict.fromkeys(t for t in map(sheets._clean_text, data.issues) if t))
        if len(issues) > sheets.MAX_ISSUES or any(len(t) > sheets.TEXT_LIMIT for t in issues):
            errors["issues"] = _(
                "Give at most %(n)s site-visit issues, each shorter than %(limit)s characters.",
                n=sheets.MAX_ISSUES,
                limit=sheets.TEXT_LIMIT,
            )
    note = sheets._clean_text(data.note)
    if len(note) > sheets.TEXT_LIMIT:
        errors["note"] = ngettext(
            "Shorten this text to %(num)s character.",
            "Shorten this text to %(num)s characters.",
            sheets.TEXT_LIMIT,
        )
    if errors:
        raise sheets.SheetProblems(
            _("Nothing was saved: correct the marked fields and save again."), errors
        )
    version = ConsensusVersion(
        stage=consensus.stage,
        number=(latest.number if latest else 0) + 1,
        author_id=actor.id,
        created_at=utcnow(),
        note=note,
    )
    for criterion, value, strengths, improvements in parsed.values():
        version.scores.append(
            ConsensusScore(
                criterion_id=criterion.id,
                stage=criterion.stage,
                max_score=criterion.max_score,
                step=criterion.step,
                value=value,
                strengths=strengths,
                improvements=improvements,
            )
        )
    version.issues = [ConsensusIssue(position=i, text=t) for i, t in enumerate(issues)]
    consensus.versions.append(version)
    db.session.flush()
    audit.record(
        "consensus.version",
        actor=actor,
        obj=consensus,
        edition_id=consensus.application.edition_id,
        after={
            "number": version.number,
            "values": {str(c): v for c, (_c, v, _s, _i) in parsed.items()},
            "issues": issues,
            "note": note,
        },
    )
    _finalise_if_agreed(consensus, actor=actor)
    return version


# ---- answers -----------------------------------------------------------------------


def respond(consensus: Consensus, *, actor, agree: bool, comment: str = "") -> ConsensusResponse:
    """Another juror of the entry agrees with the latest version or objects to
    it (an objection needs a comment). Answering again replaces the juror's
    answer to the same version; both are audited."""
    if not consensus.can_respond(actor):
        raise LaurelError(_("You cannot answer this consensus draft now."))
    comment = sheets._clean_text(comment)
    if not agree and not comment:
        raise LaurelError(_("Say why you object: the lead needs it to revise the draft."))
    if len(comment) > sheets.TEXT_LIMIT:
        raise LaurelError(
            ngettext(
                "Shorten this text to %(num)s character.",
                "Shorten this text to %(num)s characters.",
                sheets.TEXT_LIMIT,
            )
        )
    version = consensus.latest
    response = version.response_of(actor.id)
    before = {"decision": response.decision, "comment": response.comment} if response else None
    if response is None:
        response = ConsensusResponse(juror_id=actor.id)
        version.responses.append(response)
    response.decision = ResponseDecision.agree if agree else ResponseDecision.object
    response.comment = comment
    response.created_at = utcnow()
    db.session.flush()
    audit.record(
        "consensus.response",
        actor=actor,
        obj=consensus,
        edition_id=consensus.application.edition_id,
        before=before,
        after={"version": version.number, "decision": response.decision, "comment": comment},
    )
    _finalise_if_agreed(consensus, actor=actor)
    return response


def agreed_by_all(consensus: Consensus) -> bool:
    """Every other juror of the entry agrees with the latest version."""
    version = consensus.latest
    if version is None:
        return False
    agreed = {r.juror_id for r in version.responses if r.decision is ResponseDecision.agree}
    return all(a.juror_id in agreed for a in consensus.others())


def _finalise_if_agreed(consensus: Consensus, *, actor) -> None:
    if consensus.status is not ConsensusStatus.open or not agreed_by_all(consensus):
        return
    consensus.status = ConsensusStatus.final
    consensus.finalised_at = utcnow()
    db.session.flush()
    audit.record(
        "consensus.final",
        actor=actor,
        obj=consensus,
        edition_id=consensus.application.edition_id,
        after={"version": consensus.latest.number},
    )


def close(consensus: Consensus, *, actor, reason: str) -> None:
    """An organizer ends an open review with a reason (e.g. an objection that
    will not be resolved): its latest version, if any, then counts as the
    consensus; without one the entry keeps the mean of its sheets."""
    reason = sheets._clean_text(reason)
    if not reason:
        raise LaurelError(_("Give the reason for closing the consensus review."))
    if not consensus.can_manage(actor):
        raise LaurelError(_("Only an open consensus review can be closed."))
    consensus.status = ConsensusStatus.closed
    consensus.finalised_at = utcnow()
    consensus.closed_by_id = actor.id
    consensus.close_reason = reason[: sheets.TEXT_LIMIT]
    db.session.flush()
    latest = consensus.latest
    audit.record(
        "consensus.closed",
        actor=actor,
        obj=consensus,
        edition_id=consensus.application.edition_id,
        after={"reason": consensus.close_reason, "version": latest.number if latest else None},
    )


# ---- reading -----------------------------------------------------------------------


def is_stuck(consensus: Consensus, *, now: dt.datetime | None = None) -> bool:
    """An open review whose latest version has an objection older than
    CONSENSUS_STUCK_DAYS."""
    if consensus.status is not ConsensusStatus.open or consensus.latest is None:
        return False
    limit = (now or utcnow()) - dt.timedelta(days=stuck_days())
    return any(
        r.decision is ResponseDecision.object and r.created_at <= limit
        for r in consensus.latest.responses
    )


@dataclass
class JurorScore:
    juror_name: str
    value: float | None
    strengths: str
    improvements: str


@dataclass
class CriterionRow:
    """One criterion on the lead's page: every juror's score side by side."""

    criterion: Criterion
    scores: list[JurorScore]
    spread: float | None  # highest minus lowest score
    mean: float | None
    suggested: float | None  # the mean rounded to the criterion's step

    @property
    def spread_share(self) -> float:
        """The spread as a share of the criterion's range, to compare criteria
        scored out of 5 with those out of 20."""
        return (self.spread or 0) / self.criterion.max_score


def round_to_step(value: float, criterion: Criterion) -> float:
    step = float(criterion.step)
    # Half up (never banker's rounding): 6.5 on a whole-point scale is 7.
    return min(float(criterion.max_score), math.floor(value / step + 0.5) * step)


def side_by_side(consensus: Consensus, criteria: list[Criterion]) -> list[CriterionRow]:
    """Per criterion, each juror's submitted score with their strengths and
    areas for improvement, the spread and the mean; the criteria on which the
    jurors disagree most (largest spread relative to the range) first.
    Uses what `load` loaded: no query of its own."""
    done = [a for a in consensus.assignments if a.sheet is not None and a.sheet.status in DONE]
    done.sort(key=lambda a: a.juror.full_name)
    by_sheet = {a.id: {s.criterion_id: s for s in a.sheet.scores} for a in done}
    rows = []
    for criterion in criteria:
        scores = []
        for a in done:
            s = by_sheet[a.id].get(criterion.id)
            scores.append(
                JurorScore(
                    a.juror.full_name,
                    s.value if s is not None else None,
                    s.strengths if s is not None else "",
                    s.improvements if s is not None else "",
                )
            )
        values = [s.value for s in scores if s.value is not None]
        mean = math.fsum(values) / len(values) if values else None
        rows.append(
            CriterionRow(
                criterion=criterion,
                scores=scores,
                spread=(max(values) - min(values)) if values else None,
                mean=mean,
                suggested=round_to_step(mean, criterion) if mean is not None else None,
            )
        )
    order = {c.id: i for i, c in enumerate(criteria)}
    rows.sort(key=lambda r: (-r.spread_share, order[r.criterion.id]))
    return rows


def draft_prefill(consensus: Consensus, rows: list[CriterionRow]) -> dict[str, str]:
    """The draft form's fields: the latest version as saved, else each
    criterion's rounded mean with empty comments."""
    latest = consensus.latest
    typed: dict[str, str] = {}
    if latest is not None:
        for s in latest.scores:
            typed[f"value-{s.criterion_id}"] = sheets.format_number(s.value)
            typed[f"strengths-{s.criterion_id}"] = s.strengths
            typed[f"improvements-{s.criterion_id}"] = s.improvements
        for i, issue in enumerate(latest.issues):
            typed[f"issue-{i}"] = issue.text
        return typed
    for row in rows:
        typed[f"value-{row.criterion.id}"] = sheets.format_number(row.suggested)
    # Stage 1: every juror's site-visit issues, to keep or drop.
    if consensus.stage == 1:
        texts = [
            issue.text
            for a in consensus.assignments
            if a.sheet is not None and a.sheet.status in DONE
            for issue in a.sheet.site_visit_issues
        ]
        for i, text in enumerate(dict.fromkeys(texts)):
            typed[f"issue-{i}"] = text
    return typed


def version_score(version: ConsensusVersion, criteria: list[Criterion]) -> float | None:
    """The version's sheet score: percent of attainable points (numbers.sheet_score)."""
    from app.results.numbers import sheet_score

    weights = {c.id: float(c.weight) for c in criteria}
    points = math.fsum(weights.get(s.criterion_id, 0) * s.value for s in version.scores)
    attainable = math.fsum(weights.get(s.criterion_id, 0) * s.max_score for s in version.scores)
    return sheet_score(points, attainable)
