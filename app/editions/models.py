from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.offices.models import Application


class EditionStatus(enum.Enum):
    """The phases of an edition, in the only order they may be passed."""

    draft = "draft"
    applications_open = "applications_open"
    stage1 = "stage1"
    stage2 = "stage2"
    chapter = "chapter"
    results_published = "results_published"
    archived = "archived"

    @property
    def order(self) -> int:
        return list(EditionStatus).index(self)

    @property
    def next(self) -> EditionStatus | None:
        members = list(EditionStatus)
        i = members.index(self)
        return members[i + 1] if i + 1 < len(members) else None


class ScoreMode(enum.Enum):
    """Which entry scores rank an edition: the jurors' raw percentages, or the
    same after each juror's bias is taken out (see app/results/numbers.py)."""

    raw = "raw"
    normalised = "normalised"


class QualificationMode(enum.Enum):
    """How stage-1 results choose the entries for stage 2, per category."""

    top_k = "top_k"  # the best `qualification_value` entries
    threshold = "threshold"  # every entry at or above `qualification_value` percent


class ConsensusScoring(enum.Enum):
    """What an entry's score is in a stage with consensus review (see
    app/jury/consensus): the score its jurors agreed, or the mean of their
    independent sheets as without consensus."""

    consensus = "consensus"
    mean = "mean"


class FeedbackResultMode(enum.Enum):
    """How an office's feedback report prints its result: a band of
    `feedback_band_width` points (e.g. 45–60 %), or the exact percentage."""

    band = "band"
    exact = "exact"


# The tie-break chain an edition declares unless it says otherwise; the keys
# are checked by app.results.numbers.parse_tie_rule.
DEFAULT_TIE_RULE = "stage2,checklist,stage1"


