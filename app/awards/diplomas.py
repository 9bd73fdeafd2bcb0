"""Diplomas and certificates: what each one certifies, rendering it to PDF,
generating, regenerating and revoking.

- Every award gets one document (the template the edition's design picks for
  its kind); with the design's participation setting, every submitted entry
  without an award gets a certificate of participation. A `Subject` is one
  such (entry, award or None, template).
- What a document certifies is a text snapshot taken when it is generated
  (`snapshot_of`): the PDF and /verify show it, so renaming the office or
  the category later changes neither.
- Regenerating makes a new version and revokes the live one in the same
  transaction; the database keeps one live document per award (and per entry
  for participation) with partial unique indexes.
- `render_diploma(diploma)` renders the stored snapshot: the Jinja template
  here, in the app; WeasyPrint in app/pdf/render.py (for a batch, in a pool
  of processes: app/awards/diploma_batch.py).

Functions flush and audit, never commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import segno
import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from app.audit import services as audit
from app.awards import diploma_files as files
from app.awards.diploma_models import DiplomaDesign
from app.awards.models import Award, AwardKind, Diploma, DiplomaTemplate
from app.editions.models import Edition
from app.errors import LaurelError
from app.extensions import db
from app.labels import label
from app.offices.models import Application, ApplicationStatus
from app.pdf import render
from app.timeutil import utcnow

PARTICIPATION = DiplomaTemplate.participation.value


@dataclass
class Subject:
    """What one document is for: an award, or an entry's participation."""

    application: Application
    award: Award | None
    template: str


def design_of(edition: Edition) -> DiplomaDesign:
    """The edition's saved design, else the defaults (not added to the session)."""
    return db.session.get(DiplomaDesign, edition.id) or DiplomaDesign.defaults(edition)


def template_for(award: Award, design: DiplomaDesign) -> str:
    if award.kind is AwardKind.laureate:
        return design.template_laureate
    if award.kind is AwardKind.distinction:
        return design.template_distinction
    return DiplomaTemplate.special.value


def subject_of_award(award: Award, design: DiplomaDesign) -> Subject:
    return Subject(award.application, award, template_for(award, design))


def subject_of_participation(application: Application) -> Subject:
    return Subject(application, None, PARTICIPATION)


def has_award(application: Application) -> bool:
    return (
        db.session.scalar(
            sa.select(Award.id).where(Award.application_id == application.id).limit(1)
        )
        is not None
    )


def subjects(edition: Edition, design: DiplomaDesign) -> list[Subject]:
    """Every document the edition should have, awards first (two queries)."""
    awards = db.session.scalars(
        sa.select(Award)
        .where(Award.edition_id == edition.id)
        .options(
            joinedload(Award.application).joinedload(Application.office),
            joinedload(Award.application).joinedload(Application.category),
            joinedload(Award.category),
            joinedload(Award.special_award),
        )
        .order_by(Award.category_id.is_(None), Award.category_id, Award.kind, Award.id)
    ).unique()
    result = [subject_of_award(award, design) for award in awards]
    if design.participation:
        awarded = sa.select(Award.application_id).where(Award.edition_id == edition.id)
        entries = db.session.scalars(
            sa.select(Application)
            .where(
                Application.edition_id == edition.id,
                Application.status != ApplicationStatus.draft,
                Application.id.not_in(awarded),
            )
            .options(joinedload(Application.office), joinedload(Application.category))
            .order_by(Application.category_id, Application.id)
        )
        result += [subject_of_participation(entry) for entry in entries]
    return result


def _live_query(edition: Edition):
    return (
        sa.select(Diploma)
        .join(Application, Application.id == Diploma.application_id)
        .where(Application.edition_id == edition.id, Diploma.revoked_at.is_(None))
    )


def live_diplomas(edition: Edition) -> list[Diploma]:
    """The edition's documents in force, with their entry and office (one query)."""
    return list(
        db.session.scalars(
            _live_query(edition)
            .options(selectinload(Diploma.application).selectinload(Application.office))
            .order_by(Diploma.template, Diploma.id)
        )
    )


def live_by_subject(edition: Edition) -> dict[tuple, Diploma]:
    """Live documents keyed like `subject_key` (one query)."""
    return {_key(d.award_id, d.application_id): d for d in db.session.scalars(_live_query(edition))}


def live_of(subject: Subject) -> Diploma | None:
    """The subject's document in force, if any (one query)."""
    query = sa.select(Diploma).where(Diploma.revoked_at.is_(None))
    if subject.award is not None:
        query = query.where(Diploma.award_id == subject.award.id)
    else:
        query = query.where(
            Diploma.application_id == subject.application.id, Diploma.award_id.is_(None)
        )
    return db.session.scalar(query)


def _key(award_id: int | None, application_id: int) -> tuple:
    return ("award", award_id) if award_id is not None else ("entry", application_id)


