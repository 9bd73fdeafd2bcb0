"""Rules for editions: settings, copying, categories, criteria and the
questionnaire. The phase machine is app/editions/phases.py, the dashboard's
figures app/editions/dashboard.py.

Every function flushes and writes an audit event; none commits.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.audit import services as audit
from app.awards.diploma_models import DiplomaDesign
from app.awards.models import SpecialAward
from app.editions import dates
from app.editions.models import (
    DEFAULT_TIE_RULE,
    Area,
    Category,
    Criterion,
    Edition,
    EditionStatus,
    QualificationMode,
    Question,
    QuestionKind,
)
from app.errors import LaurelError
from app.extensions import db
from app.jury.models import Score
from app.jury.visits.checklist import copy_checklist
from app.offices.models import Application, ApplicationStatus
from app.results import blinding
from app.results.numbers import TIE_KEYS, TieRuleError, parse_tie_rule

RESULTS_FIELDS = [
    "score_mode",
    "stage1_weight",
    "stage2_weight",
    "tie_rule",
    "qualification_mode",
    "qualification_value",
    "consensus_stage1",
    "consensus_stage2",
    "consensus_scoring",
    # Copied with the edition (never its reveal); fixed, like the rules, once
    # stage 2 has closed: switching it off in the chapter would reveal the
    # names without the audited reveal.
    "blind_chapter",
]
EDITION_FIELDS = [
    "name",
    "slug",
    "year",
    "description",
    "organizer_name",
    "jurors_per_application",
    "peer_scores_visible",
    "applications_open_at",
    "applications_close_at",
    "stage1_start",
    "stage1_end",
    "stage2_start",
    "stage2_end",
    "chapter_date",
    "results_date",
    "gala_date",
    "gala_place",
    # How results are computed (app/results); checked by _check_results_settings.
    *RESULTS_FIELDS,
]
# Copied with an edition: the rules a new year is judged by.
RESULTS_FIELDS = EDITION_FIELDS[-len(RESULTS_FIELDS) :]
CATEGORY_FIELDS = ["name", "description", "allowed_office_types", "position"]
AREA_FIELDS = ["name", "description", "position"]
CRITERION_FIELDS = [
    "area_id",
    "stage",
    "name",
    "guidance",
    "max_score",
    "weight",
    "step",
    "comment_rule",
    "position",
]
QUESTION_FIELDS = [
    "area_id",
    "kind",
    "prompt",
    "help_text",
    "required",
    "max_length",
    "min_value",
    "max_value",
    "position",
]


def _assign(obj, data: dict[str, Any], fields: list[str]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def _persist_new(
    obj, data: dict[str, Any], fields: list[str], *, action: str, actor, edition_id: int
):
    """Add a new part of an edition and record it in the audit log."""
    _assign(obj, data, fields)
    db.session.add(obj)
    db.session.flush()
    audit.record(
        action,
        actor=actor,
        obj=obj,
        edition_id=obj.id if isinstance(obj, Edition) else edition_id,
        after=audit.snapshot(obj, fields),
    )
    return obj


def _apply_changes(
    obj, data: dict[str, Any], fields: list[str], *, action: str, actor, edition_id: int
):
    """Change a part of an edition, recording its values before and after."""
    before = audit.snapshot(obj, fields)
    _assign(obj, data, fields)
    db.session.flush()
    db.session.refresh(obj)  # numeric columns read back as stored, for a faithful "after"
    audit.record(
        action,
        actor=actor,
        obj=obj,
        edition_id=edition_id,
        before=before,
        after=audit.snapshot(obj, fields),
    )
    return obj


def _remove(
    obj, fields: list[str], *, action: str, actor, edition_id: int, extra: dict | None = None
):
    """Delete a part of an edition, keeping its last values in the audit log."""
    audit.record(
        action,
        actor=actor,
        obj=obj,
        edition_id=edition_id,
        before={**audit.snapshot(obj, fields), **(extra or {})},
    )
    db.session.delete(obj)
    db.session.flush()


# ---------------------------------------------------------------- editions


def _check_slug(slug: str, *, edition: Edition | None = None) -> None:
    query = sa.select(Edition.id).where(Edition.slug == slug)
    if edition is not None and edition.id is not None:
        query = query.where(Edition.id != edition.id)
    if db.session.scalar(query) is not None:
        raise LaurelError(
            _("The address name “%(slug)s” is already used by another edition.", slug=slug)
        )


def _check_window(data: dict[str, Any]) -> None:
    """Applications close after they open; the phase dates follow each other
    (app/editions/dates.py); the year is a plausible one."""
    opens, closes = data.get("applications_open_at"), data.get("applications_close_at")
    if opens and closes and closes <= opens:
        raise LaurelError(_("Applications must close after they open."))
    problems = dates.order_problems(data)
    if problems:
        raise LaurelError(dates.problem_message(*problems[0]))
    year = data.get("year")
    if year is not None and not dates.YEAR_RANGE[0] <= year <= dates.YEAR_RANGE[1]:
        raise LaurelError(
            _(
                "Enter a year between %(low)s and %(high)s.",
                low=dates.YEAR_RANGE[0],
                high=dates.YEAR_RANGE[1],
            )
        )


def _setting(value: Any) -> Any:
    """A settings value compared as stored: enum members by value, numbers as floats."""
    value = getattr(value, "value", value)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _check_results_settings(data: dict[str, Any], edition: Edition | None = None) -> None:
    """Stage weights are percents summing to 100; the tie rule names known keys,
    each once; top-K qualification takes a whole number of at least 1, a
    threshold a percent. The database checks the numbers again; this says what
    is wrong in words. Values not in `data` are taken from the edition."""

    def value(name: str, default: Any) -> Any:
        return data[name] if name in data else getattr(edition, name, default)

    # The rule is declared before the results: once stage 2 has closed, who
    # would win under each rule is known, so the rule can no longer change.
    if edition is not None and edition.status.order >= EditionStatus.chapter.order:
        changed = [
            name
            for name in RESULTS_FIELDS
            if name in data and _setting(data[name]) != _setting(getattr(edition, name))
        ]
        if changed:
            raise LaurelError(_("The ranking rules cannot change after stage 2 has closed."))

    w1 = value("stage1_weight", 40.0)
    w2 = value("stage2_weight", 60.0)
    if w1 is None or w2 is None or not (0 <= w1 <= 100 and 0 <= w2 <= 100) or w1 + w2 != 100:
        raise LaurelError(_("The stage weights must be percentages that add up to 100."))
    try:
        parse_tie_rule(value("tie_rule", DEFAULT_TIE_RULE))
    except TieRuleError:
        raise LaurelError(
            _(
                "The tie-break rule must list, each at most once, some of: %(keys)s.",
                keys=", ".join(TIE_KEYS),
            )
        ) from None
    mode = QualificationMode(value("qualification_mode", QualificationMode.top_k))
    amount = value("qualification_value", 10.0)
    if amount is None:
        raise LaurelError(_("Say how entries qualify for stage 2."))
    if mode is QualificationMode.top_k and (amount < 1 or amount != int(amount)):
        raise LaurelError(
            _("The number of entries that qualify must be a whole number, at least 1.")
        )
    if mode is QualificationMode.threshold and not 0 <= amount <= 100:
        raise LaurelError(_("The qualification threshold must be a percentage from 0 to 100."))


def create_edition(*, actor, data: dict[str, Any]) -> Edition:
    """A new edition starts as a draft; its slug must be unused."""
    _check_slug(data["slug"])
    _check_window(data)
    _check_results_settings(data)
    edition = Edition(status=EditionStatus.draft)
    return _persist_new(
        edition, data, EDITION_FIELDS, action="edition.create", actor=actor, edition_id=edition.id
    )


def update_edition(edition: Edition, *, actor, data: dict[str, Any]) -> Edition:
    """Change an edition's settings and dates; the slug stays unique."""
    _check_slug(data.get("slug", edition.slug), edition=edition)
    _check_window(
        {
            name: data.get(name, getattr(edition, name))
            for name in ("applications_open_at", "year", *dates.PHASE_DATES)
        }
    )
    _check_results_settings(data, edition)
    before = audit.snapshot(edition, EDITION_FIELDS)
    _assign(edition, data, EDITION_FIELDS)
    db.session.flush()
    if edition.blind_chapter:
        blinding.assign_codes(edition)
    after = audit.snapshot(edition, EDITION_FIELDS)
    changed = [f for f in EDITION_FIELDS if before[f] != after[f]]
    audit.record(
        "edition.update",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        before={f: before[f] for f in changed},
        after={f: after[f] for f in changed},
    )
    return edition


