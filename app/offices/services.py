"""The office portal's rules: registration, applications, documents, submission, feedback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import Role, User
from app.accounts.services import find_user, normalise_email
from app.audit import services as audit
from app.awards.models import Award, Diploma
from app.editions.models import (
    Area,
    Category,
    Edition,
    EditionStatus,
    Question,
    QuestionKind,
)
from app.errors import LaurelError
from app.extensions import db
from app.formatting import long_datetime
from app.mail import send_mail
from app.offices import uploads
from app.offices.models import (
    Answer,
    Application,
    ApplicationStatus,
    Document,
    Office,
    OfficeStatus,
)
from app.queries import prebuilt
from app.timeutil import utcnow
from app.tokens import make_token, read_token

CONFIRM_PURPOSE = "confirm-email"
CONFIRM_MAX_AGE = 7 * 24 * 3600
MB = 1024 * 1024


class ApplicationConflict(LaurelError):
    """The form was built from an older version of the application than the one saved now."""


# --- registration ----------------------------------------------------------


class DuplicateOffice(LaurelError):
    """Another office already has this REGON or NIP; `field` names which."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def check_numbers_free(
    *, regon: str | None, nip: str | None, exclude_id: int | None = None
) -> None:
    """REGON and NIP identify an office: no two offices may share either
    (the database's unique keys say the same; this names the other office)."""
    for column, value, name in ((Office.regon, regon, "regon"), (Office.nip, nip, "nip")):
        if not value:
            continue
        query = sa.select(Office.name).where(column == value)
        if exclude_id is not None:
            query = query.where(Office.id != exclude_id)
        other = db.session.scalar(query.limit(1))
        if other is not None:
            raise DuplicateOffice(
                _(
                    "%(number)s %(value)s is already registered for %(office)s.",
                    number=name.upper(),
                    value=value,
                    office=other,
                ),
                name,
            )


def register_office(
    *,
    name: str,
    office_type,
    voivodeship,
    city: str,
    address: str,
    postal_code: str,
    regon: str,
    nip: str,
    contact_name: str,
    email: str,
    password: str,
) -> tuple[Office, User]:
    """A self-registered office waits for an organizer's approval (status
    pending); REGON, NIP and the e-mail must not be registered already. Its
    first user is the contact person, with an e-mail still to confirm."""
    email = normalise_email(email)
    check_numbers_free(regon=regon, nip=nip)
    if find_user(email):
        raise LaurelError(_("An account with the e-mail %(email)s already exists.", email=email))
    office = Office(
        name=name.strip(),
        office_type=office_type,
        voivodeship=voivodeship,
        city=city.strip(),
        address=address.strip(),
        postal_code=postal_code.strip(),
        regon=regon,
        nip=nip,
        contact_name=contact_name.strip(),
        contact_email=email,
        status=OfficeStatus.pending,
    )
    user = User(email=email, full_name=contact_name.strip(), role=Role.office, office=office)
    user.set_password(password)
    db.session.add_all([office, user])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # Another registration with the same numbers or e-mail won the race.
        raise LaurelError(
            _("This office or e-mail has just been registered. Sign in or contact the organizer.")
        ) from exc
    audit.record(
        "office.registered",
        actor=None,
        obj=office,
        after=audit.snapshot(office, ["name", "regon", "nip", "status"]) | {"email": email},
    )
    send_email_confirmation(user)
    return office, user


def confirmation_token(user: User) -> str:
    return make_token(CONFIRM_PURPOSE, {"uid": user.id, "email": user.email})


def send_email_confirmation(user: User) -> None:
    link = url_for("offices.confirm_email", token=confirmation_token(user), _external=True)
    send_mail(
        user.email,
        _("Laurel: confirm your e-mail address"),
        _(
            "Hello %(name)s,\n\nTo confirm the e-mail address of your office's account, open "
            "this link (valid for 7 days):\n%(link)s\n\nThe organizer will then review the "
            "registration of %(office)s.",
            name=user.full_name,
            link=link,
            office=user.office.name if user.office else "",
        ),
    )


def confirm_email(token: str) -> User | None:
    """The user whose address the token confirms (and now marks confirmed),
    or None for a forged, expired or outdated token."""
    data = read_token(CONFIRM_PURPOSE, token, CONFIRM_MAX_AGE)
    if not data:
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("user.email_confirmed", actor=user, obj=user)
    return user


# --- applications ------------------------------------------------------------


def open_editions() -> list[Edition]:
    """Editions taking applications now (phase and date window, server time)."""
    editions = db.session.scalars(
        sa.select(Edition)
        .where(Edition.status == EditionStatus.applications_open)
        .options(selectinload(Edition.categories))
        .order_by(Edition.applications_close_at, Edition.id)
    ).all()
    now = utcnow()
    return [e for e in editions if e.accepts_applications(now)]