class Edition(db.Model):
    """One yearly run of a competition."""

    __tablename__ = "edition"
    __table_args__ = (
        sa.CheckConstraint(
            "jurors_per_application BETWEEN 1 AND 20", name="jurors_per_application"
        ),
        sa.CheckConstraint(
            "applications_close_at IS NULL OR applications_open_at IS NULL "
            "OR applications_close_at > applications_open_at",
            name="application_window",
        ),
        sa.CheckConstraint(
            "stage1_weight BETWEEN 0 AND 100 AND stage2_weight BETWEEN 0 AND 100 "
            "AND stage1_weight + stage2_weight = 100",
            name="stage_weights",
        ),
        sa.CheckConstraint(
            "(qualification_mode = 'top_k' AND qualification_value >= 1 "
            "AND qualification_value = round(qualification_value)) "
            "OR (qualification_mode = 'threshold' AND qualification_value BETWEEN 0 AND 100)",
            name="qualification_value",
        ),
        # Names can only be revealed on an edition whose chapter was blinded.
        sa.CheckConstraint(
            "names_revealed_at IS NULL OR blind_chapter", name="revealed_only_when_blind"
        ),
        sa.CheckConstraint("feedback_band_width BETWEEN 5 AND 50", name="feedback_band_width"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    year: Mapped[int]
    description: Mapped[str] = mapped_column(sa.Text, default="")
    organizer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[EditionStatus] = mapped_column(default=EditionStatus.draft, index=True)
    # Phase dates. Application times are exact deadlines (naive UTC); the later
    # phases are planned days.
    applications_open_at: Mapped[dt.datetime | None]
    applications_close_at: Mapped[dt.datetime | None]
    stage1_start: Mapped[dt.date | None]
    stage1_end: Mapped[dt.date | None]
    stage2_start: Mapped[dt.date | None]
    stage2_end: Mapped[dt.date | None]
    chapter_date: Mapped[dt.date | None]
    results_date: Mapped[dt.date | None]
    gala_date: Mapped[dt.date | None]
    gala_place: Mapped[str] = mapped_column(sa.String(200), default="")
    jurors_per_application: Mapped[int] = mapped_column(default=3)
    feedback_published: Mapped[bool] = mapped_column(default=False)
    # Anchoring control: may a juror see the other jurors' scores for an entry
    # (only after submitting their own sheet for it)? Off by default.
    peer_scores_visible: Mapped[bool] = mapped_column(default=False)
    # How results are computed (issue 13). Declared before scoring ends so the
    # rule cannot be picked after seeing which rule favours whom.
    # Normalised by default: harsh and lenient jurors otherwise decide who wins.
    score_mode: Mapped[ScoreMode] = mapped_column(default=ScoreMode.normalised)
    # Percent of the final score from each stage; the database keeps the sum at 100.
    stage1_weight: Mapped[float] = mapped_column(sa.Numeric(5, 2, asdecimal=False), default=40.0)
    stage2_weight: Mapped[float] = mapped_column(sa.Numeric(5, 2, asdecimal=False), default=60.0)
    # Keys, in order, that split entries with equal scores; entries still equal
    # after the last key are shown as tied. Free text in the database, checked by
    # the service, so adding a key later needs no migration.
    tie_rule: Mapped[str] = mapped_column(sa.String(100), default=DEFAULT_TIE_RULE)
    # Who goes on to stage 2: a count per category (top_k, a whole number >= 1)
    # or a stage-1 percent (threshold, 0..100).
    qualification_mode: Mapped[QualificationMode] = mapped_column(default=QualificationMode.top_k)
    qualification_value: Mapped[float] = mapped_column(
        sa.Numeric(7, 2, asdecimal=False), default=10.0
    )
    # Consensus review per stage (app/jury/consensus): once an entry's
    # independent sheets are in, its jurors agree one score per criterion.
    consensus_stage1: Mapped[bool] = mapped_column(default=False)
    consensus_stage2: Mapped[bool] = mapped_column(default=False)
    consensus_scoring: Mapped[ConsensusScoring] = mapped_column(default=ConsensusScoring.consensus)
    # A blinded chapter (issue 17): until the chapter has decided, the
    # qualification, ranking and chapter pages and the exports can show
    # entries as codes (app/results/blinding.py); the names come back with one
    # audited action, recorded here.
    blind_chapter: Mapped[bool] = mapped_column(default=False)
    names_revealed_at: Mapped[dt.datetime | None]
    names_revealed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The offices' feedback reports (app/results/feedback_report.py): the
    # result as a band or exactly, and when the organizer published the
    # reports to the offices (None: not published). Apart from
    # `feedback_published`, which shows the scores on the office's page.
    feedback_result_mode: Mapped[FeedbackResultMode] = mapped_column(
        default=FeedbackResultMode.band
    )
    feedback_band_width: Mapped[int] = mapped_column(default=15)
    feedback_reports_published_at: Mapped[dt.datetime | None]
    copied_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    categories: Mapped[list[Category]] = relationship(
        back_populates="edition",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Category.position",
    )
    areas: Mapped[list[Area]] = relationship(
        back_populates="edition",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Area.position",
    )
    applications: Mapped[list[Application]] = relationship(
        back_populates="edition", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Edition {self.slug} {self.status.value}>"

    def accepts_applications(self, now: dt.datetime | None = None) -> bool:
        """Open for applications: in that phase and inside the date window
        (server time, UTC), when the window is set."""
        now = now or utcnow()
        if self.status is not EditionStatus.applications_open:
            return False
        if self.applications_open_at and now < self.applications_open_at:
            return False
        return not (self.applications_close_at and now >= self.applications_close_at)

    def opens_later(self, now: dt.datetime | None = None) -> bool:
        """In the applications phase, but its window has not opened yet."""
        now = now or utcnow()
        return (
            self.status is EditionStatus.applications_open
            and self.applications_open_at is not None
            and now < self.applications_open_at
        )

    @property
    def results_public(self) -> bool:
        return self.status.order >= EditionStatus.results_published.order

    def can_qualify(self, user) -> bool:
        """Change and confirm the stage-2 list: organizers, while stage 1 runs
        (app/results/qualification.py also refuses once the list is confirmed)."""
        return (
            getattr(user, "is_authenticated", False)
            and user.is_organizer
            and self.status is EditionStatus.stage1
        )

    def has_consensus(self, stage: int) -> bool:
        """Consensus review is on for this stage."""
        return bool(self.consensus_stage1 if stage == 1 else self.consensus_stage2)

    @property
    def consensus_stages(self) -> tuple[int, ...]:
        return tuple(s for s in (1, 2) if self.has_consensus(s))

    # The chapter (app/awards): who may see and decide what, and when.

    @property
    def chapter_open(self) -> bool:
        """The chapter deliberates or has decided: the ranking snapshot it
        decides on exists only once stage 2 has closed."""
        return self.status.order >= EditionStatus.chapter.order

    def can_view_chapter(self, user) -> bool:
        """Organizers, from the chapter's deliberation on."""
        return _is_organizer(user) and self.chapter_open

    def can_decide_awards(self, user) -> bool:
        """Organizers record the chapter's decisions while it deliberates."""
        return _is_organizer(user) and self.status is EditionStatus.chapter

    def can_manage_special_awards(self, user) -> bool:
        """Organizers define the special awards until the results are published."""
        return _is_organizer(user) and not self.results_public

    # The blinded chapter: who sees entries by name (app/results/blinding.py
    # builds every page's and export's labels from this one rule).

    @property
    def names_hidden(self) -> bool:
        """The chapter is blinded and the names have not been revealed yet."""
        return bool(self.blind_chapter) and self.names_revealed_at is None

    def shows_names_to(self, user) -> bool:
        """Whether `user` sees the entries' names (else their codes) on the
        qualification, ranking, agreement and chapter pages and in the exports.

        Names for everyone once revealed, or when the chapter is not blinded.
        While it is blinded, an organizer sees names unless they opted in to
        the blinded view for this edition (BlindViewer); anyone else (there is
        no separate chapter-member role: the chapter's pages are the
        organizers') sees codes."""
        if not self.names_hidden:
            return True
        if not _is_organizer(user):
            return False
        # Imported here: app.results builds on app.editions, not the reverse.
        from app.results.models import BlindViewer

        return db.session.get(BlindViewer, (self.id, user.id)) is None

    def can_choose_blind_view(self, user) -> bool:
        """Organizers switch their own blinded view on or off while the names are hidden."""
        return _is_organizer(user) and self.names_hidden

    def can_reveal_names(self, user) -> bool:
        """Organizers reveal the names once, from the chapter's deliberation on
        (app/results/blinding.reveal_names also needs every category decided)."""
        return _is_organizer(user) and self.names_hidden and self.chapter_open

    def criteria_for_stage(self, stage: int) -> list[Criterion]:
        return [c for a in self.areas for c in a.criteria if c.stage == stage]

    def can_manage_feedback_reports(self, user) -> bool:
        """Organizers make, publish and withdraw the offices' feedback
        reports, from the chapter's deliberation on (the ranking snapshot
        their numbers come from exists then); not while a blinded chapter's
        names are hidden (the page and the reports name the offices)."""
        return _is_organizer(user) and self.chapter_open and not self.names_hidden

    def can_publish_feedback_reports(self, user) -> bool:
        """Publishing needs the results public too: a report tells an office its result."""
        return self.can_manage_feedback_reports(user) and self.results_public

    def can_export_results(self, user) -> bool:
        """Download the edition's ranking, every score with the jurors'
        comments, and the chapter's decisions: organizers only, in any phase
        (each export is audited)."""
        return bool(getattr(user, "is_authenticated", False) and user.is_organizer)


def _is_organizer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_organizer)


class Category(db.Model):
    """A class of applicants within an edition (e.g. county offices)."""

    __tablename__ = "category"
    __table_args__ = (sa.UniqueConstraint("edition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # OfficeType values that may enter; empty means any type.
    allowed_office_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="categories")

    def admits(self, office_type) -> bool:
        value = getattr(office_type, "value", office_type)
        return not self.allowed_office_types or value in self.allowed_office_types


class Area(db.Model):
    """A group of criteria and of questionnaire sections (e.g. customer-service standards)."""

    __tablename__ = "area"
    __table_args__ = (sa.UniqueConstraint("edition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="areas")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="area",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Criterion.stage, Criterion.position)",
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="area",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Question.position",
    )


class CommentRule(enum.Enum):
    """When a juror must write strengths and areas for improvement for a criterion."""

    always = "always"  # both, whatever the score
    extremes = "extremes"  # strengths for a top score, areas for improvement for a bottom one
    never = "never"


class Criterion(db.Model):
    """A scored item of one stage, with its maximum score, step and weight."""

    __tablename__ = "criterion"
    __table_args__ = (
        sa.CheckConstraint("stage IN (1, 2)", name="stage"),
        sa.CheckConstraint("max_score > 0 AND max_score <= 1000", name="max_score"),
        sa.CheckConstraint("weight > 0", name="weight"),
        sa.CheckConstraint("step IN (0.5, 1)", name="step"),
        sa.UniqueConstraint("area_id", "stage", "name"),
        # The target of the score's composite foreign key (see jury.models.Score).
        sa.UniqueConstraint("id", "stage", "max_score", "step", name="uq_criterion_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(sa.SmallInteger)
    name: Mapped[str] = mapped_column(sa.String(300))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    max_score: Mapped[int] = mapped_column(default=10)
    weight: Mapped[float] = mapped_column(sa.Numeric(6, 2, asdecimal=False), default=1.0)
    # Scores go in whole points (1) or half points (0.5).
    step: Mapped[float] = mapped_column(sa.Numeric(2, 1, asdecimal=False), default=1.0)
    comment_rule: Mapped[CommentRule] = mapped_column(default=CommentRule.extremes)
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship(back_populates="criteria")

    # A score in the lowest or highest fifth of the range counts as extreme.
    EXTREME_SHARE = 0.2

    def comment_needed(self, value: float | None) -> str | None:
        """Which comment a value needs: "either" (strengths or areas for
        improvement, rule "always"), "strengths" (a top score), "improvements"
        (a bottom score), or None."""
        if self.comment_rule is CommentRule.never:
            return None
        if self.comment_rule is CommentRule.always:
            return "either"
        if value is None:
            return None
        if value >= self.max_score * (1 - self.EXTREME_SHARE):
            return "strengths"
        if value <= self.max_score * self.EXTREME_SHARE:
            return "improvements"
        return None


class QuestionKind(enum.Enum):
    text = "text"
    yes_no = "yes_no"
    number = "number"


class Question(db.Model):
    """One field of the application questionnaire, in an area's section."""

    __tablename__ = "question"
    __table_args__ = (
        sa.CheckConstraint("max_length IS NULL OR max_length > 0", name="max_length"),
        sa.CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="number_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    kind: Mapped[QuestionKind]
    prompt: Mapped[str] = mapped_column(sa.String(500))
    help_text: Mapped[str] = mapped_column(sa.Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    max_length: Mapped[int | None]
    min_value: Mapped[int | None]
    max_value: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship(back_populates="questions")