def copy_edition(source: Edition, *, actor, name: str, slug: str, year: int) -> Edition:
    """A new draft edition with the source's settings, categories, areas,
    criteria and questionnaire; phase dates are left empty for the new year."""
    _check_slug(slug)
    _check_window({"year": year})
    source = db.session.scalars(
        sa.select(Edition)
        .where(Edition.id == source.id)
        .options(
            selectinload(Edition.categories),
            selectinload(Edition.areas).selectinload(Area.criteria),
            selectinload(Edition.areas).selectinload(Area.questions),
        )
    ).one()
    edition = Edition(
        name=name,
        slug=slug,
        year=year,
        description=source.description,
        organizer_name=source.organizer_name,
        jurors_per_application=source.jurors_per_application,
        peer_scores_visible=source.peer_scores_visible,
        **{f: getattr(source, f) for f in RESULTS_FIELDS},
        # How the feedback reports show each office's result (not whether they are published).
        feedback_result_mode=source.feedback_result_mode,
        feedback_band_width=source.feedback_band_width,
        status=EditionStatus.draft,
        copied_from_id=source.id,
    )
    for category in source.categories:
        edition.categories.append(
            Category(
                name=category.name,
                description=category.description,
                allowed_office_types=list(category.allowed_office_types or []),
                position=category.position,
            )
        )
    for area in source.areas:
        new_area = Area(name=area.name, description=area.description, position=area.position)
        for criterion in area.criteria:
            new_area.criteria.append(
                Criterion(**{f: getattr(criterion, f) for f in CRITERION_FIELDS if f != "area_id"})
            )
        for question in area.questions:
            new_area.questions.append(
                Question(**{f: getattr(question, f) for f in QUESTION_FIELDS if f != "area_id"})
            )
        edition.areas.append(new_area)
    db.session.add(edition)
    db.session.flush()
    checklist_items = _copy_checklist(source, edition)
    specials = db.session.scalars(
        sa.select(SpecialAward)
        .where(SpecialAward.edition_id == source.id)
        .order_by(SpecialAward.position, SpecialAward.id)
    ).all()
    for special in specials:
        db.session.add(
            SpecialAward(
                edition_id=edition.id,
                name=special.name,
                description=special.description,
                position=special.position,
            )
        )
    design = _copy_diploma_design(source, edition)
    audit.record(
        "edition.copy",
        actor=actor,
        obj=edition,
        edition_id=edition.id,
        after={
            "name": name,
            "slug": slug,
            "year": year,
            "copied_from_id": source.id,
            "categories": len(source.categories),
            "areas": len(source.areas),
            "checklist_items": checklist_items,
            "special_awards": len(specials),
            "diploma_design": design,
        },
    )
    return edition