def eligible_categories(edition: Edition, office: Office) -> list[Category]:
    return [c for c in edition.categories if c.admits(office.office_type)]


def _require_editable(application: Application, actor, now=None) -> None:
    """Application.can_edit, with the reason when it says no."""
    if application.can_edit(actor, now):
        return
    if not application.can_manage(actor):
        raise LaurelError(_("Only the office's own users may change its application."))
    if not application.office.is_approved:
        raise LaurelError(_("Your office's registration has not been approved yet."))
    if not application.is_draft:
        raise LaurelError(_("The application has been submitted and can no longer be changed."))
    raise LaurelError(_("The deadline for applications has passed."))


def create_application(edition: Edition, category: Category, *, actor) -> Application:
    """An approved office may enter an edition open for applications once,
    in a category that admits its type of office."""
    office = actor.office
    if office is None or not office.is_approved:
        raise LaurelError(_("Your office's registration has not been approved yet."))
    if not edition.accepts_applications():
        raise LaurelError(_("This edition is not accepting applications."))
    if category.edition_id != edition.id or not category.admits(office.office_type):
        raise LaurelError(_("Your office cannot enter this category."))
    exists = db.session.scalar(
        sa.select(Application.id).where(
            Application.edition_id == edition.id, Application.office_id == office.id
        )
    )
    if exists:
        raise LaurelError(_("Your office has already entered this edition."))
    application = Application(edition=edition, category=category, office=office)
    db.session.add(application)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # Two tabs pressed "apply" at once: the unique key let only one through.
        raise LaurelError(_("Your office has already entered this edition.")) from exc
    audit.record(
        "application.created",
        actor=actor,
        obj=application,
        edition_id=edition.id,
        after={"office_id": office.id, "category_id": category.id},
    )
    return application


@prebuilt
def _questionnaire_query() -> sa.Select:
    # Areas with their questions in one query: an area without questions
    # comes once, with None.
    return (
        sa.select(Area, Question)
        .outerjoin(Question, Question.area_id == Area.id)
        .where(Area.edition_id == sa.bindparam("edition_id"))
        .order_by(Area.position, Area.id, Question.position, Question.id)
    )


def questionnaire(edition: Edition) -> list[Area]:
    """The edition's areas with their questions, in order (one prebuilt
    query; see app/queries.py)."""
    areas: dict[int, Area] = {}
    questions: dict[int, list[Question]] = {}
    for area, question in db.session.execute(_questionnaire_query(), {"edition_id": edition.id}):
        if area.id not in areas:
            areas[area.id] = area
            questions[area.id] = []
        if question is not None:
            questions[area.id].append(question)
    for area in areas.values():
        set_committed_value(area, "questions", questions[area.id])
    return list(areas.values())


def answer_value(answer: Answer | None, question: Question) -> Any:
    if answer is None:
        return None
    if question.kind is QuestionKind.text:
        return answer.text_value
    if question.kind is QuestionKind.yes_no:
        return answer.bool_value
    return answer.number_value


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def save_answers(
    application: Application, values: dict[int, Any], *, actor, version: int | None
) -> None:
    """Store the given answers (question id -> value; None or "" clears it).
    All values have been validated by the form; nothing is required yet (that
    is checked on submission). The form carries the version it was built
    from: an older one means somebody saved in between, and nothing is saved;
    so does a missing one (None), since it proves nothing."""
    _require_editable(application, actor)
    if version != application.version:
        raise ApplicationConflict(
            _(
                "Someone else saved this application in the meantime. Your changes were not "
                "saved; they are still in the form below. Reload the page to see the saved "
                "answers, then apply your changes again."
            )
        )
    questions = {
        q.id: q
        for q in db.session.scalars(
            sa.select(Question)
            .join(Area)
            .where(Area.edition_id == application.edition_id, Question.id.in_(list(values)))
        )
    }
    existing = {a.question_id: a for a in application.answers}
    for question_id, value in values.items():
        question = questions.get(question_id)
        if question is None:
            continue
        answer = existing.get(question_id)
        if _is_empty(value):
            if answer is not None:
                application.answers.remove(answer)
            continue
        if answer is None:
            answer = Answer(question=question)
            application.answers.append(answer)
        answer.text_value = value if question.kind is QuestionKind.text else None
        answer.bool_value = bool(value) if question.kind is QuestionKind.yes_no else None
        answer.number_value = int(value) if question.kind is QuestionKind.number else None
    # Touching the row bumps the version, so a concurrent save of the same
    # version fails in the database too (StaleDataError).
    application.updated_at = utcnow()
    db.session.flush()
    # Which questions changed, not the texts: the answers themselves stay in their table.
    audit.record(
        "application.draft_saved",
        actor=actor,
        obj=application,
        edition_id=application.edition_id,
        after={
            "questions": sorted(q for q in values if q in questions),
            "version": application.version,
        },
    )


