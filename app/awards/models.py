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
    laureate = "laureate"
    distinction = "distinction"
    special = "special"  # e.g. the "Innovative office" statuette


class Award(db.Model):
    """The chapter's decision for one entry, with its justification."""

    __tablename__ = "award"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "kind", "title"),
        # Special awards carry their own title; category awards belong to a category.
        sa.CheckConstraint("kind != 'special' OR title != ''", name="special_has_title"),
        sa.CheckConstraint(
            "kind = 'special' OR category_id IS NOT NULL", name="category_award_has_category"
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
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    justification: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    edition: Mapped[Edition] = relationship()
    category: Mapped[Category | None] = relationship()
    application: Mapped[Application] = relationship()
    diplomas: Mapped[list[Diploma]] = relationship(
        back_populates="award", cascade="all, delete-orphan", passive_deletes=True
    )


class Diploma(db.Model):
    """A generated PDF for an award; each regeneration is a new version, old ones stay revocable."""

    __tablename__ = "diploma"
    __table_args__ = (
        sa.UniqueConstraint("award_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("award.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    verification_code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    template: Mapped[str] = mapped_column(sa.String(60), default="laureate")
    stored_name: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    generated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    revoke_reason: Mapped[str] = mapped_column(sa.Text, default="")

    award: Mapped[Award] = relationship(back_populates="diplomas")

    def can_download(self, user) -> bool:
        """Organizers always; the awarded office's users once results are public."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_organizer:
            return True
        application = self.award.application
        return application.office.has_member(user) and application.edition.results_public