def subject_key(subject: Subject) -> tuple:
    return _key(subject.award.id if subject.award else None, subject.application.id)


# ---- what a document certifies -----------------------------------------------------------


def issue_date(edition: Edition, today: dt.date) -> dt.date:
    """Diplomas are dated on the gala when one is planned, else the day they are made."""
    return edition.gala_date or today


def valid_until(template: str, issued: dt.date, design: DiplomaDesign) -> dt.date | None:
    """A quality-mark certificate is valid for the edition's number of years
    from its date (to the day before the anniversary); other documents do not
    expire."""
    if template != DiplomaTemplate.quality_mark.value:
        return None
    years = design.certificate_valid_years
    try:
        anniversary = issued.replace(year=issued.year + years)
    except ValueError:  # 29 February
        anniversary = issued.replace(year=issued.year + years, day=28)
    return anniversary - dt.timedelta(days=1)


def snapshot_of(subject: Subject, design: DiplomaDesign, *, today: dt.date) -> dict:
    """The text a document certifies, as printed, in plain JSON values."""
    application, award = subject.application, subject.award
    edition = application.edition
    category = (award.category if award and award.category else None) or application.category
    issued = issue_date(edition, today)
    until = valid_until(subject.template, issued, design)
    with force_locale(_diploma_locale()):
        award_label = str(label(award.kind)) if award else ""
    return {
        "template": subject.template,
        "office": application.office.name,
        "office_city": application.office.city,
        "edition": edition.name,
        "edition_year": edition.year,
        "organizer": edition.organizer_name,
        "category": category.name if category else "",
        "award_kind": award.kind.value if award else None,
        "award_label": award_label,
        "award_title": award.special_award.name if award and award.special_award else "",
        "justification": award.justification if award else "",
        "gala_date": edition.gala_date.isoformat() if edition.gala_date else None,
        "gala_place": edition.gala_place or "",
        "issued_on": issued.isoformat(),
        "valid_until": until.isoformat() if until else None,
        "signers": [{"name": s["name"], "role": s["role"]} for s in design.signers()],
    }


DATE_FIELDS = ("gala_date", "issued_on", "valid_until")


def printed(snapshot: dict) -> dict:
    """A snapshot for a template: its ISO dates (JSON keeps text) as dates."""
    return {
        key: dt.date.fromisoformat(value) if key in DATE_FIELDS and value else value
        for key, value in snapshot.items()
    }


def _diploma_locale() -> str:
    # Diplomas are printed in the competition's language, whoever clicks.
    return current_app.config.get("DIPLOMA_LOCALE") or current_app.config["BABEL_DEFAULT_LOCALE"]


def new_code() -> str:
    """192 random bits, URL-safe, 32 characters (the column holds 40)."""
    return secrets.token_urlsafe(24)


# ---- rendering -----------------------------------------------------------------------------


