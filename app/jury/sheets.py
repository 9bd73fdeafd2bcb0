"""Score sheets: what a juror (or an organizer typing a paper sheet) may write,
how a typed value is read, when a sheet is complete, submitting and reopening.

A sheet is written in two steps. `save_sheet` stores a draft: every value must
be a number in the criterion's range and step (or empty), otherwise nothing is
written. `submit_sheet` then checks completeness: every criterion scored and
every comment the criterion's rule asks for. Both flush and audit; neither
commits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.editions.models import Area, Criterion
from app.errors import LaurelError
from app.extensions import db
from app.inputs import control_characters
from app.jury.models import (
    Assignment,
    IssueCheck,
    Score,
    ScoreSheet,
    SheetStatus,
    SiteVisitIssue,
)
from app.mail import send_mail
from app.queries import prebuilt
from app.timeutil import utcnow

TEXT_LIMIT = 5000  # characters in one comment field
MAX_ISSUES = 20  # site-visit issues on one stage-1 sheet


# ---- input ------------------------------------------------------------------


@dataclass
class ScoreInput:
    """What was typed for one criterion (the value as text, as typed)."""

    value: str = ""
    strengths: str = ""
    improvements: str = ""


@dataclass
class SheetInput:
    """Everything a sheet form sends. `version` is the sheet version the form
    was built from (0: there was no sheet yet)."""

    version: int = 0
    general_comment: str = ""
    scores: dict[int, ScoreInput] = field(default_factory=dict)
    # Stage 1: the site-visit issues, in order (empty texts are dropped).
    issues: list[str] = field(default_factory=list)
    # Stage 2: stage-1 issue id -> (what was found, a note).
    issue_checks: dict[int, tuple[str, str]] = field(default_factory=dict)


class SheetProblems(LaurelError):
    """The sheet cannot be saved or submitted as it is. `errors` maps a field
    key ("value-<criterion id>", "strengths-<id>", "improvements-<id>",
    "general_comment", "issues") to a message."""

    def __init__(self, message: str, errors: dict[str, str]):
        super().__init__(message)
        self.errors = errors


class SheetConflict(LaurelError):
    """Somebody saved the sheet after this form was opened. `sheet` holds what
    they saved, so the page can show both."""

    def __init__(self, sheet: ScoreSheet | None):
        super().__init__(
            _(
                "Someone else saved this score sheet after you opened it. Nothing of yours "
                "was saved: compare the saved values with yours below, then save again."
            )
        )
        self.sheet = sheet


# ---- reading a typed value ----------------------------------------------------

_NUMBER = re.compile(r"^[+]?\d{1,6}([.,]\d{1,4})?$")


def parse_value(raw: str | None, criterion: Criterion) -> float | None:
    """The score a juror typed, or None for an empty field. "7,5" and "7.5"
    both read as 7.5. Raises ValueError with a message for anything that is
    not a plain number within 0..max on the criterion's step (nan, inf, 1e9,
    -1, "abc", NUL bytes...)."""
    text = (raw or "").strip()
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(_("Enter a number, for example 7 or 7,5."))
    value = float(text.replace(",", "."))
    if not math.isfinite(value) or not 0 <= value <= criterion.max_score:
        raise ValueError(
            _("Enter a score from 0 to %(max)s.", max=format_number(criterion.max_score))
        )
    step = float(criterion.step)
    if not math.isclose(value / step, round(value / step), abs_tol=1e-9):
        raise ValueError(
            _("Scores go in steps of %(step)s.", step=format_number(step))
            if step != 1
            else _("Enter a whole number.")
        )
    return round(value / step) * step


def format_number(value: float | int | None) -> str:
    """7.0 -> "7", 7.5 -> "7,5" (Polish decimal comma; English readers cope)."""
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}".replace(".", ",")


def _clean_text(text: str | None) -> str:
    # NUL bytes are refused by PostgreSQL text columns and mean nothing to a reader.
    return (text or "").replace("\x00", "").strip()


def _text_problem(text: str) -> str | None:
    """Why a comment cannot be stored: too long, or holding control characters
    (other than tabs and line breaks) that the base form refuses elsewhere."""
    if len(text) > TEXT_LIMIT:
        return ngettext(
            "Shorten this text to %(num)s character.",
            "Shorten this text to %(num)s characters.",
            TEXT_LIMIT,
        )
    if control_characters(text, multiline=True):
        return _(
            "Remove the control characters (such as a NUL byte or an escape character) "
            "from this text."
        )
    return None


# ---- what a sheet needs -------------------------------------------------------


@prebuilt
def _stage_criteria_query() -> sa.Select:
    return (
        sa.select(Criterion)
        .join(Area, Area.id == Criterion.area_id)
        .where(Area.edition_id == sa.bindparam("edition_id"))
        .where(Criterion.stage == sa.bindparam("stage"))
        .options(contains_eager(Criterion.area))
        .order_by(Area.position, Area.id, Criterion.position, Criterion.id)
    )


def stage_criteria(assignment: Assignment) -> list[Criterion]:
    """The stage's criteria of the entry's edition, in area order (one query)."""
    return list(
        db.session.scalars(
            _stage_criteria_query(),
            {"edition_id": assignment.application.edition_id, "stage": assignment.stage},
        )
    )


def _comment_error(criterion: Criterion, value, strengths: str, improvements: str) -> tuple:
    """(field key, message) when the criterion's comment rule is not met."""
    need = criterion.comment_needed(value)
    if need == "either" and not (strengths or improvements):
        return (
            f"strengths-{criterion.id}",
            _("Write the strengths or the areas for improvement."),
        )
    if need == "strengths" and not strengths:
        return (
            f"strengths-{criterion.id}",
            _("A top score needs its strengths written down."),
        )
    if need == "improvements" and not improvements:
        return (
            f"improvements-{criterion.id}",
            _("A bottom score needs its areas for improvement written down."),
        )
    return ()


