"""Editions, copying, categories, criteria, questionnaire and dashboard rules."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.awards.models import SpecialAward
from app.editions import dashboard as figures
from app.editions import services
from app.editions.models import Edition, EditionStatus, QuestionKind
from app.errors import LaurelError
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus, OfficeType

pytestmark = pytest.mark.usefixtures("request_ctx")


def edition_data(**kw):
    data = {
        "name": "Przyjazny Urząd 2027",
        "slug": "pu-2027",
        "year": 2027,
        "description": "",
        "organizer_name": "Fundacja",
        "jurors_per_application": 3,
        "applications_open_at": dt.datetime(2027, 1, 1, 8),
        "applications_close_at": dt.datetime(2027, 3, 1, 15),
    }
    data.update(kw)
    return data


def actions(db):
    return [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


def test_create_edition_is_a_draft_and_audited(make, db):
    edition = services.create_edition(actor=make.organizer(), data=edition_data())
    assert edition.status is EditionStatus.draft
    assert edition.slug == "pu-2027"
    assert actions(db) == ["edition.create"]


def test_slug_must_be_unique(make, db):
    make.edition(slug="pu-2027")
    with pytest.raises(LaurelError, match="already used"):
        services.create_edition(actor=make.organizer(), data=edition_data())


def test_update_keeps_own_slug_but_refuses_anothers(make, db):
    edition = make.edition(slug="mine")
    make.edition(slug="theirs")
    actor = make.organizer()
    services.update_edition(edition, actor=actor, data={"slug": "mine", "year": 2030})
    assert edition.year == 2030
    with pytest.raises(LaurelError):
        services.update_edition(edition, actor=actor, data={"slug": "theirs"})
    event = db.session.query(AuditEvent).filter_by(action="edition.update").one()
    assert event.before == {"year": 2026} and event.after == {"year": 2030}


def test_close_must_be_after_open(make):
    with pytest.raises(LaurelError, match="close after"):
        services.create_edition(
            actor=make.organizer(),
            data=edition_data(applications_close_at=dt.datetime(2026, 12, 1)),
        )


def test_copy_brings_categories_areas_criteria_and_questions(make, db):
    source = make.edition(
        status=EditionStatus.archived, categories=2, areas=2, gala_place="Sejm", gala_date=None
    )
    source.categories[0].allowed_office_types = ["county"]
    make.question(area=source.areas[0], kind=QuestionKind.number, min_value=0, max_value=9)
    db.session.add(SpecialAward(edition=source, name="Urząd innowacyjny", description="Statuetka"))
    db.session.flush()
    copy = services.copy_edition(
        source, actor=make.organizer(), name="Edycja 2027", slug="e-2027", year=2027
    )
    db.session.expire_all()
    copy = db.session.get(Edition, copy.id)
    assert copy.status is EditionStatus.draft
    assert copy.copied_from_id == source.id
    assert (copy.name, copy.slug, copy.year) == ("Edycja 2027", "e-2027", 2027)
    assert copy.applications_open_at is None and copy.applications_close_at is None
    assert copy.stage1_start is None and copy.gala_date is None
    assert [c.name for c in copy.categories] == [c.name for c in source.categories]
    assert copy.categories[0].allowed_office_types == ["county"]
    assert {c.id for c in copy.categories}.isdisjoint({c.id for c in source.categories})
    assert [a.name for a in copy.areas] == [a.name for a in source.areas]
    src_criteria = [
        (c.stage, c.name, c.max_score, c.weight) for a in source.areas for c in a.criteria
    ]
    new_criteria = [
        (c.stage, c.name, c.max_score, c.weight) for a in copy.areas for c in a.criteria
    ]
    assert new_criteria == src_criteria and len(new_criteria) == 4
    numbers = [q for q in copy.areas[0].questions if q.kind is QuestionKind.number]
    assert [(q.min_value, q.max_value) for q in numbers] == [(0, 9)]
    assert sum(len(a.questions) for a in copy.areas) == 3
    specials = db.session.query(SpecialAward).filter_by(edition_id=copy.id).all()
    assert [(s.name, s.description) for s in specials] == [("Urząd innowacyjny", "Statuetka")]
    assert "edition.copy" in actions(db)


def test_copy_brings_the_diploma_design_and_report_settings(make, db):
    from app.awards.diploma_models import DiplomaDesign
    from app.editions.models import FeedbackResultMode

    source = make.edition(status=EditionStatus.archived)
    source.feedback_result_mode = FeedbackResultMode.exact
    source.feedback_band_width = 20
    db.session.add(
        DiplomaDesign(
            edition_id=source.id,
            template_laureate="quality_mark",
            certificate_valid_years=3,
            logo_name="logo-abc.png",
            signer1_name="Anna Nowak",
            signer1_role="Prezes Fundacji",
        )
    )
    db.session.flush()
    copy = services.copy_edition(
        source, actor=make.organizer(), name="PU 2028", slug="pu-2028", year=2028
    )
    assert copy.feedback_result_mode is source.feedback_result_mode
    assert copy.feedback_band_width == source.feedback_band_width
    design = db.session.get(DiplomaDesign, copy.id)
    assert design.template_laureate == "quality_mark" and design.certificate_valid_years == 3
    assert design.logo_name == "logo-abc.png" and design.signer1_name == "Anna Nowak"
    without = services.copy_edition(
        copy, actor=make.organizer(), name="PU 2029", slug="pu-2029", year=2029
    )
    assert db.session.get(DiplomaDesign, without.id) is not None  # copied again
    plain = make.edition()
    third = services.copy_edition(plain, actor=make.organizer(), name="X", slug="x-1", year=2030)
    assert db.session.get(DiplomaDesign, third.id) is None


def test_copy_refuses_a_taken_slug(make):
    source = make.edition(slug="taken")
    with pytest.raises(LaurelError):
        services.copy_edition(source, actor=make.organizer(), name="X", slug="taken", year=2027)


# categories


def test_category_create_update_delete(make, db):
    edition = make.edition(status=EditionStatus.draft, categories=0)
    actor = make.organizer()
    category = services.create_category(
        edition, actor=actor, data={"name": "Powiaty", "allowed_office_types": ["county"]}
    )
    assert category.admits(OfficeType.county) and not category.admits(OfficeType.municipal)
    with pytest.raises(LaurelError, match="already has a category"):
        services.create_category(edition, actor=actor, data={"name": "Powiaty"})
    services.update_category(category, actor=actor, data={"name": "Starostwa"})
    services.delete_category(category, actor=actor)
    assert edition.categories == []
    assert actions(db) == ["category.create", "category.update", "category.delete"]


def test_category_in_use_cannot_be_deleted(make, db):
    application = make.application()
    with pytest.raises(LaurelError, match="cannot be deleted: 1 applications"):
        services.delete_category(application.category, actor=make.organizer())


# criteria


def criterion_data(area, **kw):
    return {"area_id": area.id, "stage": 1, "name": "Nowe", "max_score": 5, "weight": 2.0, **kw}


def test_criteria_can_change_before_scoring(make, db):
    edition = make.edition()
    actor = make.organizer()
    area = edition.areas[0]
    criterion = services.create_criterion(edition, actor=actor, data=criterion_data(area))
    services.update_criterion(criterion, actor=actor, data={"max_score": 7, "weight": 1.5})
    assert (criterion.max_score, criterion.weight) == (7, 1.5)
    services.delete_criterion(criterion, actor=actor)
    assert actions(db) == ["criterion.create", "criterion.update", "criterion.delete"]


@pytest.mark.parametrize("status", [EditionStatus.stage1, EditionStatus.chapter])
def test_criteria_edit_refused_once_scoring_phase_started(make, db, status):
    edition = make.edition(status=status)
    criterion = edition.areas[0].criteria[0]
    actor = make.organizer()
    with pytest.raises(LaurelError, match="after scoring has started"):
        services.update_criterion(criterion, actor=actor, data={"max_score": 99})
    with pytest.raises(LaurelError, match="after scoring has started"):
        services.delete_criterion(criterion, actor=actor)
    with pytest.raises(LaurelError, match="after scoring has started"):
        services.create_criterion(edition, actor=actor, data=criterion_data(edition.areas[0]))
    db.session.refresh(criterion)
    assert criterion.max_score == 10


def test_criteria_edit_refused_when_any_score_exists(make, make_sheet, db):
    edition = make.edition(status=EditionStatus.applications_open)
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    assignment = make.assignment(application=application, juror=make.juror(edition=edition))
    make_sheet(assignment, SheetStatus.draft, scores=True)
    assert services.scoring_started(edition)
    with pytest.raises(LaurelError, match="after scoring has started"):
        services.update_criterion(
            edition.areas[0].criteria[0], actor=make.organizer(), data={"name": "Inne"}
        )


def test_criterion_rules(make):
    edition = make.edition()
    actor = make.organizer()
    area = edition.areas[0]
    other_area = make.edition().areas[0]
    with pytest.raises(LaurelError, match="between 1 and 1000"):
        services.create_criterion(edition, actor=actor, data=criterion_data(area, max_score=1001))
    with pytest.raises(LaurelError, match="greater than zero"):
        services.create_criterion(edition, actor=actor, data=criterion_data(area, weight=0))
    with pytest.raises(LaurelError, match="area of this edition"):
        services.create_criterion(edition, actor=actor, data=criterion_data(other_area))


def test_area_with_criteria_cannot_be_deleted_after_scoring_started(make):
    edition = make.edition(status=EditionStatus.stage2)
    with pytest.raises(LaurelError, match="after scoring has started"):
        services.delete_area(edition.areas[0], actor=make.organizer())


# questionnaire


def test_questions_change_until_an_application_is_submitted(make, db):
    edition = make.edition()
    actor = make.organizer()
    area = edition.areas[0]
    question = services.create_question(
        edition,
        actor=actor,
        data={
            "area_id": area.id,
            "kind": QuestionKind.number,
            "prompt": "Ilu pracowników?",
            "max_length": 50,
            "min_value": 0,
            "max_value": 1000,
        },
    )
    assert question.max_length is None  # only text answers have a length
    services.update_question(question, actor=actor, data={"prompt": "Ilu urzędników?"})
    make.application(edition=edition)  # a draft does not freeze the questionnaire
    services.update_question(question, actor=actor, data={"required": False})
    make.application(edition=edition, status=ApplicationStatus.submitted)
    with pytest.raises(LaurelError, match="questionnaire cannot be changed"):
        services.update_question(question, actor=actor, data={"prompt": "Inne?"})
    with pytest.raises(LaurelError, match="questionnaire cannot be changed"):
        services.delete_question(question, actor=actor)
    with pytest.raises(LaurelError, match="questionnaire cannot be changed"):
        services.create_question(
            edition,
            actor=actor,
            data={"area_id": area.id, "kind": QuestionKind.text, "prompt": "?"},
        )
    assert question.prompt == "Ilu urzędników?"


def test_question_range_must_be_ordered(make):
    edition = make.edition()
    with pytest.raises(LaurelError, match="minimum cannot be greater"):
        services.create_question(
            edition,
            actor=make.organizer(),
            data={
                "area_id": edition.areas[0].id,
                "kind": QuestionKind.number,
                "prompt": "Ile?",
                "min_value": 5,
                "max_value": 1,
            },
        )


# dashboard


def test_dashboard_counts(make, make_sheet, db, app):
    edition = make.edition(
        status=EditionStatus.stage2,
        categories=2,
        stage1_end=dt.date(2026, 3, 1),
        stage2_end=dt.date(2026, 6, 1),
    )
    first, second = edition.categories
    a1 = make.application(edition=edition, category=first, status=ApplicationStatus.qualified)
    a2 = make.application(edition=edition, category=first, status=ApplicationStatus.qualified)
    make.application(edition=edition, category=first, status=ApplicationStatus.not_qualified)
    make.application(edition=edition, category=second)
    make.application(status=ApplicationStatus.submitted)  # another edition
    anna = make.juror(edition=edition, full_name="Anna")
    jan = make.juror(edition=edition, full_name="Jan")
    make_sheet(make.assignment(application=a1, juror=anna, stage=1), SheetStatus.locked)
    make_sheet(make.assignment(application=a2, juror=anna, stage=1), SheetStatus.draft)
    make.assignment(application=a1, juror=jan, stage=1)
    make.assignment(application=a2, juror=jan, stage=1)
    make_sheet(make.assignment(application=a1, juror=jan, stage=2), SheetStatus.submitted)
    make.assignment(application=a2, juror=jan, stage=2)

    before_stage2_end = figures.dashboard(edition, today=dt.date(2026, 5, 1))
    assert before_stage2_end.total == 4
    rows = {c.name: (counts, total) for c, counts, total in before_stage2_end.by_category}
    assert rows[first.name] == (
        {ApplicationStatus.qualified: 2, ApplicationStatus.not_qualified: 1},
        3,
    )
    assert rows[second.name] == ({ApplicationStatus.draft: 1}, 1)
    assert before_stage2_end.by_status[ApplicationStatus.qualified] == 2
    stage1, stage2 = before_stage2_end.stages
    assert (stage1.assignments, stage1.submitted, stage1.draft, stage1.not_started) == (4, 1, 1, 2)
    assert (stage2.assignments, stage2.submitted, stage2.draft, stage2.not_started) == (2, 1, 0, 1)
    assert stage1.percent == 25
    assert [(o.name, o.stage, o.count) for o in before_stage2_end.overdue] == [
        ("Jan", 1, 2),
        ("Anna", 1, 1),
    ]

    after = figures.dashboard(edition, today=dt.date(2026, 6, 2))
    assert [(o.name, o.stage, o.count) for o in after.overdue] == [
        ("Jan", 1, 2),
        ("Anna", 1, 1),
        ("Jan", 2, 1),
    ]
    assert figures.dashboard(edition, today=dt.date(2026, 3, 1)).overdue == []


def test_dashboard_uses_a_constant_number_of_queries(make, db):
    edition = make.edition(categories=3, stage1_end=dt.date(2020, 1, 1))
    for category in edition.categories:
        for _ in range(3):
            make.application(edition=edition, category=category)
    statements = []

    def count(*args, **kwargs):
        statements.append(1)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        figures.dashboard(edition)
        computed = len(statements)
        statements.clear()
        again = figures.dashboard(edition)
        cached = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    # The counts cache's token, three grouped counts, the categories...
    assert computed <= 5
    # ...and while nothing counted changes, the token (read once per request:
    # this test is one long request) and the categories only.
    assert cached <= 2
    assert again.total == 9
    make.application(edition=edition, category=edition.categories[0])
    db.session.flush()
    assert figures.dashboard(edition).total == 10


def test_opens_later_only_before_the_window_opens(make):
    import datetime as dt

    from app.timeutil import utcnow

    now = utcnow()
    edition = make.edition(
        status=EditionStatus.applications_open,
        applications_open_at=now + dt.timedelta(days=2),
        applications_close_at=now + dt.timedelta(days=9),
    )
    assert edition.opens_later(now) and not edition.accepts_applications(now)
    # Past the window: closed, not "opens on <a past date>".
    later = now + dt.timedelta(days=10)
    assert not edition.opens_later(later) and not edition.accepts_applications(later)
    edition.status = EditionStatus.stage1
    assert not edition.opens_later(now)
