"""The past edition: finished, its results published, the one the gala post
tells about (the laureate of the marshal offices, Urząd Marszałkowski
Województwa Mazowieckiego w Warszawie, also took the "Innowacyjny urząd"
statuette).

Built the way the app builds an edition, so its numbers agree everywhere:
jurors assigned with `assign_juror`, sheets written and submitted with the
scoring services in each stage (two jurors an entry in stage 1, one in
stage 2), the stage-2 list confirmed by the
qualification rule (the best two of each category), stage 2 closed with
`advance_phase` (which freezes the ranking snapshot), the chapter's decisions
recorded with `app.awards.chapter`, and the results published with
`advance_phase` (without e-mailing the demo offices). The dates are those of
PAST_YEAR; the services stamp "now", so the stamps shown on pages are moved
back to those dates. A second run finds the edition by its slug and adds
nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.accounts.models import User
from app.awards import chapter
from app.awards.models import AwardKind, SpecialAward
from app.demo.data import (
    PAST_AWARDS,
    PAST_ENTRIES,
    PAST_GALA_PLACE,
    PAST_SLUG,
    PAST_SPECIALS,
    PAST_YEAR,
)
from app.demo.pilot import _at, _sheet_input
from app.demo.seed import _answer_for, _demo_document, add_structure
from app.editions.models import Edition, EditionStatus, QualificationMode
from app.editions.phases import advance_phase
from app.extensions import db
from app.jury.models import JuryMembership, MembershipStatus
from app.jury.services import assign_juror
from app.jury.sheets import save_sheet, submit_sheet
from app.offices.models import Application, ApplicationStatus, Office
from app.results.qualification import confirm

# Two of the three jurors score each entry in stage 1, one in stage 2, taking
# turns (few sheets keep the demo quick to load).
STAGE1_JURORS = ((0, 1), (1, 2), (2, 0))
STAGE2_JURORS = ((0,), (1,), (2,))


def _dates(year: int) -> dict:
    return {
        "applications_open_at": _at(dt.date(year, 1, 13), 8),
        "applications_close_at": _at(dt.date(year, 3, 14), 23, 59),
        "stage1_start": dt.date(year, 3, 17),
        "stage1_end": dt.date(year, 4, 18),
        "stage2_start": dt.date(year, 4, 22),
        "stage2_end": dt.date(year, 5, 23),
        "chapter_date": dt.date(year, 6, 4),
        "results_date": dt.date(year, 6, 9),
        "gala_date": dt.date(year, 6, 17),
    }


def _score(assignment, juror: User, data, when: dt.datetime) -> None:
    sheet = save_sheet(assignment, actor=juror, data=data)
    submit_sheet(sheet, actor=juror)
    sheet.updated_at = sheet.submitted_at = when
    assignment.created_at = when - dt.timedelta(days=10)


def seed_past(organizer: User, jurors: list[User], offices: list[Office]) -> dict[str, int]:
    """Create the finished past edition unless its slug exists; return the counts."""
    created = dict.fromkeys(("editions", "applications", "score_sheets", "awards"), 0)
    if db.session.scalar(sa.select(Edition.id).where(Edition.slug == PAST_SLUG)) is not None:
        return created
    dates = _dates(PAST_YEAR)
    edition = Edition(
        name=f"Przyjazny Urząd — edycja {PAST_YEAR}",
        slug=PAST_SLUG,
        year=PAST_YEAR,
        description=(
            "Edycja zakończona: wyniki ogłoszone, laureaci nagrodzeni podczas gali "
            "w pałacu Polskiej Akademii Nauk w Jabłonnie."
        ),
        organizer_name="Instytut Jakości Administracji Publicznej",
        status=EditionStatus.applications_open,
        gala_place=PAST_GALA_PLACE,
        qualification_mode=QualificationMode.top_k,
        qualification_value=2,
        **dates,
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
                invited_at=_at(dt.date(PAST_YEAR, 2, 3)),
                responded_at=_at(dt.date(PAST_YEAR, 2, 4 + number)),
                conflicts_confirmed_at=_at(dt.date(PAST_YEAR, 3, 17), 9 + number),
            )
        )

    questions = [q for a in edition.areas for q in a.questions]
    entries: dict[int, tuple[Application, float]] = {}
    for n, (i, quality) in enumerate(PAST_ENTRIES):
        office = offices[i]
        category = next(c for c in edition.categories if c.admits(office.office_type))
        application = Application(
            edition=edition,
            office=office,
            category=category,
            status=ApplicationStatus.submitted,
            submitted_at=_at(dt.date(PAST_YEAR, 2, 10 + 2 * n), 12),
        )
        application.answers = [_answer_for(q, office) for q in questions]
        application.documents.append(_demo_document(edition.areas[0]))
        db.session.add(application)
        entries[i] = (application, quality)
        created["applications"] += 1
    db.session.flush()

    # Stage 1: two jurors per entry; the rule (the best two) picks stage 2.
    advance_phase(edition, actor=organizer, expected=EditionStatus.applications_open)
    criteria1 = edition.criteria_for_stage(1)
    for n, (i, (application, quality)) in enumerate(entries.items()):
        for j in STAGE1_JURORS[n % len(STAGE1_JURORS)]:
            assignment = assign_juror(application, jurors[j], stage=1, actor=organizer)
            when = _at(dt.date(PAST_YEAR, 3, 24 + n % 7), 9 + 3 * j)
            _score(assignment, jurors[j], _sheet_input(criteria1, quality, j, i), when)
            created["score_sheets"] += 1
    confirm(edition, actor=organizer, expected=EditionStatus.stage1, notify=False)
    db.session.flush()

    # Stage 2: one juror per qualified entry, every sheet submitted.
    criteria2 = edition.criteria_for_stage(2)
    qualified = [
        (i, application, quality)
        for i, (application, quality) in entries.items()
        if application.status is ApplicationStatus.qualified
    ]
    for n, (i, application, quality) in enumerate(qualified):
        for j in STAGE2_JURORS[n % len(STAGE2_JURORS)]:
            assignment = assign_juror(application, jurors[j], stage=2, actor=organizer)
            when = _at(dt.date(PAST_YEAR, 5, 5 + n), 10 + 2 * j)
            _score(assignment, jurors[j], _sheet_input(criteria2, quality, j, i), when)
            created["score_sheets"] += 1
    # Closing stage 2 freezes the ranking the chapter decides on.
    advance_phase(edition, actor=organizer, expected=EditionStatus.stage2)

    decided_at = _at(edition.chapter_date, 13)
    awards = []
    for i, kind, justification in PAST_AWARDS:
        awards.append(
            chapter.record_category_award(
                edition,
                entries[i][0],
                actor=organizer,
                kind=AwardKind(kind),
                justification=justification,
            )
        )
    specials = {
        s.name: s
        for s in db.session.scalars(
            sa.select(SpecialAward).where(SpecialAward.edition_id == edition.id)
        )
    }
    for name, i, justification in PAST_SPECIALS:
        awards.append(
            chapter.record_special_award(
                edition, entries[i][0], specials[name], actor=organizer, justification=justification
            )
        )
    for award in awards:
        award.decided_at = decided_at
    created["awards"] = len(awards)
    # Publishing: every category has its laureate, so nothing blocks it.
    advance_phase(edition, actor=organizer, expected=EditionStatus.chapter)
    db.session.flush()
    return created
