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
    PILOT_CONSENSUS_NOTES,
    PILOT_CONSENSUS_OBJECTION,
    PILOT_CONSENSUS_OPEN,
    PILOT_CONSENSUS_REVISED,
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
from app.editions.phases import advance_phase
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
        consensus_stage1=True,
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
    # Each entry's consensus review opened when its last sheet came in.
    _seed_consensus(entries, today)
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


def _seed_consensus(entries, today) -> None:
    """Stage-1 consensus: the lead drafts the rounded means with comments from
    their own sheet; the others agree (one entry after an objection and a
    revision), except on one entry where an objection is still open."""
    from app.jury.consensus import services as consensus_services
    from app.jury.consensus.models import Consensus

    days = dt.timedelta
    for n, (i, (application, _quality)) in enumerate(entries.items()):
        cid = db.session.scalar(
            sa.select(Consensus.id).where(
                Consensus.application_id == application.id, Consensus.stage == 1
            )
        )
        consensus = consensus_services.load(cid)
        when = _at(today - days(40 - n // 2), 9 + n % 4)
        consensus.opened_at = when
        criteria = consensus_services.stage_criteria(application.edition_id, 1)
        rows = consensus_services.side_by_side(consensus, criteria)
        values = {r.criterion.id: r.suggested for r in rows}
        _consensus_version(consensus, values, PILOT_CONSENSUS_NOTES[0], when + days(days=1))
        others = [a.juror for a in consensus.others()]
        if i in (PILOT_CONSENSUS_OPEN, PILOT_CONSENSUS_REVISED):
            objected = consensus_services.respond(
                consensus, actor=others[0], agree=False, comment=PILOT_CONSENSUS_OBJECTION
            )
            objected.created_at = (
                _at(today - days(5), 11) if i == PILOT_CONSENSUS_OPEN else when + days(days=2)
            )
            if i == PILOT_CONSENSUS_OPEN:
                if len(others) > 1:
                    agreed = consensus_services.respond(consensus, actor=others[1], agree=True)
                    agreed.created_at = _at(today - days(6), 15)
                continue
            first = criteria[0].id
            values[first] = max(0.0, values[first] - float(criteria[0].step))
            _consensus_version(consensus, values, PILOT_CONSENSUS_NOTES[1], when + days(days=3))
        for juror in others:
            answer = consensus_services.respond(consensus, actor=juror, agree=True)
            answer.created_at = when + days(days=4)
        consensus.finalised_at = when + days(days=4)
    db.session.flush()


def _consensus_version(consensus, values, note, at):
    """The lead's next version: `values` per criterion id, with the comments
    of the lead's own sheet and every juror's site-visit issues."""
    from app.jury.consensus import services as consensus_services

    lead = consensus.lead
    own = {
        s.criterion_id: s
        for a in consensus.assignments
        if a.juror_id == lead.id
        for s in a.sheet.scores
    }
    data = consensus_services.DraftInput(
        based_on=consensus.latest.number if consensus.latest else 0,
        note=note,
        scores={
            c: ScoreInput(
                value=f"{v:g}", strengths=own[c].strengths, improvements=own[c].improvements
            )
            for c, v in values.items()
        },
        issues=[t.text for a in consensus.assignments for t in a.sheet.site_visit_issues],
    )
    drafted = consensus_services.save_draft(consensus, actor=lead, data=data)
    drafted.created_at = at
    return drafted


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
