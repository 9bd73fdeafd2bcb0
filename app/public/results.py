"""What the public results pages read: the archive of editions whose results
are public, and one edition's results. The results themselves come from
`app.awards.publishing.results_summary` (the organizer's results page and the
offices' e-mails use it too); this module only adds the archive's counts and
the diplomas' verification codes. A fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from app.awards.models import Award, AwardKind, Diploma
from app.awards.publishing import ResultsSummary, results_summary
from app.editions.models import Edition, EditionStatus
from app.extensions import db
from app.offices.models import Application, ApplicationStatus

PUBLIC_STATUSES = [s for s in EditionStatus if s.order >= EditionStatus.results_published.order]


@dataclass
class ArchiveRow:
    edition: Edition
    entries: int
    laureates: int
    distinctions: int
    specials: int


def _count_awards(kind: AwardKind):
    return (
        sa.select(sa.func.count(Award.id))
        .where(Award.edition_id == Edition.id, Award.kind == kind)
        .correlate(Edition)
        .scalar_subquery()
    )


def archive() -> list[ArchiveRow]:
    """Every edition whose results are public, newest first, with its number
    of entries (submitted ones), laureates, distinctions and special awards
    given (one query, whatever the number of editions)."""
    entries = (
        sa.select(sa.func.count(Application.id))
        .where(
            Application.edition_id == Edition.id,
            Application.status != ApplicationStatus.draft,
        )
        .correlate(Edition)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(
            Edition,
            entries,
            _count_awards(AwardKind.laureate),
            _count_awards(AwardKind.distinction),
            _count_awards(AwardKind.special),
        )
        .where(Edition.status.in_(PUBLIC_STATUSES))
        .order_by(Edition.year.desc(), Edition.id.desc())
    ).all()
    return [ArchiveRow(*row) for row in rows]


@dataclass
class PublicResults:
    summary: ResultsSummary
    # Award id -> the verification code of its newest diploma not revoked.
    diploma_codes: dict[int, str]

    @property
    def edition(self) -> Edition:
        return self.summary.edition

    @property
    def category_names(self) -> dict[int, str]:
        return {r.category.id: r.category.name for r in self.summary.categories}

    @property
    def specials(self):
        """The special awards that were given (one not given is not news)."""
        return [s for s in self.summary.specials if s.winners]


def published_edition(slug: str) -> Edition | None:
    """The edition with this slug, if its results are public."""
    return db.session.scalar(
        sa.select(Edition)
        .where(Edition.slug == slug, Edition.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Edition.categories))
    )


def live_diploma_codes(award_ids) -> dict[int, str]:
    """Per award, the verification code of its newest diploma that is not
    revoked (a revoked one must not be shown as valid)."""
    if not award_ids:
        return {}
    rows = db.session.execute(
        sa.select(Diploma.award_id, Diploma.verification_code)
        .where(Diploma.award_id.in_(award_ids), Diploma.revoked_at.is_(None))
        .order_by(Diploma.award_id, Diploma.version)
    ).all()
    return dict(rows)  # the highest version comes last and wins


def edition_results(slug: str) -> PublicResults | None:
    """An edition's published results, or None (unknown slug, or results not
    public yet)."""
    edition = published_edition(slug)
    if edition is None:
        return None
    summary = results_summary(edition)
    award_ids = [
        line.award.id
        for result in summary.categories
        for line in result.laureates + result.distinctions
    ] + [line.award.id for result in summary.specials for line in result.winners]
    return PublicResults(summary=summary, diploma_codes=live_diploma_codes(award_ids))


def verify_url(code: str) -> str:
    """The public verification page of a diploma (the page its QR code opens)."""
    return url_for("verify.verify", code=code)