def _copy_diploma_design(source: Edition, edition: Edition) -> bool:
    """Next year's diplomas look like this year's: templates, validity, the
    logo and the signatures (image files are never overwritten in place, so
    both designs may name the same files)."""
    design = db.session.get(DiplomaDesign, source.id)
    if design is None:
        return False
    columns = [
        c.key for c in DiplomaDesign.__table__.columns if c.key not in ("edition_id", "updated_at")
    ]
    db.session.add(
        DiplomaDesign(edition_id=edition.id, **{key: getattr(design, key) for key in columns})
    )
    return True


def _copy_checklist(source: Edition, edition: Edition) -> int:
    """The mystery-shopper checklist goes with the criteria: each item keeps
    its link, moved to the copy of its criterion (criteria were copied in the
    same order, area by area)."""
    criterion_map = {
        old.id: new
        for old_area, new_area in zip(source.areas, edition.areas, strict=True)
        for old, new in zip(old_area.criteria, new_area.criteria, strict=True)
    }
    return copy_checklist(source, edition, criterion_map)


# ---------------------------------------------------------------- categories


def _check_category_name(edition: Edition, name: str, category: Category | None = None) -> None:
    query = sa.select(Category.id).where(Category.edition_id == edition.id, Category.name == name)
    if category is not None:
        query = query.where(Category.id != category.id)
    if db.session.scalar(query) is not None:
        raise LaurelError(_("This edition already has a category named “%(name)s”.", name=name))


