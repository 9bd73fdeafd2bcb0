"""Qualification to stage 2: the proposed list from the stage-1 ranking, the
organizer's overrides (each with a reason), and the confirmation that closes
stage 1, sets each entry qualified or not, and tells the offices.

The rule is the edition's, declared before scoring ends: per category the best
K entries (entries tied at the K-th place all go through: the ranking cannot
tell them apart, so cutting between them would be arbitrary), or every entry at
or above a stage-1 percentage. An entry with no stage-1 score is not proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.audit import services as audit
from app.editions import phases
from app.editions.models import Category, Edition, EditionStatus, QualificationMode
from app.errors import LaurelError
from app.extensions import db
from app.mail import send_mail
from app.offices.models import Application, ApplicationStatus, Office
from app.results.models import Qualification, QualificationOverride
from app.results.ranking import RankingRow, rank


@dataclass
class Candidate:
    """One entry on the list: its stage-1 result, the rule's proposal, and the
    organizer's override if there is one."""

    row: RankingRow
    proposed: bool
    override: QualificationOverride | None = None

    @property
    def application_id(self) -> int:
        return self.row.application_id

    @property
    def qualified(self) -> bool:
        return self.override.qualified if self.override else self.proposed

    @property
    def overridden(self) -> bool:
        return self.override is not None and self.override.qualified != self.proposed


@dataclass
class CategoryList:
    category_id: int
    category: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def qualified(self) -> int:
        return sum(c.qualified for c in self.candidates)


@dataclass
class QualificationList:
    edition: Edition
    mode: QualificationMode
    value: float
    categories: list[CategoryList] = field(default_factory=list)

    @property
    def candidates(self) -> list[Candidate]:
        return [c for cat in self.categories for c in cat.candidates]

    @property
    def qualified(self) -> int:
        return sum(c.qualified for c in self.candidates)


def proposed(row: RankingRow, mode: QualificationMode, value: float) -> bool:
    """The edition's rule for one entry of the stage-1 ranking."""
    if row.score is None or row.position is None:
        return False
    if mode is QualificationMode.top_k:
        return row.position <= int(value)
    # Compared as the page shows the score (two decimals), so that an entry
    # shown at exactly the threshold is not left out by a rounding remainder.
    return round(row.score, 6) >= value


def _overrides(edition: Edition) -> dict[int, QualificationOverride]:
    rows = db.session.scalars(
        sa.select(QualificationOverride)
        .join(Application, Application.id == QualificationOverride.application_id)
        .where(Application.edition_id == edition.id)
        .options(selectinload(QualificationOverride.created_by))
    )
    return {o.application_id: o for o in rows}


def candidate_list(edition: Edition) -> QualificationList:
    """The proposed stage-2 list, category by category in stage-1 order, with
    the overrides applied (four queries: the ranking's three and the overrides)."""
    ranking = rank(edition, stage=1)
    overrides = _overrides(edition)
    mode, value = edition.qualification_mode, float(edition.qualification_value)
    result = QualificationList(edition=edition, mode=mode, value=value)
    for (category_id, category), rows in groupby(
        ranking.rows, key=lambda r: (r.category_id, r.category)
    ):
        result.categories.append(
            CategoryList(
                category_id=category_id,
                category=category,
                candidates=[
                    Candidate(
                        row=row,
                        proposed=proposed(row, mode, value),
                        override=overrides.get(row.application_id),
                    )
                    for row in rows
                ],
            )
        )
    return result


def confirmed(edition: Edition) -> list[tuple[str, list[Qualification]]]:
    """The confirmed record per category (in the edition's category order), by
    stage-1 position; entries without a score last."""
    rows = db.session.scalars(
        sa.select(Qualification)
        .join(Application, Application.id == Qualification.application_id)
        .join(Category, Category.id == Application.category_id)
        .where(Qualification.edition_id == edition.id)
        .options(
            selectinload(Qualification.application).selectinload(Application.office),
            selectinload(Qualification.application).selectinload(Application.category),
        )
        .order_by(
            Category.position,
            Category.id,
            Qualification.position.is_(None),
            Qualification.position,
            Qualification.id,
        )
    )
    return [
        (category.name, list(group))
        for category, group in groupby(rows, key=lambda q: q.application.category)
    ]


def is_confirmed(edition: Edition) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(Qualification.id)).where(Qualification.edition_id == edition.id)
        )
    )


def _check_open(edition: Edition) -> None:
    if edition.status is not EditionStatus.stage1 or is_confirmed(edition):
        raise LaurelError(
            _("The stage-2 list can only be changed in stage 1, before it is confirmed.")
        )