def missing_items(application: Application) -> list[str]:
    """What still stops submission: unanswered required questions, and no document at all."""
    missing: list[str] = []
    answered = {a.question_id: a for a in application.answers}
    for area in questionnaire(application.edition):
        for question in area.questions:
            if question.required and _is_empty(answer_value(answered.get(question.id), question)):
                missing.append(
                    _(
                        "%(area)s: answer the question “%(question)s”.",
                        area=area.name,
                        question=question.prompt,
                    )
                )
    if not application.documents:
        missing.append(_("Attach at least one document."))
    return missing


def submit_application(application: Application, *, actor, now=None) -> None:
    """A complete draft may be submitted before the deadline (server time);
    from then on the office can only read it."""
    _require_editable(application, actor, now)
    missing = missing_items(application)
    if missing:
        raise LaurelError(
            _("The application is not complete yet: %(items)s", items=" ".join(missing))
        )
    before = audit.snapshot(application, ["status", "submitted_at"])
    application.status = ApplicationStatus.submitted
    application.submitted_at = now or utcnow()
    db.session.flush()
    audit.record(
        "application.submitted",
        actor=actor,
        obj=application,
        edition_id=application.edition_id,
        before=before,
        after=audit.snapshot(application, ["status", "submitted_at"]),
    )
    _send_receipt(application)


def _send_receipt(application: Application) -> None:
    """Each active user of the office gets a receipt, in their own language:
    what was submitted, when (Warsaw time), and what happens next."""
    link = url_for("offices.application_detail", application_id=application.id, _external=True)
    edition = application.edition
    for user in application.office.users:
        if not user.is_active:
            continue
        with force_locale(user.locale or "pl"):
            send_mail(
                user.email,
                _(
                    "Laurel: your application to %(edition)s has been received",
                    edition=edition.name,
                ),
                _(
                    "Hello %(name)s,\n\nWe received the application of %(office)s to "
                    "%(edition)s (category: %(category)s) on %(when)s, Warsaw time. It can no "
                    "longer be changed. The jury assesses the submitted documents in stage 1; "
                    "you will be told by e-mail whether the application goes on to stage 2.\n\n"
                    "%(link)s\n",
                    name=user.full_name,
                    office=application.office.name,
                    edition=edition.name,
                    category=application.category.name,
                    when=long_datetime(application.submitted_at),
                    link=link,
                ),
            )


