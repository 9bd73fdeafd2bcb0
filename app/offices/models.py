from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.editions.models import EditionStatus
from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.editions.models import Area, Category, Edition, Question
    from app.jury.models import Assignment


class OfficeType(enum.Enum):
    marshal = "marshal"  # urząd marszałkowski
    voivodeship = "voivodeship"  # urząd wojewódzki
    county = "county"  # starostwo powiatowe
    city = "city"  # urząd miasta (na prawach powiatu)
    municipal = "municipal"  # urząd gminy / miasta i gminy
    other = "other"


class Voivodeship(enum.Enum):
    dolnoslaskie = "dolnośląskie"
    kujawsko_pomorskie = "kujawsko-pomorskie"
    lubelskie = "lubelskie"
    lubuskie = "lubuskie"
    lodzkie = "łódzkie"
    malopolskie = "małopolskie"
    mazowieckie = "mazowieckie"
    opolskie = "opolskie"
    podkarpackie = "podkarpackie"
    podlaskie = "podlaskie"
    pomorskie = "pomorskie"
    slaskie = "śląskie"
    swietokrzyskie = "świętokrzyskie"
    warminsko_mazurskie = "warmińsko-mazurskie"
    wielkopolskie = "wielkopolskie"
    zachodniopomorskie = "zachodniopomorskie"


