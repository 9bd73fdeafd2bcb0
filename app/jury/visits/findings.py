"""Findings from outside sources about an entry (stage 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.audit import services as audit
from app.editions.models import Criterion
from app.errors import LaurelError
from app.extensions import db
from app.jury.visits import files
from app.jury.visits.models import ExternalFinding, FindingEffect, can_add_stage2_evidence
from app.offices.models import Application
from app.timeutil import WARSAW

FIELDS = ["source", "url", "found_on", "finding", "effect", "criterion_id", "attachment_name"]


@dataclass
class FindingData:
    source: str
    found_on: dt.date
    finding: str
    effect: FindingEffect = FindingEffect.neutral
    url: str = ""
    criterion_id: int | None = None


def url_problem(url: str) -> str | None:
    """Why a link cannot be stored, or None. Only web links: a javascript: or
    data: address shown to jurors as a link would run in their browser."""
    if not url:
        return None
    if len(url) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return _("Enter a valid web address (http:// or https://).")
    try:
        parts = urlsplit(url)
    except ValueError:
        return _("Enter a valid web address (http:// or https://).")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _("Enter a valid web address (http:// or https://).")
    return None


def today() -> dt.date:
    return dt.datetime.now(WARSAW).date()


def _check(application: Application, data: FindingData) -> None:
    data.source, data.finding, data.url = (
        data.source.strip(),
        data.finding.strip(),
        data.url.strip(),
    )
    if not data.source or len(data.source) > 300:
        raise LaurelError(_("Name the source (at most 300 characters)."))
    if not data.finding or len(data.finding) > 20000:
        raise LaurelError(_("Describe the finding (at most 20000 characters)."))
    problem = url_problem(data.url)
    if problem:
        raise LaurelError(problem)
    if data.found_on is None or data.found_on > today():
        raise LaurelError(_("The date found cannot be in the future."))
    if data.criterion_id is not None:
        criterion = db.session.get(Criterion, data.criterion_id)
        if (
            criterion is None
            or criterion.area.edition_id != application.edition_id
            or criterion.stage != 2
        ):
            raise LaurelError(_("Choose a stage 2 criterion of this edition."))


def findings_of(application: Application) -> list[ExternalFinding]:
    return db.session.scalars(
        sa.select(ExternalFinding)
        .where(ExternalFinding.application_id == application.id)
        .options(selectinload(ExternalFinding.author), selectinload(ExternalFinding.criterion))
        .order_by(ExternalFinding.found_on.desc(), ExternalFinding.id.desc())
    ).all()


def _attach(finding: ExternalFinding, attachment: files.CleanFile) -> str:
    name = files.write(attachment)
    finding.attachment_name = attachment.original_name
    finding.attachment_stored_name = name
    finding.attachment_type = attachment.content_type
    finding.attachment_size = len(attachment.data)
    return name


def add_finding(
    application: Application,
    *,
    actor,
    data: FindingData,
    attachment: files.CleanFile | None = None,
) -> ExternalFinding:
    """Record a finding during stage 2 (organizers and the entry's stage-2
    jurors): a web link only over http(s), a date not in the future, an
    optional stage-2 criterion of the same edition."""
    if not can_add_stage2_evidence(application, actor):
        raise LaurelError(_("Findings can be added only by this entry's jurors during stage 2."))
    _check(application, data)
    finding = ExternalFinding(
        application_id=application.id,
        author_id=actor.id,
        source=data.source,
        url=data.url,
        found_on=data.found_on,
        finding=data.finding,
        effect=data.effect,
        criterion_id=data.criterion_id,
    )
    if attachment is not None:
        _attach(finding, attachment)
    db.session.add(finding)
    db.session.flush()
    audit.record(
        "finding.added",
        actor=actor,
        obj=finding,
        edition_id=application.edition_id,
        after=audit.snapshot(finding, FIELDS),
    )
    return finding


def update_finding(
    finding: ExternalFinding,
    *,
    actor,
    data: FindingData,
    attachment: files.CleanFile | None = None,
    remove_attachment: bool = False,
) -> str | None:
    """Change a finding (its author or an organizer, during stage 2). Returns
    the stored name of a replaced attachment, to delete after the commit."""
    if not finding.can_edit(actor):
        raise LaurelError(_("You cannot change this finding."))
    _check(finding.application, data)
    before = audit.snapshot(finding, FIELDS)
    for f in ("source", "url", "found_on", "finding", "effect", "criterion_id"):
        setattr(finding, f, getattr(data, f))
    old = None
    if attachment is not None or remove_attachment:
        old = finding.attachment_stored_name
        finding.attachment_name, finding.attachment_stored_name = "", None
        finding.attachment_type, finding.attachment_size = "", None
    if attachment is not None:
        _attach(finding, attachment)
    db.session.flush()
    audit.record(
        "finding.updated",
        actor=actor,
        obj=finding,
        edition_id=finding.application.edition_id,
        before=before,
        after=audit.snapshot(finding, FIELDS),
    )
    return old


def delete_finding(finding: ExternalFinding, *, actor) -> str | None:
    """Delete a finding (its author or an organizer, during stage 2)."""
    if not finding.can_edit(actor):
        raise LaurelError(_("You cannot change this finding."))
    old = finding.attachment_stored_name
    audit.record(
        "finding.deleted",
        actor=actor,
        obj=finding,
        edition_id=finding.application.edition_id,
        before=audit.snapshot(finding, FIELDS),
    )
    db.session.delete(finding)
    db.session.flush()
    return old