def completeness_errors(sheet: ScoreSheet, criteria: list[Criterion]) -> dict[str, str]:
    """What stands between a saved sheet and its submission."""
    scores = {s.criterion_id: s for s in sheet.scores}
    errors: dict[str, str] = {}
    for criterion in criteria:
        score = scores.get(criterion.id)
        if score is None or score.value is None:
            errors[f"value-{criterion.id}"] = _("Give a score.")
            continue
        problem = _comment_error(criterion, score.value, score.strengths, score.improvements)
        if problem:
            errors[problem[0]] = problem[1]
    return errors


# ---- writing ------------------------------------------------------------------


def _check_version(assignment: Assignment, version: int) -> None:
    current = assignment.sheet.version if assignment.sheet is not None else 0
    if version != current:
        raise SheetConflict(assignment.sheet)


def _score_snapshot(sheet: ScoreSheet | None) -> dict[str, float | None]:
    if sheet is None:
        return {}
    return {str(s.criterion_id): s.value for s in sheet.scores}


@prebuilt
def _score_update() -> sa.Update:
    table = Score.__table__
    return (
        table.update()
        .where(table.c.id == sa.bindparam("b_id"))
        .values(
            value=sa.bindparam("b_value"),
            strengths=sa.bindparam("b_strengths"),
            improvements=sa.bindparam("b_improvements"),
        )
    )