def verify_url(code: str) -> str:
    """The absolute address of the public verification page (needs a request
    context: the batch makes one from the address the organizer used)."""
    return url_for("verify.verify", code=code, _external=True)


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG (cheap for WeasyPrint: no image to
    decode). A fixed mask pattern (any of the eight is valid) spares segno
    the search for the best one, four fifths of its time."""
    svg = segno.make(url, error="m", micro=False, mask=0).svg_inline(
        scale=1, border=2, dark="#1d2433"
    )
    return Markup(svg)


def _stylesheet() -> str:
    return render.STYLESHEET.read_text(encoding="utf-8")


def document_html(diploma: Diploma, design: DiplomaDesign) -> str:
    """The HTML of a document, from its snapshot, in the diploma language."""
    url = verify_url(diploma.verification_code)
    signers = [
        {"name": s["name"], "role": s["role"], "image_url": files.image_url(s["image"])}
        for s in design.signers()
    ]
    # The signatures printed are those of the snapshot; their images come from the design.
    if [s["name"] for s in signers] != [s["name"] for s in diploma.snapshot.get("signers", [])]:
        signers = [dict(s, image_url=None) for s in diploma.snapshot.get("signers", [])]
    template = current_app.jinja_env.get_template(f"pdf/{diploma.template}.html")
    with force_locale(_diploma_locale()):
        return template.render(
            d=printed(diploma.snapshot),
            code=diploma.verification_code,
            verify_url=url,
            qr_svg=qr_svg(url),
            logo_url=files.image_url(design.logo_name),
            signers=signers,
        )


def pdf_job(diploma: Diploma, design: DiplomaDesign) -> render.Job:
    return render.Job(
        html=document_html(diploma, design),
        stylesheet=_stylesheet(),
        base_url=render.STATIC_URL,
        allowed_dirs=(str(render.FONT_DIR), str(files.design_dir())),
    )


def render_diploma(diploma: Diploma, design: DiplomaDesign | None = None) -> bytes:
    """The PDF of a diploma, from its snapshot (in this process)."""
    design = design or design_of(diploma.application.edition)
    return render.html_to_pdf(pdf_job(diploma, design))


# ---- generating and revoking ---------------------------------------------------------------


def _next_version(subject: Subject) -> int:
    query = sa.select(sa.func.max(Diploma.version))
    if subject.award is not None:
        query = query.where(Diploma.award_id == subject.award.id)
    else:
        query = query.where(
            Diploma.application_id == subject.application.id, Diploma.award_id.is_(None)
        )
    return (db.session.scalar(query) or 0) + 1


def prepare(subject: Subject, design: DiplomaDesign, *, actor, version: int, today: dt.date):
    """A new, not yet stored document for a subject (not in the session)."""
    return Diploma(
        award_id=subject.award.id if subject.award else None,
        application_id=subject.application.id,
        application=subject.application,
        version=version,
        verification_code=new_code(),
        template=subject.template,
        snapshot=snapshot_of(subject, design, today=today),
        valid_until=valid_until(
            subject.template, issue_date(subject.application.edition, today), design
        ),
        generated_by_id=getattr(actor, "id", None),
        revoke_reason="",
    )


def _revoke(diploma: Diploma, *, reason: str, now: dt.datetime) -> None:
    diploma.revoked_at = max(now, diploma.generated_at)
    diploma.revoke_reason = reason


def install(diploma: Diploma, pdf: bytes, *, replaces: Diploma | None, now: dt.datetime) -> None:
    """Store a rendered document and put it in force, revoking the one it
    replaces first (the partial unique index allows one live document)."""
    diploma.stored_name, diploma.sha256 = files.store_pdf(pdf)
    diploma.generated_at = now
    if replaces is not None:
        # No reason text: /verify names the version that replaced it.
        _revoke(replaces, reason="", now=now)
        db.session.flush()
    db.session.add(diploma)
    db.session.flush()


def _check_may_generate(design: DiplomaDesign, actor) -> None:
    if not design.can_generate(actor):
        raise LaurelError(_("Diplomas can be generated once the chapter deliberates."))


def generate_diploma(subject: Subject, *, actor, today: dt.date | None = None) -> Diploma:
    """Make a subject's document now (one PDF, in this process): a new
    version that revokes the live one. Audited."""
    edition = subject.application.edition
    design = design_of(edition)
    _check_may_generate(design, actor)
    live = live_of(subject)
    diploma = prepare(
        subject, design, actor=actor, version=_next_version(subject), today=today or _today()
    )
    pdf = render_diploma(diploma, design)
    install(diploma, pdf, replaces=live, now=utcnow())
    audit.record(
        "diploma.generate",
        actor=actor,
        obj=diploma,
        edition_id=edition.id,
        after={
            "template": diploma.template,
            "version": diploma.version,
            "sha256": diploma.sha256,
            "office": diploma.snapshot["office"],
            "replaces": live.id if live else None,
        },
    )
    return diploma


def revoke_diploma(diploma: Diploma, *, actor, reason: str) -> None:
    """Withdraw a live document (an error found after printing): /verify then
    says it was revoked, and when. A reason is required."""
    design = design_of(diploma.application.edition)
    _check_may_generate(design, actor)
    reason = (reason or "").strip()
    if not reason:
        raise LaurelError(_("Give the reason for revoking the diploma."))
    if diploma.revoked_at is not None:
        raise LaurelError(_("This diploma has already been revoked."))
    _revoke(diploma, reason=reason, now=utcnow())
    db.session.flush()
    audit.record(
        "diploma.revoke",
        actor=actor,
        obj=diploma,
        edition_id=diploma.application.edition_id,
        after={"version": diploma.version, "reason": reason},
    )


def _today() -> dt.date:
    return utcnow().date()


# ---- reading ------------------------------------------------------------------------------


def by_code(code: str) -> Diploma | None:
    return db.session.scalar(sa.select(Diploma).where(Diploma.verification_code == code))


def replacement_of(diploma: Diploma) -> Diploma | None:
    """The next version of a revoked document, when it was regenerated."""
    query = sa.select(Diploma).where(Diploma.version > diploma.version)
    if diploma.award_id is not None:
        query = query.where(Diploma.award_id == diploma.award_id)
    else:
        query = query.where(
            Diploma.application_id == diploma.application_id, Diploma.award_id.is_(None)
        )
    return db.session.scalar(query.order_by(Diploma.version).limit(1))


def zip_entries(edition: Edition) -> list[tuple[str, str]]:
    """(file name in the ZIP, stored name) of every live document."""
    entries = []
    for diploma in live_diplomas(edition):
        if not diploma.stored_name:
            continue
        s = diploma.snapshot
        what = (
            s.get("award_title")
            or s.get("award_label")
            or str(label(DiplomaTemplate(diploma.template)))
        )
        entries.append((f"{s.get('office', '')} - {what}.pdf", diploma.stored_name))
    return entries
