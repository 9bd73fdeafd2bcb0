"""Publishing the chapter's results: what must be decided first, the results
summary (the organizer's preview, the office's page, later the public site),
and the e-mail each office gets when the results are published."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.awards.chapter import awards_of_edition
from app.awards.models import Award, AwardKind, SpecialAward, WithheldAward
from app.awards.services import special_awards
from app.editions.models import Category, Edition
from app.extensions import db
from app.labels import label
from app.mail import send_mail
from app.offices.models import Application, ApplicationStatus, Office
from app.results import snapshot as ranking_snapshot
from app.results.models import RankingEntry, RankingSnapshot


def undecided_categories(edition: Edition) -> list[str]:
    """Names of the categories with neither a laureate nor a withheld award."""
    laureate = sa.exists().where(Award.category_id == Category.id, Award.kind == AwardKind.laureate)
    withheld = sa.exists().where(WithheldAward.category_id == Category.id)
    return list(
        db.session.scalars(
            sa.select(Category.name)
            .where(Category.edition_id == edition.id, ~laureate, ~withheld)
            .order_by(Category.position, Category.id)
        )
    )


def _awaiting_review(edition: Edition, snapshot: RankingSnapshot) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Award.id)).where(
            Award.edition_id == edition.id,
            sa.or_(Award.snapshot_id.is_(None), Award.snapshot_id != snapshot.id),
        )
    )


def publishing_blockers(edition: Edition, snapshot: RankingSnapshot) -> list[str]:
    """Results are published when every category is decided (a laureate, or
    the award withheld), every award was decided or confirmed on the
    current ranking snapshot, and, in a blinded chapter, the names were
    revealed (the audited reveal comes before the world sees them)."""
    blockers = []
    if edition.names_hidden:
        blockers.append(
            _("The chapter is blinded: reveal the entries' names on the chapter's page first.")
        )
    undecided = undecided_categories(edition)
    if undecided:
        blockers.append(
            _(
                "Categories without a laureate or a withheld award: %(names)s.",
                names=", ".join(undecided),
            )
        )
    waiting = _awaiting_review(edition, snapshot)
    if waiting:
        blockers.append(
            ngettext(
                "%(num)s award was decided on an earlier version of the ranking and must be "
                "confirmed in the chapter.",
                "%(num)s awards were decided on an earlier version of the ranking and must be "
                "confirmed in the chapter.",
                waiting,
            )
        )
    return blockers


# ---- the results summary -------------------------------------------------------------


@dataclass
class AwardLine:
    award: Award
    position: int | None

    @property
    def office(self) -> str:
        return self.award.application.office.name

    @property
    def application_id(self) -> int:
        return self.award.application_id


@dataclass
class CategoryResult:
    category: Category
    laureates: list[AwardLine] = field(default_factory=list)
    distinctions: list[AwardLine] = field(default_factory=list)
    withheld_reason: str | None = None

    @property
    def decided(self) -> bool:
        return self.withheld_reason is not None or bool(self.laureates)


@dataclass
class SpecialResult:
    special_award: SpecialAward
    winners: list[AwardLine] = field(default_factory=list)


@dataclass
class ResultsSummary:
    edition: Edition
    categories: list[CategoryResult] = field(default_factory=list)
    specials: list[SpecialResult] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.edition.results_public

    def awards_of(self, application_id: int) -> list[AwardLine]:
        lines = [
            line
            for result in self.categories
            for line in result.laureates + result.distinctions
            if line.application_id == application_id
        ]
        return lines + [
            line
            for result in self.specials
            for line in result.winners
            if line.application_id == application_id
        ]

    def withheld_reason(self, category_id: int) -> str | None:
        return next(
            (r.withheld_reason for r in self.categories if r.category.id == category_id), None
        )


def _sort_key(line: AwardLine) -> tuple:
    # Ranking order; unranked entries (a special award) last, by office name.
    return (line.position is None, line.position or 0, line.office)


def results_summary(edition: Edition) -> ResultsSummary:
    """Laureates and distinctions per category in ranking order (of the
    current snapshot), the special awards with their winners, and the
    withheld categories with their reasons. A fixed number of queries."""
    summary = ResultsSummary(edition=edition)
    awards = awards_of_edition(edition)
    snapshot = ranking_snapshot.current(edition)
    positions: dict[int, int | None] = {}
    if snapshot is not None and awards:
        positions = dict(
            db.session.execute(
                sa.select(RankingEntry.application_id, RankingEntry.position).where(
                    RankingEntry.snapshot_id == snapshot.id,
                    RankingEntry.application_id.in_({a.application_id for a in awards}),
                )
            ).all()
        )
    withheld = dict(
        db.session.execute(
            sa.select(WithheldAward.category_id, WithheldAward.reason).where(
                WithheldAward.edition_id == edition.id
            )
        ).all()
    )
    results = {c.id: CategoryResult(category=c) for c in edition.categories}
    for category_id, reason in withheld.items():
        if category_id in results:
            results[category_id].withheld_reason = reason
    specials = {s.id: SpecialResult(special_award=s) for s in special_awards(edition)}
    for award in awards:
        line = AwardLine(award, positions.get(award.application_id))
        if award.kind is AwardKind.special:
            specials[award.special_award_id].winners.append(line)
        elif award.category_id in results:
            result = results[award.category_id]
            (result.laureates if award.kind is AwardKind.laureate else result.distinctions).append(
                line
            )
    for result in results.values():
        result.laureates.sort(key=_sort_key)
        result.distinctions.sort(key=_sort_key)
    for result in specials.values():
        result.winners.sort(key=_sort_key)
    summary.categories = list(results.values())
    summary.specials = list(specials.values())
    return summary


def withheld_reason(category: Category) -> str | None:
    return db.session.scalar(
        sa.select(WithheldAward.reason).where(WithheldAward.category_id == category.id)
    )


# ---- telling the offices -------------------------------------------------------------


def _award_text(line: AwardLine, category: Category) -> str:
    award = line.award
    if award.kind is AwardKind.special:
        title = _("Special award “%(name)s”", name=award.special_award.name)
    else:
        title = _(
            "%(kind)s in the category “%(category)s”",
            kind=label(award.kind),
            category=category.name,
        )
    return f"- {title}: {award.justification}"


def _message(user, application: Application, summary: ResultsSummary) -> tuple[str, str]:
    edition = application.edition
    lines = summary.awards_of(application.id)
    parts = [
        _("Hello %(name)s,", name=user.full_name),
        _("The chapter's results of %(edition)s are published.", edition=edition.name),
    ]
    if lines:
        parts.append(
            _("%(office)s has received:", office=application.office.name)
            + "\n"
            + "\n".join(_award_text(line, application.category) for line in lines)
        )
    else:
        parts.append(
            _(
                "%(office)s has not received an award in this edition.",
                office=application.office.name,
            )
        )
    reason = summary.withheld_reason(application.category_id)
    if reason is not None:
        parts.append(
            _(
                "The chapter did not name a laureate in the category “%(category)s”: %(reason)s",
                category=application.category.name,
                reason=reason,
            )
        )
    parts.append(
        _("The results and your application are here:")
        + "\n"
        + url_for("offices.application_detail", application_id=application.id, _external=True)
    )
    subject = _("Laurel: the results of %(edition)s", edition=edition.name)
    return subject, "\n\n".join(parts) + "\n"


def notify_results(edition: Edition) -> int:
    """Tell every office with a submitted entry that the results are out: its
    awards with their justifications, or that it has none, and where to read
    them; each user in their own language. Returns the number of e-mails.
    Call it in the transaction that publishes: send_mail queues each message
    on it, so they leave only if the publication commits."""
    summary = results_summary(edition)
    applications = db.session.scalars(
        sa.select(Application)
        .where(
            Application.edition_id == edition.id,
            Application.status != ApplicationStatus.draft,
        )
        .options(selectinload(Application.office).selectinload(Office.users))
        .order_by(Application.id)
    ).all()
    sent = 0
    for application in applications:
        for user in application.office.users:
            if not user.is_active:
                continue
            with force_locale(user.locale or "pl"):
                subject, body = _message(user, application, summary)
            send_mail(user.email, subject, body)
            sent += 1
    return sent
