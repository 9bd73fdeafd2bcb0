"""The pilot edition: stage 1 scored and locked, stage 2 under way, so that the
demo jurors land on real work (a submitted sheet, a draft past its due date,
one not started, mystery-shopper visits and outside findings).

It is built the way the app builds it: jurors assigned with `assign_juror`
(which refuses a declared conflict), sheets written and submitted with the
scoring services while the edition is in that stage, and the edition moved on
with `advance_phase`, which locks the stage-1 sheets. Dates are set relative to
the day of the first run; a second run finds the edition by its slug and adds
nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.accounts.models import User
from app.demo.data import (
    CHECKLIST,
    COMMENTS,
    GENERAL_COMMENTS,
    PILOT_CONFLICT,
    PILOT_ENTRIES,
    PILOT_FINDINGS,
    PILOT_OVERRIDE_REASONS,
    PILOT_QUALIFIED,
    PILOT_SLUG,
    PILOT_STAGE2,
    PILOT_VISITS,
    SITE_VISIT_ISSUES,
)
from app.demo.seed import _answer_for, _demo_document, add_structure
from app.editions.models import Criterion, Edition, EditionStatus, QualificationMode
from app.editions.services import advance_phase
from app.extensions import db
from app.jury.models import Assignment, ConflictOfInterest, JuryMembership, MembershipStatus
from app.jury.services import assign_juror
from app.jury.sheets import ScoreInput, SheetInput, briefing, save_sheet, submit_sheet
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    ExternalFinding,
    FindingEffect,
    MysteryVisit,
    VisitAnswer,
    VisitChannel,
    VisitStatus,
)
from app.offices.models import Application, ApplicationStatus, Office
from app.results.qualification import candidate_list, confirm, set_override
from app.timeutil import from_local, to_local, utcnow


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Warsaw wall-clock time on `day`, as naive UTC for the database."""
    return from_local(dt.datetime.combine(day, dt.time(hour, minute)))


def _value(criterion: Criterion, quality: float, juror: int, office: int) -> float:
    # Deterministic spread: each juror a point above or below the entry's level.
    jitter = (juror * 7 + criterion.position * 3 + office) % 3 - 1
    return float(max(0, min(criterion.max_score, round(quality * criterion.max_score) + jitter)))


def _sheet_input(criteria, quality, juror, office, *, only=None, issues=()) -> SheetInput:
    scores = {}
    for criterion in criteria[:only]:
        strengths, improvements = COMMENTS[criterion.name]
        pick = (juror + office) % 2
        scores[criterion.id] = ScoreInput(
            value=f"{_value(criterion, quality, juror, office):g}",
            strengths=strengths[pick],
            improvements=improvements[1 - pick],
        )
    return SheetInput(
        general_comment=GENERAL_COMMENTS[(juror + office) % len(GENERAL_COMMENTS)],
        scores=scores,
        issues=list(issues),
    )


def _backdate(assignment: Assignment, *, assigned: dt.datetime, when: dt.datetime) -> None:
    # The services stamp "now"; stage 1 of the pilot happened weeks ago.
    assignment.created_at = assigned
    sheet = assignment.sheet
    sheet.updated_at = sheet.submitted_at = when
    for issue in sheet.site_visit_issues:
        issue.created_at = when


