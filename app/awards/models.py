from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.editions.models import Category, Edition
    from app.offices.models import Application


class AwardKind(enum.Enum):
    """The chapter's outcomes, named once: the office's result is derived from
    its awards (none means it took part), not kept in a status of its own."""

    laureate = "laureate"
    distinction = "distinction"
    special = "special"  # one of the edition's SpecialAward, e.g. "Urząd innowacyjny"


# Category awards in order of rank: a decision departs from the ranking when an
# entry ranked above gets a lower one of these (or none).
CATEGORY_AWARD_RANK = {AwardKind.laureate: 2, AwardKind.distinction: 1}


class SpecialAward(db.Model):
    """An award the edition defines beside its categories (the statuette
    "Urząd innowacyjny"); copied with the edition."""

    __tablename__ = "special_award"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "name"),
        sa.CheckConstraint("name != ''", name="has_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship()


class Award(db.Model):
    """The chapter's decision for one entry, with its justification."""

    __tablename__ = "award"
    __table_args__ = (
        # One category award (laureate or distinction) per entry...
        sa.Index(
            "uq_award_category_award",
            "application_id",
            unique=True,
            sqlite_where=sa.text("kind != 'special'"),
            postgresql_where=sa.text("kind != 'special'"),
        ),
        # ...and each special award at most once per entry.
        sa.UniqueConstraint("application_id", "special_award_id"),
        sa.CheckConstraint(
            "(kind = 'special' AND special_award_id IS NOT NULL) "
            "OR (kind != 'special' AND special_award_id IS NULL AND category_id IS NOT NULL)",
            name="kind_matches_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("category.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AwardKind]
    special_award_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("special_award.id", ondelete="RESTRICT"), index=True
    )
    justification: Mapped[str] = mapped_column(sa.Text, default="")
    # Why the chapter departed from the ranking order, when it did.
    departure_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The ranking the decision was taken on; a retaken snapshot asks for a review.
    snapshot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ranking_snapshot.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category | None] = relationship()
    application: Mapped[Application] = relationship()
    special_award: Mapped[SpecialAward | None] = relationship()
    diplomas: Mapped[list[Diploma]] = relationship(
        back_populates="award", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def title(self) -> str:
        """The special award's name; category awards are named by their kind."""
        return self.special_award.name if self.special_award else ""

    @property
    def is_category_award(self) -> bool:
        return self.kind in CATEGORY_AWARD_RANK

    def needs_review(self, current_snapshot_id: int | None) -> bool:
        """Decided on a ranking that has since been retaken: the chapter must
        confirm it on the current one before the results are published."""
        return current_snapshot_id is not None and self.snapshot_id != current_snapshot_id

    def can_view(self, user) -> bool:
        """Organizers always; the awarded office's users once results are public."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_organizer:
            return True
        return self.application.office.has_member(user) and self.edition.results_public


class WithheldAward(db.Model):
    """The chapter found no entry of a category good enough: no laureate, and
    the reason is published with the results."""

    __tablename__ = "withheld_award"
    __table_args__ = (sa.CheckConstraint("reason != ''", name="has_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("category.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    category: Mapped[Category] = relationship()


class DiplomaTemplate(enum.Enum):
    """The documents Laurel prints (app/templates/pdf/<value>.html)."""

    laureate = "laureate"  # laureate of a category
    distinction = "distinction"
    special = "special"  # a special award, e.g. the statuette "Urząd innowacyjny"
    quality_mark = "quality_mark"  # the quality-mark certificate, valid for some years
    participation = "participation"  # an entry without an award


class Diploma(db.Model):
    """A generated PDF: for an award, or a participation certificate for an
    entry without one. Each regeneration is a new version and revokes the
    previous one, so one document per award (per entry for participation) is
    live at a time. What it certifies is a text snapshot taken at generation:
    a later rename of the office changes nothing on it or on /verify."""

    __tablename__ = "diploma"
    __table_args__ = (
        sa.UniqueConstraint("award_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # Participation certificates are exactly the documents without an award.
        sa.CheckConstraint(
            "(award_id IS NULL AND template = 'participation') "
            "OR (award_id IS NOT NULL AND template != 'participation')",
            name="award_matches_template",
        ),
        sa.CheckConstraint(
            "template IN ('laureate', 'distinction', 'special', 'quality_mark', 'participation')",
            name="template_known",
        ),
        sa.CheckConstraint(
            "revoked_at IS NULL OR revoked_at >= generated_at", name="revoked_after"
        ),
        # One live document per award...
        sa.Index(
            "uq_diploma_live_award",
            "award_id",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
        # ...and one live participation certificate per entry, with its own versions.
        sa.Index(
            "uq_diploma_live_participation",
            "application_id",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL AND award_id IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL AND award_id IS NULL"),
        ),
        sa.Index(
            "uq_diploma_participation_version",
            "application_id",
            "version",
            unique=True,
            sqlite_where=sa.text("award_id IS NULL"),
            postgresql_where=sa.text("award_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("award.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    # secrets.token_urlsafe(24): 192 random bits in 32 characters.
    verification_code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    template: Mapped[str] = mapped_column(sa.String(60), default="laureate")
    stored_name: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    # SHA-256 of the PDF as issued: /verify says whether an uploaded file is it.
    sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    # What the document certifies, as printed (office, award, category, edition...).
    snapshot: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Certificates of the quality mark are valid until this day (inclusive).
    valid_until: Mapped[dt.date | None]
    generated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    generated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[dt.datetime | None]
    revoke_reason: Mapped[str] = mapped_column(sa.Text, default="")

    award: Mapped[Award | None] = relationship(back_populates="diplomas")
    application: Mapped[Application] = relationship()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def expired(self, today: dt.date) -> bool:
        return self.valid_until is not None and today > self.valid_until

    def can_download(self, user) -> bool:
        """Organizers always; the awarded office's users once results are public."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_organizer:
            return True
        application = self.application
        return application.office.has_member(user) and application.edition.results_public