def create_category(edition: Edition, *, actor, data: dict[str, Any]) -> Category:
    """A category's name is unique within its edition."""
    _check_category_name(edition, data["name"])
    category = Category(edition=edition)
    return _persist_new(
        category,
        data,
        CATEGORY_FIELDS,
        action="category.create",
        actor=actor,
        edition_id=edition.id,
    )


def update_category(category: Category, *, actor, data: dict[str, Any]) -> Category:
    """Rename or re-describe a category; its name stays unique in the edition."""
    _check_category_name(category.edition, data.get("name", category.name), category)
    return _apply_changes(
        category,
        data,
        CATEGORY_FIELDS,
        action="category.update",
        actor=actor,
        edition_id=category.edition_id,
    )


def delete_category(category: Category, *, actor) -> None:
    """A category that any application uses cannot be deleted."""
    used = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(Application.category_id == category.id)
    )
    if used:
        raise LaurelError(
            _(
                "The category “%(name)s” cannot be deleted: %(count)s applications use it.",
                name=category.name,
                count=used,
            )
        )
    _remove(
        category,
        CATEGORY_FIELDS,
        action="category.delete",
        actor=actor,
        edition_id=category.edition_id,
    )


# ---------------------------------------------------------------- criteria and questionnaire


def scoring_started(edition: Edition) -> bool:
    """Scoring has started once stage 1 opened or any score exists."""
    if edition.status.order >= EditionStatus.stage1.order:
        return True
    return (
        db.session.scalar(
            sa.select(Score.id)
            .join(Criterion, Score.criterion_id == Criterion.id)
            .join(Area, Criterion.area_id == Area.id)
            .where(Area.edition_id == edition.id)
            .limit(1)
        )
        is not None
    )


def questionnaire_frozen(edition: Edition) -> bool:
    """The questionnaire is frozen once any application has been submitted."""
    return (
        db.session.scalar(
            sa.select(Application.id)
            .where(
                Application.edition_id == edition.id,
                Application.status != ApplicationStatus.draft,
            )
            .limit(1)
        )
        is not None
    )


def _refuse_if_scoring(edition: Edition) -> None:
    if scoring_started(edition):
        raise LaurelError(
            _("Criteria cannot be changed after scoring has started: jurors' scores refer to them.")
        )


def _refuse_if_frozen(edition: Edition) -> None:
    if questionnaire_frozen(edition):
        raise LaurelError(
            _(
                "The questionnaire cannot be changed: applications with answers to it "
                "have already been submitted."
            )
        )


def _check_area(edition: Edition, area_id: int) -> None:
    if (
        db.session.scalar(
            sa.select(Area.id).where(Area.id == area_id, Area.edition_id == edition.id)
        )
        is None
    ):
        raise LaurelError(_("Choose an area of this edition."))


def _check_area_name(edition: Edition, name: str, area: Area | None = None) -> None:
    query = sa.select(Area.id).where(Area.edition_id == edition.id, Area.name == name)
    if area is not None:
        query = query.where(Area.id != area.id)
    if db.session.scalar(query) is not None:
        raise LaurelError(_("This edition already has an area named “%(name)s”.", name=name))


def create_area(edition: Edition, *, actor, data: dict[str, Any]) -> Area:
    """An area's name is unique within its edition."""
    _check_area_name(edition, data["name"])
    area = Area(edition=edition)
    return _persist_new(
        area, data, AREA_FIELDS, action="area.create", actor=actor, edition_id=edition.id
    )


def update_area(area: Area, *, actor, data: dict[str, Any]) -> Area:
    """Rename, re-describe or reorder an area (its criteria stay as they are)."""
    _check_area_name(area.edition, data.get("name", area.name), area)
    return _apply_changes(
        area, data, AREA_FIELDS, action="area.update", actor=actor, edition_id=area.edition_id
    )


def delete_area(area: Area, *, actor) -> None:
    """Deleting an area deletes its criteria and questions, so it follows both rules."""
    if area.criteria:
        _refuse_if_scoring(area.edition)
    if area.questions:
        _refuse_if_frozen(area.edition)
    _remove(
        area,
        AREA_FIELDS,
        action="area.delete",
        actor=actor,
        edition_id=area.edition_id,
        extra={
            "criteria": [c.name for c in area.criteria],
            "questions": [q.prompt for q in area.questions],
        },
    )