def set_override(
    application: Application, *, qualified: bool, reason: str, actor
) -> QualificationOverride:
    """Put one entry on the list or take it off, against the rule, with a reason."""
    edition = application.edition
    _check_open(edition)
    if application.status is not ApplicationStatus.submitted:
        raise LaurelError(_("Only a submitted application can be qualified."))
    reason = (reason or "").strip()
    if not reason:
        raise LaurelError(_("Give the reason for departing from the proposed list."))
    override = db.session.scalar(
        sa.select(QualificationOverride).where(
            QualificationOverride.application_id == application.id
        )
    )
    before = {"qualified": override.qualified, "reason": override.reason} if override else None
    if override is None:
        override = QualificationOverride(application_id=application.id)
        db.session.add(override)
    override.qualified = qualified
    override.reason = reason
    override.created_by_id = actor.id
    db.session.flush()
    audit.record(
        "qualification.override",
        actor=actor,
        obj=application,
        edition_id=edition.id,
        before=before,
        after={"qualified": qualified, "reason": reason},
    )
    return override


def clear_override(application: Application, *, actor) -> None:
    """Back to what the rule proposes."""
    _check_open(application.edition)
    override = db.session.scalar(
        sa.select(QualificationOverride).where(
            QualificationOverride.application_id == application.id
        )
    )
    if override is None:
        return
    before = {"qualified": override.qualified, "reason": override.reason}
    db.session.delete(override)
    db.session.flush()
    audit.record(
        "qualification.override_removed",
        actor=actor,
        obj=application,
        edition_id=application.edition_id,
        before=before,
    )


def confirm(
    edition: Edition,
    *,
    actor,
    expected: EditionStatus,
    confirm_missing: bool = False,
    notify: bool = True,
) -> QualificationList:
    """Confirm the list: write each entry's decision, set its status, close
    stage 1 (which locks its sheets; missing sheets need `confirm_missing`)
    and tell the offices (unless `notify` is off: the demo seed). Flushes,
    never commits: if closing the stage is refused, the caller rolls
    everything back."""
    if edition.status is not expected:
        raise LaurelError(
            _("The edition's phase has changed in the meantime. Check the page and try again.")
        )
    _check_open(edition)
    candidates = candidate_list(edition)
    if not candidates.candidates:
        raise LaurelError(_("No application has been submitted yet."))
    for c in candidates.candidates:
        db.session.add(
            Qualification(
                edition_id=edition.id,
                application_id=c.application_id,
                stage1_score=c.row.score,
                position=c.row.position,
                tied=c.row.tied,
                proposed=c.proposed,
                qualified=c.qualified,
                reason=c.override.reason if c.override else "",
                decided_by_id=actor.id,
            )
        )
    qualified_ids = [c.application_id for c in candidates.candidates if c.qualified]
    others = [c.application_id for c in candidates.candidates if not c.qualified]
    for ids, status in (
        (qualified_ids, ApplicationStatus.qualified),
        (others, ApplicationStatus.not_qualified),
    ):
        if ids:
            db.session.execute(
                sa.update(Application)
                .where(Application.id.in_(ids))
                .values(status=status, version=Application.version + 1)
                .execution_options(synchronize_session="fetch")
            )
    db.session.flush()
    phases.advance_phase(
        edition,
        actor=actor,
        expected=EditionStatus.stage1,
        target=EditionStatus.stage2,
        confirm_missing=confirm_missing,
    )
    audit.record(
        "qualification.confirmed",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        after={
            "rule": edition.qualification_mode,
            "value": float(edition.qualification_value),
            "qualified": len(qualified_ids),
            "not_qualified": len(others),
            "overrides": {
                c.application_id: {"qualified": c.qualified, "reason": c.override.reason}
                for c in candidates.candidates
                if c.override is not None
            },
        },
    )
    if notify:
        _notify(edition, candidates)
    return candidates


def _notify(edition: Edition, candidates: QualificationList) -> None:
    """Each office's active users, in their own language."""
    decisions = {c.application_id: c.qualified for c in candidates.candidates}
    offices = db.session.execute(
        sa.select(Application.id, Office)
        .join(Office, Office.id == Application.office_id)
        .where(Application.id.in_(decisions))
        .options(selectinload(Office.users))
    ).all()
    for application_id, office in offices:
        link = url_for("offices.application_detail", application_id=application_id, _external=True)
        for user in office.users:
            if not user.is_active:
                continue
            with force_locale(user.locale or "pl"):
                if decisions[application_id]:
                    subject = _("Laurel: your application goes on to stage 2")
                    body = _(
                        "Hello %(name)s,\n\nThe application of %(office)s to %(edition)s has "
                        "qualified for stage 2. In stage 2 the jury gathers information from "
                        "outside sources and a mystery shopper contacts the office.\n\n%(link)s\n",
                        name=user.full_name,
                        office=office.name,
                        edition=edition.name,
                        link=link,
                    )
                else:
                    subject = _("Laurel: stage 1 results of your application")
                    body = _(
                        "Hello %(name)s,\n\nThe application of %(office)s to %(edition)s has not "
                        "qualified for stage 2. Thank you for taking part; the jury's feedback "
                        "will be available when the results are published.\n\n%(link)s\n",
                        name=user.full_name,
                        office=office.name,
                        edition=edition.name,
                        link=link,
                    )
                send_mail(user.email, subject, body)
