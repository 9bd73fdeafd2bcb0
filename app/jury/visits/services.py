"""Mystery-shopper visits: recording, submitting, reopening (planning is in
planning.py); and
the read of an entry's stage-2 evidence for the score sheet.

Every write flushes and records an audit event; none commits.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.jury.models import Assignment, ConflictOfInterest
from app.jury.visits import files
from app.jury.visits.checklist import items_of
from app.jury.visits.models import (
    ChecklistItem,
    ChecklistItemKind,
    ExternalFinding,
    MysteryVisit,
    VisitAnswer,
    VisitChannel,
    VisitPhoto,
    VisitStatus,
    can_start_visit,
)
from app.offices.models import Application
from app.timeutil import utcnow

MAX_MINUTES = 24 * 60
MAX_TEXT = 5000
MAX_NOTES = 20000


def file_message(reason: str) -> str:
    """The user's words for a refused photo or attachment."""
    return {
        "empty": _("The file is empty."),
        "too_large": _("The file is larger than 10 MB."),
        "extension": _("Only PDF, JPG and PNG files are accepted."),
        "content": _("The file is not a JPG or PNG picture (its content says otherwise)."),
        "broken": _("The picture is damaged and cannot be read."),
        "bomb": _("The picture is too large (more than 50 megapixels)."),
    }.get(reason, _("The file cannot be accepted."))


def start_visit(application: Application, *, actor, channel: VisitChannel) -> MysteryVisit:
    """A stage-2 juror of the entry starts recording their own visit. A draft
    of theirs for the same channel is reused, so a double click makes one."""
    if not can_start_visit(application, actor):
        raise LaurelError(_("You cannot record a visit to this entry."))
    existing = db.session.scalar(
        sa.select(MysteryVisit).where(
            MysteryVisit.application_id == application.id,
            MysteryVisit.visitor_id == actor.id,
            MysteryVisit.channel == channel,
            MysteryVisit.status != VisitStatus.submitted,
        )
    )
    if existing is not None:
        return existing
    visit = MysteryVisit(
        application_id=application.id,
        visitor_id=actor.id,
        channel=channel,
        status=VisitStatus.draft,
        created_by_id=actor.id,
    )
    db.session.add(visit)
    db.session.flush()
    audit.record(
        "visit.created",
        actor=actor,
        obj=visit,
        edition_id=application.edition_id,
        after={"application_id": application.id, "channel": channel},
    )
    return visit


def _no_conflict(juror):
    """SQL: the juror declared no conflict with the application's office."""
    return ~(
        sa.select(ConflictOfInterest.id)
        .where(
            ConflictOfInterest.edition_id == Application.edition_id,
            ConflictOfInterest.juror_id == juror.id,
            ConflictOfInterest.office_id == Application.office_id,
        )
        .exists()
    )


def juror_visits(edition: Edition, juror) -> list[MysteryVisit]:
    """The visits an organizer planned for this juror or the juror recorded, in
    the edition, by due date; offices the juror declared a conflict with are
    left out (one query plus the offices)."""
    return list(
        db.session.scalars(
            sa.select(MysteryVisit)
            .join(Application, Application.id == MysteryVisit.application_id)
            .where(
                Application.edition_id == edition.id,
                MysteryVisit.visitor_id == juror.id,
                _no_conflict(juror),
            )
            .options(selectinload(MysteryVisit.application).selectinload(Application.office))
            .order_by(MysteryVisit.due_on.is_(None), MysteryVisit.due_on, MysteryVisit.id)
        )
    )