def _criterion_data(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("max_score") is not None and not 1 <= data["max_score"] <= 1000:
        raise LaurelError(_("The maximum score must be between 1 and 1000."))
    if data.get("weight") is not None and data["weight"] <= 0:
        raise LaurelError(_("The weight must be greater than zero."))
    if data.get("stage") is not None and data["stage"] not in (1, 2):
        raise LaurelError(_("The stage must be 1 or 2."))
    if data.get("step") is not None and data["step"] not in (0.5, 1):
        raise LaurelError(_("Scores go in whole or half points."))
    return data


def _check_criterion_name(area_id: int, stage: int, name: str, criterion=None) -> None:
    query = sa.select(Criterion.id).where(
        Criterion.area_id == area_id, Criterion.stage == stage, Criterion.name == name
    )
    if criterion is not None:
        query = query.where(Criterion.id != criterion.id)
    if db.session.scalar(query) is not None:
        raise LaurelError(
            _("This area already has a criterion named “%(name)s” in that stage.", name=name)
        )


def create_criterion(edition: Edition, *, actor, data: dict[str, Any]) -> Criterion:
    """Criteria can be added only before scoring starts."""
    _refuse_if_scoring(edition)
    _check_area(edition, data["area_id"])
    _criterion_data(data)
    _check_criterion_name(data["area_id"], data["stage"], data["name"])
    criterion = Criterion()
    return _persist_new(
        criterion,
        data,
        CRITERION_FIELDS,
        action="criterion.create",
        actor=actor,
        edition_id=edition.id,
    )


def update_criterion(criterion: Criterion, *, actor, data: dict[str, Any]) -> Criterion:
    """Editing a criterion is refused once scoring has started."""
    edition = criterion.area.edition
    _refuse_if_scoring(edition)
    _check_area(edition, data.get("area_id", criterion.area_id))
    _criterion_data(data)
    _check_criterion_name(
        data.get("area_id", criterion.area_id),
        data.get("stage", criterion.stage),
        data.get("name", criterion.name),
        criterion,
    )
    return _apply_changes(
        criterion,
        data,
        CRITERION_FIELDS,
        action="criterion.update",
        actor=actor,
        edition_id=edition.id,
    )


def delete_criterion(criterion: Criterion, *, actor) -> None:
    """Deleting a criterion is refused once scoring has started."""
    edition = criterion.area.edition
    _refuse_if_scoring(edition)
    _remove(
        criterion, CRITERION_FIELDS, action="criterion.delete", actor=actor, edition_id=edition.id
    )


def _question_data(data: dict[str, Any]) -> dict[str, Any]:
    """Keep only the limits that fit the question's kind."""
    data = dict(data)
    kind = data.get("kind")
    if kind is not QuestionKind.text:
        data["max_length"] = None
    if kind is not QuestionKind.number:
        data["min_value"] = None
        data["max_value"] = None
    if data.get("max_length") is not None and data["max_length"] <= 0:
        raise LaurelError(_("The maximum length must be greater than zero."))
    low, high = data.get("min_value"), data.get("max_value")
    if low is not None and high is not None and low > high:
        raise LaurelError(_("The minimum cannot be greater than the maximum."))
    return data


def create_question(edition: Edition, *, actor, data: dict[str, Any]) -> Question:
    """Questions can be added only until the first application is submitted."""
    _refuse_if_frozen(edition)
    _check_area(edition, data["area_id"])
    data = _question_data(data)
    question = Question()
    return _persist_new(
        question,
        data,
        QUESTION_FIELDS,
        action="question.create",
        actor=actor,
        edition_id=edition.id,
    )


def update_question(question: Question, *, actor, data: dict[str, Any]) -> Question:
    """Questions cannot change once any application of the edition is submitted."""
    edition = question.area.edition
    _refuse_if_frozen(edition)
    _check_area(edition, data.get("area_id", question.area_id))
    data = _question_data({"kind": question.kind, **data})
    return _apply_changes(
        question,
        data,
        QUESTION_FIELDS,
        action="question.update",
        actor=actor,
        edition_id=edition.id,
    )


def delete_question(question: Question, *, actor) -> None:
    """Questions cannot be deleted once any application of the edition is submitted."""
    edition = question.area.edition
    _refuse_if_frozen(edition)
    _remove(question, QUESTION_FIELDS, action="question.delete", actor=actor, edition_id=edition.id)