def reopen_application(
    application: Application, *, actor, reason: str, deadline: dt.datetime | None = None
) -> None:
    """An organizer may return a submitted application to its office as a
    draft, with a reason the office is told by e-mail. After the edition's
    deadline the reopen needs a deadline of its own (naive UTC), or the office
    would get a draft it cannot change, which then drops out of stage 1."""
    if not application.can_reopen(actor):
        if not getattr(actor, "is_organizer", False):
            raise LaurelError(_("Only an organizer can reopen an application."))
        if application.status is not ApplicationStatus.submitted:
            raise LaurelError(_("Only a submitted application can be reopened."))
        raise LaurelError(_("Stage 1 has closed, so the application can no longer be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise LaurelError(_("Give the reason for reopening the application."))
    edition = application.edition
    now = utcnow()
    if deadline is None and not edition.accepts_applications(now):
        raise LaurelError(
            _(
                "The deadline for applications has passed: give the office a new deadline "
                "for this application."
            )
        )
    if deadline is not None and deadline <= now:
        raise LaurelError(_("The new deadline must be in the future."))
    fields = ["status", "submitted_at", "reopened_at", "reopen_reason", "reopen_deadline"]
    before = audit.snapshot(application, fields)
    application.status = ApplicationStatus.draft
    application.submitted_at = None
    application.reopened_at = now
    application.reopen_reason = reason
    application.reopen_deadline = deadline
    db.session.flush()
    audit.record(
        "application.reopened",
        actor=actor,
        obj=application,
        edition_id=application.edition_id,
        before=before,
        after=audit.snapshot(application, fields),
    )
    link = url_for("offices.edit_application", application_id=application.id, _external=True)
    close = application.deadline()
    for user in application.office.users:
        if not user.is_active:
            continue
        with force_locale(user.locale or "pl"):
            until = (
                _(" (deadline %(when)s, Warsaw time)", when=long_datetime(close)) if close else ""
            )
            send_mail(
                user.email,
                _("Laurel: your application has been reopened"),
                _(
                    "Hello %(name)s,\n\nThe organizer has reopened the application of %(office)s "
                    "to %(edition)s, so that you can change it.\n\nReason: %(reason)s\n\n"
                    "Submit it again when ready%(deadline)s:\n%(link)s",
                    name=user.full_name,
                    office=application.office.name,
                    edition=edition.name,
                    reason=reason,
                    deadline=until,
                    link=link,
                ),
            )


# --- documents -----------------------------------------------------------------

REFUSALS = {
    "extension": lambda: _(
        "This type of file is not accepted. Upload a PDF, DOCX, ODT, JPG or PNG file."
    ),
    "content": lambda: _(
        "The file's content is not a PDF, DOCX, ODT, JPG or PNG document, whatever its name says."
    ),
    "mismatch": lambda: _(
        "The file's name does not match its content. Save it with the right extension and "
        "upload it again."
    ),
    "empty": lambda: _("The file is empty."),
}


def add_document(application: Application, file, *, actor, area: Area | None = None) -> Document:
    """Store an evidence file of an accepted type (judged from its content)
    within the per-file and per-application size limits."""
    _require_editable(application, actor)
    if area is not None and area.edition_id != application.edition_id:
        raise LaurelError(_("This area does not belong to the application's edition."))
    if file is None or not getattr(file, "filename", ""):
        raise LaurelError(_("Choose a file to upload."))
    file_limit = int(current_app.config["MAX_FILE_MB"]) * MB
    total_limit = int(current_app.config["MAX_APPLICATION_MB"]) * MB
    used = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Document.size_bytes), 0)).where(
            Document.application_id == application.id
        )
    )
    room = total_limit - used
    if room <= 0:
        raise LaurelError(
            _(
                "The documents of this application already take the whole %(mb)s MB allowed.",
                mb=current_app.config["MAX_APPLICATION_MB"],
            )
        )
    try:
        stored = uploads.store_document(file.stream, file.filename, max_bytes=min(file_limit, room))
    except uploads.UploadRefused as refusal:
        if refusal.reason == "too_large":
            if room < file_limit:
                raise LaurelError(
                    _(
                        "The file does not fit: all documents of an application may take at most "
                        "%(mb)s MB together.",
                        mb=current_app.config["MAX_APPLICATION_MB"],
                    )
                ) from refusal
            raise LaurelError(
                _(
                    "The file is too large: at most %(mb)s MB per file.",
                    mb=current_app.config["MAX_FILE_MB"],
                )
            ) from refusal
        raise LaurelError(REFUSALS[refusal.reason]()) from refusal
    try:
        document = Document(
            application=application,
            area=area,
            original_name=stored.original_name,
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
            uploaded_by_id=actor.id,
        )
        db.session.add(document)
        db.session.flush()
        audit.record(
            "document.uploaded",
            actor=actor,
            obj=document,
            edition_id=application.edition_id,
            after=audit.snapshot(document, ["original_name", "size_bytes", "sha256", "area_id"]),
        )
    except Exception:
        stored.discard()
        raise
    return document


def delete_document(document: Document, *, actor) -> Path:
    """A draft's office may remove its documents. Returns the stored file,
    which the caller removes once the deletion is committed, so a failed
    commit never leaves a row without its file."""
    application = document.application
    _require_editable(application, actor)
    audit.record(
        "document.deleted",
        actor=actor,
        obj=document,
        edition_id=application.edition_id,
        before=audit.snapshot(document, ["original_name", "size_bytes", "sha256", "area_id"]),
    )
    path = uploads.document_path(document.stored_name)
    application.documents.remove(document)
    db.session.flush()
    return path


# --- organizer list ----------------------------------------------------------------


def documents_by_area(application: Application) -> dict[int | None, list[Document]]:
    """An application's documents grouped by area id (None: general)."""
    grouped: dict[int | None, list[Document]] = {}
    for document in application.documents:
        grouped.setdefault(document.area_id, []).append(document)
    return grouped


# --- results -----------------------------------------------------------------


def awards_of(application: Application) -> list[Award]:
    """The chapter's awards for an entry, with their diplomas (two queries)."""
    return list(
        db.session.scalars(
            sa.select(Award)
            .where(Award.application_id == application.id)
            .options(selectinload(Award.diplomas), selectinload(Award.special_award))
            .order_by(Award.kind, Award.id)
        )
    )


def _downloadable(diploma: Diploma) -> bool:
    return bool(
        diploma.revoked_at is None
        and diploma.stored_name
        and (uploads.diplomas_dir() / diploma.stored_name).is_file()
    )


def downloadable_diplomas(awards: list[Award]) -> list[Diploma]:
    """Diplomas of these awards that can be handed out: not revoked, and their file exists."""
    return [diploma for award in awards for diploma in award.diplomas if _downloadable(diploma)]


def participation_certificates(application: Application) -> list[Diploma]:
    """The entry's certificate of participation in force (entries without an award)."""
    return [
        diploma
        for diploma in db.session.scalars(
            sa.select(Diploma).where(
                Diploma.application_id == application.id,
                Diploma.award_id.is_(None),
                Diploma.revoked_at.is_(None),
            )
        )
        if _downloadable(diploma)
    ]