def juror_stage2_entries(edition: Edition, juror) -> list[Application]:
    """The entries the juror scores in stage 2, without those whose office the
    juror declared a conflict with (one query plus the offices)."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .join(Assignment, Assignment.application_id == Application.id)
            .where(
                Application.edition_id == edition.id,
                Assignment.juror_id == juror.id,
                Assignment.stage == 2,
                _no_conflict(juror),
            )
            .options(selectinload(Application.office))
        )
    )


def visits_of_edition(edition: Edition) -> list[MysteryVisit]:
    return db.session.scalars(
        sa.select(MysteryVisit)
        .join(Application, Application.id == MysteryVisit.application_id)
        .where(Application.edition_id == edition.id)
        .options(
            selectinload(MysteryVisit.application).selectinload(Application.office),
            selectinload(MysteryVisit.visitor),
        )
        .order_by(MysteryVisit.due_on.is_(None), MysteryVisit.due_on, MysteryVisit.id)
    ).all()


def is_late(visit: MysteryVisit, today: dt.date | None = None) -> bool:
    today = today or utcnow().date()
    return (
        visit.status is not VisitStatus.submitted
        and visit.due_on is not None
        and visit.due_on < today
    )


# ---- recording -------------------------------------------------------------

Answer = bool | int | str | None


def check_visit(
    items: list[ChecklistItem],
    *,
    visited_at: dt.datetime | None,
    answers: dict[int, Answer],
    submit: bool,
    now: dt.datetime | None = None,
) -> dict[str, str]:
    """Field name ("visited_at", "notes", "item_<id>") -> message for every
    rule the input breaks. A draft may leave answers out; a submitted visit
    has its time (not in the future) and every yes/no and number answer."""
    errors: dict[str, str] = {}
    now = now or utcnow()
    if visited_at is None:
        if submit:
            errors["visited_at"] = _("Enter the date and time of the visit.")
    elif visited_at > now + dt.timedelta(minutes=5):
        errors["visited_at"] = _("The visit cannot be in the future.")
    known = {i.id: i for i in items}
    for item_id in answers:
        if item_id not in known:
            errors[f"item_{item_id}"] = _("This question is not on the checklist.")
    for item in items:
        value = answers.get(item.id)
        key = f"item_{item.id}"
        kind = item.kind
        if value is None or value == "":
            if submit and kind is not ChecklistItemKind.text:
                errors[key] = _("Answer this question.")
            continue
        if kind is ChecklistItemKind.yes_no and not isinstance(value, bool):
            errors[key] = _("Choose yes or no.")
        elif kind in (ChecklistItemKind.scale, ChecklistItemKind.minutes):
            top = item.scale_max if kind is ChecklistItemKind.scale else MAX_MINUTES
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                errors[key] = _("Enter a whole number from 0 to %(max)s.", max=top)
        elif kind is ChecklistItemKind.text and (
            not isinstance(value, str) or len(value) > MAX_TEXT
        ):
            errors[key] = ngettext(
                "The answer can have at most %(num)s character.",
                "The answer can have at most %(num)s characters.",
                MAX_TEXT,
            )
    return errors


def _conflict_message() -> str:
    return _(
        "This visit was saved elsewhere (another tab or person) after you opened it. "
        "Open it again to see the current version; your changes were not saved."
    )


def check_version(visit: MysteryVisit, version: int | None) -> None:
    if version != visit.version:
        raise LaurelError(_conflict_message())


def save_visit(
    visit: MysteryVisit,
    *,
    actor,
    version: int | None,
    visited_at: dt.datetime | None,
    notes: str,
    answers: dict[int, Answer],
    photos: list[files.CleanFile] = (),
    submit: bool = False,
) -> list[str]:
    """Save (and with `submit`, send) a visit the actor may edit. All of it or
    nothing: any broken rule raises before a change. The form's version must
    be the stored one, so a second tab cannot overwrite the first silently.
    Returns the stored names of new photos (to delete if the commit fails)."""
    if not visit.can_edit(actor):
        raise LaurelError(_("This visit can no longer be changed."))
    check_version(visit, version)
    items = items_of(visit.application.edition, visit.channel)
    errors = check_visit(items, visited_at=visited_at, answers=answers, submit=submit)
    if len(notes) > MAX_NOTES:
        errors["notes"] = ngettext(
            "The notes can have at most %(num)s character.",
            "The notes can have at most %(num)s characters.",
            MAX_NOTES,
        )
    if len(visit.photos) + len(photos) > files.MAX_PHOTOS_PER_VISIT:
        errors["photos"] = ngettext(
            "A visit can have at most %(num)s photo.",
            "A visit can have at most %(num)s photos.",
            files.MAX_PHOTOS_PER_VISIT,
        )
    if errors:
        raise LaurelError(" ".join(dict.fromkeys(errors.values())))
    existing = {a.item_id: a for a in visit.answers}
    for item in items:
        value = answers.get(item.id)
        answer = existing.get(item.id)
        if answer is None:
            answer = VisitAnswer(item_id=item.id)
            visit.answers.append(answer)
        answer.bool_value = value if item.kind is ChecklistItemKind.yes_no else None
        answer.number_value = (
            value
            if item.kind in (ChecklistItemKind.scale, ChecklistItemKind.minutes)
            and value not in (None, "")
            else None
        )
        answer.text_value = (value or "") if item.kind is ChecklistItemKind.text else ""
    stored = []
    for photo in photos:
        name = files.write(photo)
        stored.append(name)
        visit.photos.append(
            VisitPhoto(
                original_name=photo.original_name,
                stored_name=name,
                content_type=photo.content_type,
                size_bytes=len(photo.data),
                uploaded_by_id=actor.id,
            )
        )
    visit.visited_at = visited_at
    visit.notes = notes
    visit.updated_at = utcnow()  # bumps the version even when only photos came
    visit.status = VisitStatus.submitted if submit else VisitStatus.draft
    if submit:
        visit.submitted_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        # Another request saved the visit between our read and this write.
        for name in stored:
            files.remove(name)
        raise LaurelError(_conflict_message()) from None
    audit.record(
        "visit.submitted" if submit else "visit.saved",
        actor=actor,
        obj=visit,
        edition_id=visit.application.edition_id,
        after={
            "visited_at": visited_at,
            "answers": {str(k): v for k, v in answers.items() if v not in (None, "")},
            "notes_length": len(notes),
            "photos_added": [p.original_name for p in photos],
        },
    )
    return stored


def reopen_visit(visit: MysteryVisit, *, actor, reason: str) -> None:
    """An organizer sends a submitted visit back to draft, with a reason."""
    if not visit.can_reopen(actor):
        raise LaurelError(_("This visit cannot be reopened."))
    reason = reason.strip()
    if not reason:
        raise LaurelError(_("Give the reason for reopening the visit."))
    visit.status = VisitStatus.draft
    visit.submitted_at = None
    db.session.flush()
    audit.record(
        "visit.reopened",
        actor=actor,
        obj=visit,
        edition_id=visit.application.edition_id,
        before={"status": VisitStatus.submitted},
        after={"status": visit.status, "reason": reason},
    )


def delete_photo(photo: VisitPhoto, *, actor) -> str:
    """Remove a photo from a visit still being written; returns the stored
    name, whose file the caller deletes once the change is committed."""
    visit = photo.visit
    if not visit.can_edit(actor):
        raise LaurelError(_("This visit can no longer be changed."))
    name = photo.stored_name
    audit.record(
        "visit.photo_deleted",
        actor=actor,
        obj=visit,
        edition_id=visit.application.edition_id,
        before={"photo": photo.original_name},
    )
    visit.photos.remove(photo)
    visit.updated_at = utcnow()
    db.session.flush()
    return name


# ---- the stage-2 sheet's read ----------------------------------------------


@dataclass
class ChecklistLine:
    item: ChecklistItem
    answer: VisitAnswer | None
    display: str  # "Tak", "4 / 5", "12 min", the text, or "—"


@dataclass
class VisitSummary:
    visit: MysteryVisit
    lines: list[ChecklistLine]


@dataclass
class Stage2Evidence:
    visits: list[VisitSummary]
    findings: list[ExternalFinding]


def display_answer(item: ChecklistItem, answer: VisitAnswer | None) -> str:
    if answer is None:
        return "—"
    if item.kind is ChecklistItemKind.yes_no:
        if answer.bool_value is None:
            return "—"
        return _("Yes") if answer.bool_value else _("No")
    if answer.number_value is None:
        if item.kind is ChecklistItemKind.text and answer.text_value:
            return answer.text_value
        return "—"
    if item.kind is ChecklistItemKind.scale:
        return f"{answer.number_value} / {item.scale_max}"
    return _("%(n)s min", n=answer.number_value)


def stage2_evidence(application: Application) -> Stage2Evidence:
    """An entry's submitted visits (each with its channel's checklist answered)
    and its outside findings, in a fixed number of queries however many."""
    visits = db.session.scalars(
        sa.select(MysteryVisit)
        .where(
            MysteryVisit.application_id == application.id,
            MysteryVisit.status == VisitStatus.submitted,
        )
        .options(
            selectinload(MysteryVisit.answers),
            selectinload(MysteryVisit.photos),
            selectinload(MysteryVisit.visitor),
        )
        .order_by(MysteryVisit.visited_at, MysteryVisit.id)
    ).all()
    by_channel: dict[VisitChannel, list[ChecklistItem]] = defaultdict(list)
    if visits:
        items = db.session.scalars(
            sa.select(ChecklistItem)
            .where(ChecklistItem.edition_id == application.edition_id)
            .options(selectinload(ChecklistItem.criterion))
            .order_by(ChecklistItem.position, ChecklistItem.id)
        ).all()
        for item in items:
            by_channel[item.channel].append(item)
    summaries = []
    for visit in visits:
        answers = {a.item_id: a for a in visit.answers}
        lines = [
            ChecklistLine(i, answers.get(i.id), display_answer(i, answers.get(i.id)))
            for i in by_channel[visit.channel]
        ]
        summaries.append(VisitSummary(visit, lines))
    findings = db.session.scalars(
        sa.select(ExternalFinding)
        .where(ExternalFinding.application_id == application.id)
        .options(selectinload(ExternalFinding.author), selectinload(ExternalFinding.criterion))
        .order_by(ExternalFinding.found_on, ExternalFinding.id)
    ).all()
    return Stage2Evidence(summaries, list(findings))