def seed_pilot(organizer: User, jurors: list[User], offices: list[Office]) -> dict[str, int]:
    """Create the pilot edition in stage 2 unless its slug exists; return the counts."""
    created = dict.fromkeys(
        ("editions", "applications", "assignments", "score_sheets", "visits", "findings"), 0
    )
    if db.session.scalar(sa.select(Edition.id).where(Edition.slug == PILOT_SLUG)) is not None:
        return created
    today = to_local(utcnow()).date()
    days = dt.timedelta
    year = today.year - 1
    edition = Edition(
        name=f"Przyjazny Urząd — edycja pilotażowa {year}",
        slug=PILOT_SLUG,
        year=year,
        description=(
            "Pilotaż znaku jakości: ocena dokumentów zakończona, trwa etap II "
            "(źródła zewnętrzne i tajemniczy klient)."
        ),
        organizer_name="Instytut Jakości Administracji Publicznej",
        status=EditionStatus.applications_open,
        applications_open_at=_at(today - days(120), 8),
        applications_close_at=_at(today - days(75), 23, 59),
        stage1_start=today - days(74),
        stage1_end=today - days(35),
        stage2_start=today - days(34),
        stage2_end=today + days(21),
        chapter_date=today + days(35),
        results_date=today + days(42),
        gala_date=today + days(56),
        gala_place="Centrum Konferencyjne Zielna w Warszawie",
        qualification_mode=QualificationMode.threshold,
        qualification_value=75,
    )
    add_structure(edition)
    db.session.add(edition)
    db.session.flush()
    created["editions"] += 1

    for number, juror in enumerate(jurors):
        db.session.add(
            JuryMembership(
                edition=edition,
                user=juror,
                status=MembershipStatus.accepted,
                invited_at=_at(today - days(100)),
                responded_at=_at(today - days(98 - number)),
                conflicts_confirmed_at=_at(today - days(96 - number)),
            )
        )
    conflict_juror, conflict_office, reason = PILOT_CONFLICT
    db.session.add(
        ConflictOfInterest(
            edition_id=edition.id,
            juror=jurors[conflict_juror],
            office=offices[conflict_office],
            reason=reason,
            declared_at=_at(today - days(96 - conflict_juror)),
        )
    )

    questions = [q for a in edition.areas for q in a.questions]
    entries: dict[int, tuple[Application, float]] = {}
    for n, (i, quality) in enumerate(PILOT_ENTRIES):
        office = offices[i]
        category = next(c for c in edition.categories if c.admits(office.office_type))
        application = Application(
            edition=edition,
            office=office,
            category=category,
            status=ApplicationStatus.submitted,
            submitted_at=_at(today - days(90 - 2 * n), 12),
        )
        application.answers = [_answer_for(q, office) for q in questions]
        application.documents.append(_demo_document(edition.areas[0]))
        db.session.add(application)
        entries[i] = (application, quality)
        created["applications"] += 1
    db.session.flush()

    # Stage 1: every juror scores every entry, except where a conflict was declared.
    advance_phase(edition, actor=organizer, expected=EditionStatus.applications_open)
    criteria1 = edition.criteria_for_stage(1)
    issues = {(o, j): texts for o, j, texts in SITE_VISIT_ISSUES}
    for n, (i, (application, quality)) in enumerate(entries.items()):
        for j, juror in enumerate(jurors):
            if (j, i) == (conflict_juror, conflict_office):
                continue
            assignment = assign_juror(application, juror, stage=1, actor=organizer)
            data = _sheet_input(criteria1, quality, j, i, issues=issues.get((i, j), ()))
            sheet = save_sheet(assignment, actor=juror, data=data)
            submit_sheet(sheet, actor=juror)
            _backdate(
                assignment,
                assigned=_at(edition.stage1_start, 9),
                when=_at(today - days(60 - 2 * n - j), 9 + 3 * j),
            )
            created["assignments"] += 1
            created["score_sheets"] += 1
    db.session.flush()
    # The chapter's list departs from the rule where the demo wants it to (an
    # override with its reason); confirming it closes stage 1 and locks its sheets.
    proposal = {c.application_id: c.proposed for c in candidate_list(edition).candidates}
    for i, (application, _quality) in entries.items():
        wanted = i in PILOT_QUALIFIED
        if proposal[application.id] != wanted:
            set_override(
                application,
                qualified=wanted,
                reason=PILOT_OVERRIDE_REASONS[wanted],
                actor=organizer,
            )
    confirm(edition, actor=organizer, expected=EditionStatus.stage1, notify=False)
    db.session.flush()

    # Stage 2: two jurors per qualified entry.
    criteria2 = edition.criteria_for_stage(2)
    for i, j, state, due_in in PILOT_STAGE2:
        application, quality = entries[i]
        juror = jurors[j]
        assignment = assign_juror(application, juror, stage=2, actor=organizer)
        assignment.created_at = _at(today - days(33))
        if due_in is not None:
            assignment.due_date = today + days(due_in)
        created["assignments"] += 1
        if state is None:
            continue
        done = state == "submitted"
        data = _sheet_input(criteria2, quality, j, i, only=None if done else 1)
        if done:
            # The stage-1 issues this juror went to check.
            data.issue_checks = {
                issue.id: ("confirmed", "Sprawdzone podczas wizyty: zgodne z deklaracją.")
                for issue in briefing(application.id)[:1]
            }
        sheet = save_sheet(assignment, actor=juror, data=data)
        if done:
            submit_sheet(sheet, actor=juror)
        created["score_sheets"] += 1

    created.update(_seed_stage2_evidence(edition, organizer, jurors, offices, entries, today))
    db.session.flush()
    return created


def _seed_stage2_evidence(edition, organizer, jurors, offices, entries, today) -> dict[str, int]:
    """The checklist, mystery-shopper visits and outside findings."""
    criteria = {c.name: c for c in edition.criteria_for_stage(2)}
    items: dict[VisitChannel, list[ChecklistItem]] = {}
    for channel, kind, prompt, guidance, scale_max, criterion in CHECKLIST:
        channel = VisitChannel(channel)
        item = ChecklistItem(
            edition_id=edition.id,
            channel=channel,
            kind=ChecklistItemKind(kind),
            prompt=prompt,
            guidance=guidance,
            scale_max=scale_max,
            criterion=criteria[criterion] if criterion else None,
            position=len(items.get(channel, [])),
        )
        db.session.add(item)
        items.setdefault(channel, []).append(item)
    db.session.flush()

    visits = 0
    for i, j, name, channel, status, day, notes, answers in PILOT_VISITS:
        channel, status = VisitChannel(channel), VisitStatus(status)
        when = _at(today + dt.timedelta(days=day), 10, 30)
        visit = MysteryVisit(
            application=entries[i][0],
            visitor=jurors[j] if j is not None else None,
            visitor_name=name,
            channel=channel,
            status=status,
            notes=notes,
            created_by_id=organizer.id,
            created_at=_at(today - dt.timedelta(days=30)),
        )
        if status is VisitStatus.planned:
            visit.due_on = today + dt.timedelta(days=day)
        else:
            visit.visited_at = when
            visit.submitted_at = when + dt.timedelta(hours=3)
            visit.updated_at = visit.submitted_at
        # A planned visit has no answers yet.
        for item, answer in zip(items[channel] if answers else [], answers, strict=True):
            if item.kind is ChecklistItemKind.yes_no:
                visit.answers.append(VisitAnswer(item=item, bool_value=answer))
            elif item.kind is ChecklistItemKind.text:
                visit.answers.append(VisitAnswer(item=item, text_value=answer))
            else:
                visit.answers.append(VisitAnswer(item=item, number_value=answer))
        db.session.add(visit)
        visits += 1

    for i, source, url, ago, finding, effect, criterion in PILOT_FINDINGS:
        db.session.add(
            ExternalFinding(
                application=entries[i][0],
                author=organizer,
                criterion=criteria[criterion],
                source=source,
                url=url,
                found_on=today - dt.timedelta(days=ago),
                finding=finding,
                effect=FindingEffect(effect),
                created_at=_at(today - dt.timedelta(days=ago), 14),
            )
        )
    return {"visits": visits, "findings": len(PILOT_FINDINGS)}