def save_sheet(assignment: Assignment, *, actor, data: SheetInput) -> ScoreSheet:
    """Store the typed sheet as a draft, all or nothing.

    Refused when the actor may not score the assignment (stage closed, sheet
    submitted, conflict of interest, not their entry), when the form was built
    from an older version of the sheet (SheetConflict), or when any value is
    not a number in range and step, a text is too long, or a score names a
    criterion outside the stage (SheetProblems, nothing written)."""
    if not assignment.can_score(actor):
        raise LaurelError(_("This score sheet cannot be changed now."))
    _check_version(assignment, data.version)
    criteria = {c.id: c for c in stage_criteria(assignment)}
    errors: dict[str, str] = {}
    parsed: dict[int, tuple[float | None, str, str]] = {}
    for criterion_id, typed in data.scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            # A criterion of the other stage or edition: a forged or stale form.
            errors["form"] = _("The sheet names a criterion that is not scored in this stage.")
            continue
        try:
            value = parse_value(typed.value, criterion)
        except ValueError as exc:
            errors[f"value-{criterion_id}"] = str(exc)
            value = None
        strengths, improvements = _clean_text(typed.strengths), _clean_text(typed.improvements)
        for key, text in (("strengths", strengths), ("improvements", improvements)):
            if problem := _text_problem(text):
                errors[f"{key}-{criterion_id}"] = problem
        parsed[criterion_id] = (value, strengths, improvements)
    general = _clean_text(data.general_comment)
    if problem := _text_problem(general):
        errors["general_comment"] = problem
    issues = (
        [_clean_text(t) for t in data.issues if _clean_text(t)] if assignment.stage == 1 else []
    )
    if len(issues) > MAX_ISSUES or any(len(t) > TEXT_LIMIT for t in issues):
        errors["issues"] = _(
            "Give at most %(n)s site-visit issues, each shorter than %(limit)s characters.",
            n=MAX_ISSUES,
            limit=TEXT_LIMIT,
        )
    elif problems := [p for t in issues if (p := _text_problem(t))]:
        errors["issues"] = problems[0]
    checks = {}
    if assignment.stage == 2 and data.issue_checks:
        checks = _read_issue_checks(assignment, data.issue_checks)
        if checks is None:
            errors["issues"] = _("The sheet names a site-visit issue of another entry.")
    if errors:
        raise SheetProblems(
            _("Nothing was saved: correct the marked fields and save again."), errors
        )

    # No autoflush while the sheet is being changed: the one flush below is the
    # moment a concurrent save is detected, and it must be caught there.
    with db.session.no_autoflush:
        before = _score_snapshot(assignment.sheet)
        sheet = assignment.sheet
        if sheet is None:
            sheet = ScoreSheet(assignment=assignment, stage=assignment.stage)
            db.session.add(sheet)
        sheet.general_comment = general
        sheet.last_saved_by_id = actor.id
        existing = {s.criterion_id: s for s in sheet.scores}
        changed: list[tuple[Score, tuple]] = []
        for criterion_id, typed in parsed.items():
            criterion = criteria[criterion_id]
            score = existing.get(criterion_id)
            if score is None:
                score = Score(
                    criterion_id=criterion.id,
                    stage=criterion.stage,
                    max_score=criterion.max_score,
                    step=criterion.step,
                )
                score.value, score.strengths, score.improvements = typed
                sheet.scores.append(score)
            elif (score.value, score.strengths, score.improvements) != typed:
                changed.append((score, typed))
        if assignment.stage == 1:
            _replace_issues(sheet, assignment, issues)
        # The sheet row is updated on every save, so its version always moves:
        # a concurrent save of the same version fails in the database (StaleDataError).
        sheet.updated_at = utcnow()
    try:
        # The sheet's row first: its version check decides a concurrent save.
        db.session.flush()
        if changed:
            # The changed scores in one executemany of plain UPDATEs: through
            # the unit of work, 20 scores cost four times as much.
            db.session.execute(
                _score_update(),
                [
                    {"b_id": score.id, "b_value": v, "b_strengths": st, "b_improvements": im}
                    for score, (v, st, im) in changed
                ],
            )
    except (StaleDataError, IntegrityError) as exc:
        # Another save of the same version (or a second first save) won the race.
        raise SheetConflict(None) from exc
    for score, (value, strengths, improvements) in changed:
        # The objects hold what the database now holds, as after a flush.
        set_committed_value(score, "value", value)
        set_committed_value(score, "strengths", strengths)
        set_committed_value(score, "improvements", improvements)
    if checks:
        _record_issue_checks(assignment, actor=actor, checks=checks)
    audit.record(
        "sheet.saved",
        actor=actor,
        obj=sheet,
        edition_id=assignment.application.edition_id,
        before={"values": before},
        after={
            "values": _score_snapshot(sheet),
            "juror_id": assignment.juror_id,
            "typed_by_organizer": actor.id != assignment.juror_id,
        },
    )
    return sheet


def _replace_issues(sheet: ScoreSheet, assignment: Assignment, texts: list[str]) -> None:
    """A draft's site-visit issues are rewritten as typed (they are not anyone's
    briefing until the sheet is submitted)."""
    texts = list(dict.fromkeys(texts))
    if [i.text for i in sheet.site_visit_issues] == texts:
        return  # unchanged (most saves): no collection for the flush to compare
    kept = {i.text: i for i in sheet.site_visit_issues}
    sheet.site_visit_issues = [
        kept.get(text) or SiteVisitIssue(application_id=assignment.application_id, text=text)
        for text in texts
    ]