class OfficeStatus(enum.Enum):
    """Self-registered offices wait for an organizer; imported and hand-made ones start approved."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Office(db.Model):
    """An applicant institution.

    REGON and NIP are unique when known. An office an organizer entered (by
    hand or from a registry file) may lack them, stored as NULL (which a
    unique key allows many times, never as ""): it then `needs_completing`.
    Self-registration always asks for both."""

    __tablename__ = "office"
    __table_args__ = (
        sa.CheckConstraint("regon IS NULL OR length(regon) IN (9, 14)", name="regon_length"),
        sa.CheckConstraint("nip IS NULL OR length(nip) = 10", name="nip_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), index=True)
    office_type: Mapped[OfficeType]
    voivodeship: Mapped[Voivodeship]
    city: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(6), default="")
    regon: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    nip: Mapped[str | None] = mapped_column(sa.String(10), unique=True)
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    status: Mapped[OfficeStatus] = mapped_column(default=OfficeStatus.approved, index=True)
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="office", passive_deletes=True)
    applications: Mapped[list[Application]] = relationship(
        back_populates="office", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Office {self.name!r}>"

    @property
    def is_approved(self) -> bool:
        return self.status is OfficeStatus.approved

    @hybrid_property
    def needs_completing(self) -> bool:
        """REGON or NIP still missing: the organizer has to add them."""
        return self.regon is None or self.nip is None

    @needs_completing.inplace.expression
    @classmethod
    def _needs_completing_expression(cls):
        return sa.or_(cls.regon.is_(None), cls.nip.is_(None))

    def has_member(self, user) -> bool:
        return bool(
            getattr(user, "is_authenticated", False)
            and user.is_office_user
            and user.office_id == self.id
        )


class ApplicationStatus(enum.Enum):
    draft = "draft"
    submitted = "submitted"
    qualified = "qualified"  # to stage 2
    not_qualified = "not_qualified"
    # The chapter's outcome is not a status: it lives in app.awards.models.Award.


class Application(db.Model):
    """An office's entry to one edition, in one category."""

    __tablename__ = "application"
    __table_args__ = (
        # One entry per office and edition.
        sa.UniqueConstraint("edition_id", "office_id"),
        sa.CheckConstraint(
            "(status = 'draft') OR (submitted_at IS NOT NULL)", name="submitted_has_time"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("category.id", ondelete="RESTRICT"), index=True
    )
    office_id: Mapped[int] = mapped_column(
        sa.ForeignKey("office.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ApplicationStatus] = mapped_column(default=ApplicationStatus.draft, index=True)
    submitted_at: Mapped[dt.datetime | None]
    reopened_at: Mapped[dt.datetime | None]
    reopen_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # An application reopened after the edition's deadline gets a deadline of
    # its own (naive UTC); without one it follows the edition's window.
    reopen_deadline: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: two browser tabs saving the same application raise
    # StaleDataError instead of one silently overwriting the other.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    edition: Mapped[Edition] = relationship(back_populates="applications")
    category: Mapped[Category] = relationship()
    office: Mapped[Office] = relationship(back_populates="applications")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Document.uploaded_at",
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="application", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status.value}>"

    @property
    def is_draft(self) -> bool:
        return self.status is ApplicationStatus.draft

    def is_assigned_to(self, user) -> bool:
        return any(a.juror_id == user.id for a in self.assignments)

    def can_view(self, user) -> bool:
        """The office itself, its assigned jurors and organizers."""
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_organizer:
            return True
        if user.is_office_user:
            return self.can_manage(user)
        return user.is_juror and self.is_assigned_to(user)

    def can_manage(self, user) -> bool:
        """Open the office's own pages for this application (edit, documents,
        submit): its office's users only, whatever its state; whether it can
        still change is can_edit."""
        return self.office.has_member(user)

    def can_see_results(self, user) -> bool:
        """Its awards, scores and feedback: once the edition's results are
        public, for its office and for organizers."""
        if not self.edition.results_public:
            return False
        return self.can_manage(user) or bool(
            getattr(user, "is_authenticated", False) and user.is_organizer
        )

    def can_download_feedback(self, user) -> bool:
        """Its feedback report PDF (app/results/feedback_report.py):
        organizers from the chapter on (to check it before publishing); the
        office's own users once the organizer has published the reports
        (which needs the results public). Whether the file exists is the
        view's 404, not a permission."""
        edition = self.edition
        if getattr(user, "is_authenticated", False) and user.is_organizer:
            return edition.chapter_open
        return (
            edition.results_public
            and edition.feedback_reports_published_at is not None
            and self.can_manage(user)
        )

    def can_reopen(self, user) -> bool:
        """Organizers return a submitted application to its office while stage 1
        has not closed (the deadline rules are app.offices.services')."""
        return (
            bool(getattr(user, "is_authenticated", False) and user.is_organizer)
            and self.status is ApplicationStatus.submitted
            and self.edition.status.order <= EditionStatus.stage1.order
        )

    def deadline(self) -> dt.datetime | None:
        """When changes stop: the later of the edition's deadline and the
        office's own after a reopen (accepts_changes allows either)."""
        close = self.edition.applications_close_at
        if self.reopen_deadline is None or close is None:
            return self.reopen_deadline or close
        return max(close, self.reopen_deadline)

    def accepts_changes(self, now: dt.datetime | None = None) -> bool:
        """A draft can be changed and submitted inside the edition's window, or,
        once reopened with a deadline of its own, until that deadline while
        stage 1 has not closed (after that its stage is decided)."""
        if not self.is_draft:
            return False
        if self.edition.accepts_applications(now):
            return True
        now = now or utcnow()
        return (
            self.reopen_deadline is not None
            and now < self.reopen_deadline
            and self.edition.status.order <= EditionStatus.stage1.order
        )

    def can_edit(self, user, now: dt.datetime | None = None) -> bool:
        """Only the users of an approved office, while the draft accepts changes."""
        return self.can_manage(user) and self.office.is_approved and self.accepts_changes(now)


class Answer(db.Model):
    """An office's answer to one questionnaire question."""

    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("application_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    text_value: Mapped[str | None] = mapped_column(sa.Text)
    bool_value: Mapped[bool | None]
    number_value: Mapped[int | None]

    application: Mapped[Application] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class Document(db.Model):
    """An uploaded evidence file. Stored under a server-made name; the original
    name is only shown."""

    __tablename__ = "document"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("area.id", ondelete="SET NULL"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    application: Mapped[Application] = relationship(back_populates="documents")
    area: Mapped[Area | None] = relationship()

    # Kinds a browser shows by itself; anything else is only downloaded.
    INLINE_TYPES = ("application/pdf", "image/jpeg", "image/png")

    def can_download(self, user) -> bool:
        return self.application.can_view(user)

    @property
    def viewable_inline(self) -> bool:
        return self.content_type in self.INLINE_TYPES
