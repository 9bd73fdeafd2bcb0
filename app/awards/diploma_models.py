"""How an edition's diplomas look: the template per award kind, the logo,
the signatures, and how long the quality-mark certificate is valid.

One row per edition, made when the organizer first saves the design; until
then `DiplomaDesign.defaults(edition)` stands in (not added to the session).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.editions.models import Edition

# Per award kind, the templates an organizer may pick (the first is the default).
LAUREATE_TEMPLATES = ("laureate", "quality_mark")
DISTINCTION_TEMPLATES = ("distinction", "quality_mark")
MAX_VALID_YEARS = 10


class DiplomaDesign(db.Model):
    __tablename__ = "diploma_design"
    __table_args__ = (
        sa.CheckConstraint(
            "template_laureate IN ('laureate', 'quality_mark')", name="laureate_template"
        ),
        sa.CheckConstraint(
            "template_distinction IN ('distinction', 'quality_mark')", name="distinction_template"
        ),
        sa.CheckConstraint(
            f"certificate_valid_years BETWEEN 1 AND {MAX_VALID_YEARS}", name="valid_years"
        ),
    )

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), primary_key=True
    )
    template_laureate: Mapped[str] = mapped_column(sa.String(32), default="laureate")
    template_distinction: Mapped[str] = mapped_column(sa.String(32), default="distinction")
    # The batch also makes a participation certificate for each entry without an award.
    participation: Mapped[bool] = mapped_column(default=True)
    certificate_valid_years: Mapped[int] = mapped_column(default=2)
    # Images under UPLOAD_DIR/diploma-design/, named by the server.
    logo_name: Mapped[str | None] = mapped_column(sa.String(80))
    signer1_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signer1_role: Mapped[str] = mapped_column(sa.String(200), default="")
    signer1_image: Mapped[str | None] = mapped_column(sa.String(80))
    signer2_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signer2_role: Mapped[str] = mapped_column(sa.String(200), default="")
    signer2_image: Mapped[str | None] = mapped_column(sa.String(80))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()

    @classmethod
    def defaults(cls, edition: Edition) -> DiplomaDesign:
        """The design an edition has before its organizer saves one (transient)."""
        return cls(
            edition_id=edition.id,
            edition=edition,
            template_laureate="laureate",
            template_distinction="distinction",
            participation=True,
            certificate_valid_years=2,
            signer1_name="",
            signer1_role="",
            signer2_name="",
            signer2_role="",
        )

    def signers(self) -> list[dict]:
        """The signatures block, left to right: the signers with a name."""
        return [
            {"name": name, "role": role, "image": image}
            for name, role, image in (
                (self.signer1_name, self.signer1_role, self.signer1_image),
                (self.signer2_name, self.signer2_role, self.signer2_image),
            )
            if name
        ]

    # Permissions: the edition's diplomas are the organizers' business.

    def can_edit(self, user) -> bool:
        """Organizers set the design in any phase."""
        return bool(getattr(user, "is_authenticated", False) and user.is_organizer)

    def can_generate(self, user) -> bool:
        """Organizers generate and revoke diplomas once the chapter has
        started deciding (there are awards to print for the gala)."""
        return self.can_edit(user) and self.edition.chapter_open