def submit_sheet(sheet: ScoreSheet, *, actor) -> None:
    """Submit a saved draft: every criterion of the stage scored and every
    comment its rule requires written. A submitted sheet is read-only."""
    if not sheet.can_submit(actor):
        raise LaurelError(_("This score sheet cannot be submitted now."))
    errors = completeness_errors(sheet, stage_criteria(sheet.assignment))
    if errors:
        raise SheetProblems(
            _(
                "The sheet was saved as a draft but not submitted yet: complete the fields "
                "listed below."
            ),
            errors,
        )
    # A sheet corrected after its stage closed goes straight back to locked.
    sheet.status = SheetStatus.locked if sheet.reopened_for_correction else SheetStatus.submitted
    sheet.reopened_for_correction = False
    sheet.submitted_at = utcnow()
    sheet.last_saved_by_id = actor.id
    db.session.flush()
    audit.record(
        "sheet.submitted",
        actor=actor,
        obj=sheet,
        edition_id=sheet.assignment.application.edition_id,
        after={
            "values": _score_snapshot(sheet),
            "juror_id": sheet.assignment.juror_id,
            "typed_by_organizer": actor.id != sheet.assignment.juror_id,
        },
    )
    # The last sheet of an entry in a consensus stage opens its consensus review.
    from app.jury.consensus.services import open_if_ready

    open_if_ready(sheet.assignment, actor=actor)


def reopen_sheet(sheet: ScoreSheet, *, actor, reason: str) -> None:
    """An organizer returns a submitted sheet to its juror as a draft, with a
    reason the juror is told by e-mail (in the juror's language)."""
    reason = _clean_text(reason)
    if not reason:
        raise LaurelError(_("Give the reason for reopening the sheet."))
    if not sheet.can_reopen(actor):
        raise LaurelError(
            _(
                "Only a submitted sheet can be reopened while its stage is open, or a locked "
                "one while the chapter deliberates."
            )
        )
    before = sheet.status
    # After the stages closed, reopening corrects the ranking the chapter
    # decides on; the snapshot is then out of date until it is retaken.
    sheet.reopened_for_correction = before is SheetStatus.locked
    sheet.status = SheetStatus.draft
    sheet.submitted_at = None
    sheet.reopened_at = utcnow()
    sheet.reopen_reason = reason
    db.session.flush()
    assignment = sheet.assignment
    audit.record(
        "sheet.reopened",
        actor=actor,
        obj=sheet,
        edition_id=assignment.application.edition_id,
        before={"status": before},
        after={
            "status": SheetStatus.draft,
            "reason": reason,
            "correction": sheet.reopened_for_correction,
        },
    )
    juror = assignment.juror
    with force_locale(juror.locale or "pl"):
        send_mail(
            juror.email,
            _("Laurel: your score sheet was reopened"),
            _(
                "Hello %(name)s,\n\nThe organizer reopened your stage %(stage)s score sheet "
                "for %(office)s.\nReason: %(reason)s\n\nCorrect it and submit it again:\n%(link)s\n",
                name=juror.full_name,
                stage=assignment.stage,
                office=assignment.application.office.name,
                reason=reason,
                link=url_for("sheets.entry", assignment_id=assignment.id, _external=True),
            ),
        )


# ---- site-visit issues in stage 2 ---------------------------------------------


def briefing(application_id: int) -> list[SiteVisitIssue]:
    """The stage-1 site-visit issues of an entry from submitted (or locked)
    sheets: what stage 2 should check."""
    return list(
        db.session.scalars(
            sa.select(SiteVisitIssue)
            .join(ScoreSheet, ScoreSheet.id == SiteVisitIssue.sheet_id)
            .where(
                SiteVisitIssue.application_id == application_id,
                ScoreSheet.status != SheetStatus.draft,
            )
            .options(selectinload(SiteVisitIssue.checked_by))
            .order_by(SiteVisitIssue.id)
        )
    )


def _read_issue_checks(assignment: Assignment, checks: dict[int, tuple[str, str]]):
    """The typed verdicts as {issue: (IssueCheck, note)}; None when one names an
    issue outside this entry's briefing or an unknown verdict (a forged form)."""
    issues = {i.id: i for i in briefing(assignment.application_id)}
    result = {}
    for issue_id, (check, note) in checks.items():
        issue = issues.get(issue_id)
        try:
            verdict = IssueCheck(check)
        except ValueError:
            return None
        if issue is None:
            return None
        result[issue] = (verdict, _clean_text(note)[:TEXT_LIMIT])
    return result


def _record_issue_checks(assignment: Assignment, *, actor, checks) -> None:
    """A stage-2 juror marks stage-1 issues confirmed / not confirmed / not checked."""
    changed = {}
    for issue, (verdict, note) in checks.items():
        if issue.check is verdict and issue.check_note == note:
            continue
        issue.check, issue.check_note = verdict, note
        issue.checked_by_id, issue.checked_at = actor.id, utcnow()
        changed[str(issue.id)] = verdict.value
    if changed:
        db.session.flush()
        audit.record(
            "site_visit_issue.checked",
            actor=actor,
            obj=assignment,
            edition_id=assignment.application.edition_id,
            after=changed,
        )
