"""Request tests for every organizer route of the editions area."""

from __future__ import annotations

import datetime as dt

import pytest

from app.audit.models import AuditEvent
from app.editions.models import (
    Area,
    Category,
    CommentRule,
    Criterion,
    Edition,
    EditionStatus,
    Question,
)
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus

PREFIX = "/organizer/editions"

# (method, path) with {e} edition, {c} category, {a} area, {k} criterion, {q} question
ROUTES = [
    ("GET", "/"),
    ("GET", "/new"),
    ("POST", "/new"),
    ("GET", "/{e}/"),
    ("GET", "/{e}/settings"),
    ("POST", "/{e}/settings"),
    ("GET", "/{e}/copy"),
    ("POST", "/{e}/copy"),
    ("GET", "/{e}/phases"),
    ("POST", "/{e}/phases"),
    ("GET", "/{e}/categories"),
    ("GET", "/{e}/categories/new"),
    ("POST", "/{e}/categories/new"),
    ("GET", "/{e}/categories/{c}/edit"),
    ("POST", "/{e}/categories/{c}/edit"),
    ("POST", "/{e}/categories/{c}/delete"),
    ("GET", "/{e}/criteria"),
    ("GET", "/{e}/areas/new"),
    ("POST", "/{e}/areas/new"),
    ("GET", "/{e}/areas/{a}/edit"),
    ("POST", "/{e}/areas/{a}/edit"),
    ("POST", "/{e}/areas/{a}/delete"),
    ("GET", "/{e}/criteria/new"),
    ("POST", "/{e}/criteria/new"),
    ("GET", "/{e}/criteria/{k}/edit"),
    ("POST", "/{e}/criteria/{k}/edit"),
    ("POST", "/{e}/criteria/{k}/delete"),
    ("GET", "/{e}/questions/new"),
    ("POST", "/{e}/questions/new"),
    ("GET", "/{e}/questions/{q}/edit"),
    ("POST", "/{e}/questions/{q}/edit"),
    ("POST", "/{e}/questions/{q}/delete"),
]
EDITION_ROUTES = [r for r in ROUTES if "{e}" in r[1]]
CHILD_ROUTES = [r for r in ROUTES if any(k in r[1] for k in ("{c}", "{a}", "{k}", "{q}"))]


@pytest.fixture
def edition(make, db):
    edition = make.edition(status=EditionStatus.draft)
    db.session.commit()
    return edition


def url(path, edition=None, **override):
    ids = {}
    if edition is not None:
        area = edition.areas[0]
        ids = {
            "e": edition.id,
            "c": edition.categories[0].id,
            "a": area.id,
            "k": area.criteria[0].id,
            "q": area.questions[0].id,
        }
    ids.update(override)
    return PREFIX + path.format(**ids)


def call(client, method, path, **kw):
    return client.open(path, method=method, **kw)


def ids(routes):
    return [f"{m} {p}" for m, p in routes]


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=ids(ROUTES))
def test_anonymous_is_sent_to_login(client, edition, method, path):
    response = call(client, method, url(path, edition))
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["juror", "office"])
@pytest.mark.parametrize(("method", "path"), ROUTES, ids=ids(ROUTES))
def test_jurors_and_offices_are_refused(client, login_as, edition, db, role, method, path):
    login_as(role)
    response = call(client, method, url(path, edition))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).status is EditionStatus.draft
    assert db.session.query(AuditEvent).filter(AuditEvent.action != "login").count() == 0


@pytest.mark.parametrize(("method", "path"), EDITION_ROUTES, ids=ids(EDITION_ROUTES))
def test_missing_edition_is_404(client, organizer, edition, method, path):
    assert call(client, method, url(path, edition, e=987654)).status_code == 404


@pytest.mark.parametrize(("method", "path"), CHILD_ROUTES, ids=ids(CHILD_ROUTES))
def test_child_of_another_edition_is_404(client, organizer, edition, make, db, method, path):
    other = make.edition(status=EditionStatus.draft)
    db.session.commit()
    assert call(client, method, url(path, other, e=edition.id)).status_code == 404


@pytest.mark.parametrize(("method", "path"), CHILD_ROUTES, ids=ids(CHILD_ROUTES))
def test_missing_child_is_404(client, organizer, edition, method, path):
    missing = {"c": 987654, "a": 987654, "k": 987654, "q": 987654}
    assert call(client, method, url(path, edition, **missing)).status_code == 404


# ---------------------------------------------------------------- editions


def test_index_lists_editions_with_counts(client, organizer, make, db):
    edition = make.edition(name="Przyjazny Urząd 2026")
    make.application(edition=edition)
    make.application(edition=edition)
    db.session.commit()
    html = client.get(PREFIX + "/").get_data(as_text=True)
    assert "Przyjazny Urząd 2026" in html
    assert "<td>2</td>" in html
    assert 'href="/organizer/editions/"' in html  # main menu entry "Editions"


def edition_form(**kw):
    data = {
        "name": "Przyjazny Urząd 2027",
        "slug": "pu-2027",
        "year": "2027",
        "description": "Konkurs",
        "organizer_name": "Fundacja",
        "jurors_per_application": "3",
        "applications_open_at": "2027-01-10T09:00",
        "applications_close_at": "2027-03-31T15:30",
        "stage1_start": "2027-04-01",
        "stage1_end": "2027-04-30",
        "stage2_start": "",
        "stage2_end": "",
        "chapter_date": "",
        "results_date": "",
        "gala_date": "2027-06-20",
        "gala_place": "Warszawa",
        "score_mode": "normalised",
        "stage1_weight": "40",
        "stage2_weight": "60",
        "tie_rule": "stage2,checklist,stage1",
        "qualification_mode": "top_k",
        "qualification_value": "10",
    }
    data.update(kw)
    return data


def test_create_edition_stores_utc_and_shows_warsaw_time(client, organizer, db):
    response = client.post(PREFIX + "/new", data=edition_form())
    assert response.status_code == 302
    edition = db.session.query(Edition).filter_by(slug="pu-2027").one()
    assert edition.status is EditionStatus.draft
    # 09:00 in Warsaw in January is 08:00 UTC; 15:30 on 31 March (summer time) is 13:30 UTC.
    assert edition.applications_open_at == dt.datetime(2027, 1, 10, 8, 0)
    assert edition.applications_close_at == dt.datetime(2027, 3, 31, 13, 30)
    assert edition.stage1_end == dt.date(2027, 4, 30)
    assert response.headers["Location"].endswith(f"/{edition.id}/")
    assert db.session.query(AuditEvent).filter_by(action="edition.create").count() == 1
    settings = client.get(f"{PREFIX}/{edition.id}/settings").get_data(as_text=True)
    assert 'value="2027-01-10T09:00"' in settings
    assert 'value="2027-03-31T15:30"' in settings
    dashboard = client.get(f"{PREFIX}/{edition.id}/").get_data(as_text=True)
    assert "31 marca 2027, 15:30" in dashboard


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("slug", "Zła Nazwa"),
        ("slug", "a--b"),
        ("year", "abc"),
        ("jurors_per_application", "0"),
        ("jurors_per_application", "21"),
        ("applications_close_at", "2027-01-10T09:00"),
        ("applications_open_at", "jutro"),
        ("stage1_end", "2027-03-01"),
    ],
)
def test_create_edition_validation_errors(client, organizer, db, field, value):
    response = client.post(PREFIX + "/new", data=edition_form(**{field: value}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    assert 'value="Przyjazny Urząd 2027"' in html or field == "name"
    assert db.session.query(Edition).count() == 0


def test_create_edition_refuses_a_taken_slug_and_keeps_the_form(client, organizer, make, db):
    make.edition(slug="pu-2027")
    db.session.commit()
    response = client.post(PREFIX + "/new", data=edition_form(name="Druga"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "pu-2027" in html and 'value="Druga"' in html
    assert "flash-error" in html
    assert db.session.query(Edition).count() == 1


def test_edit_edition(client, organizer, edition, db):
    response = client.post(
        f"{PREFIX}/{edition.id}/settings",
        data=edition_form(name="Nowa nazwa", slug=edition.slug, jurors_per_application="5"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    edition = db.session.get(Edition, edition.id)
    assert (edition.name, edition.jurors_per_application) == ("Nowa nazwa", 5)
    assert db.session.query(AuditEvent).filter_by(action="edition.update").count() == 1


def test_edit_edition_validation_error(client, organizer, edition, db):
    response = client.post(
        f"{PREFIX}/{edition.id}/settings", data=edition_form(jurors_per_application="99")
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).jurors_per_application == 3


def test_settings_page_renders(client, organizer, edition):
    response = client.get(f"{PREFIX}/{edition.id}/settings")
    assert response.status_code == 200
    assert f'value="{edition.slug}"' in response.get_data(as_text=True)


def test_copy_edition(client, organizer, make, db):
    source = make.edition(status=EditionStatus.archived, categories=2)
    db.session.commit()
    page = client.get(f"{PREFIX}/{source.id}/copy")
    assert page.status_code == 200 and 'value="2027"' in page.get_data(as_text=True)
    response = client.post(
        f"{PREFIX}/{source.id}/copy", data={"name": "Kopia", "slug": "kopia", "year": "2027"}
    )
    assert response.status_code == 302
    copy = db.session.query(Edition).filter_by(slug="kopia").one()
    assert copy.copied_from_id == source.id and copy.status is EditionStatus.draft
    assert len(copy.categories) == 2


def test_copy_edition_validation_error(client, organizer, edition, db):
    response = client.post(
        f"{PREFIX}/{edition.id}/copy", data={"name": "", "slug": "ok", "year": "2027"}
    )
    assert response.status_code == 200
    assert db.session.query(Edition).count() == 1


def test_dashboard_page(client, organizer, make, make_sheet, db):
    edition = make.edition(status=EditionStatus.stage1, stage1_end=dt.date(2020, 1, 1))
    application = make.application(edition=edition, status=ApplicationStatus.submitted)
    juror = make.juror(edition=edition, full_name="Zofia Spóźniona")
    make_sheet(make.assignment(application=application, juror=juror), SheetStatus.draft)
    db.session.commit()
    response = client.get(f"{PREFIX}/{edition.id}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Zofia Spóźniona" in html
    assert html.count("<h1>") == 1
    assert 'scope="col"' in html and "<caption>" in html


def test_dashboard_links_to_other_areas_only_when_they_exist(app, client, organizer, edition):
    html = client.get(f"{PREFIX}/{edition.id}/").get_data(as_text=True)
    for endpoint, path in [
        ("offices.edition_applications", "applications"),
        ("jury.assignments", "assignments"),
        ("jury.jurors", "jurors"),
    ]:
        if endpoint in app.view_functions:
            with app.test_request_context():
                from flask import url_for

                assert url_for(endpoint, edition_id=edition.id) in html
        else:
            assert f"/{path}" not in html


# ---------------------------------------------------------------- phases


def test_phase_page_shows_blockers(client, organizer, make, db):
    edition = make.edition(status=EditionStatus.draft, categories=0)
    db.session.commit()
    html = client.get(f"{PREFIX}/{edition.id}/phases").get_data(as_text=True)
    assert "Dodaj co najmniej jedną kategorię" in html
    assert 'name="expected"' not in html  # no move form while blocked


def test_phase_move(client, organizer, make, db):
    edition = make.edition(
        status=EditionStatus.draft, applications_close_at=dt.datetime(2027, 3, 1)
    )
    db.session.commit()
    page = client.get(f"{PREFIX}/{edition.id}/phases").get_data(as_text=True)
    assert 'name="expected" type="hidden" value="draft"' in page
    data = {"expected": "draft", "target": "applications_open"}
    response = client.post(f"{PREFIX}/{edition.id}/phases", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).status is EditionStatus.applications_open
    # The same form sent again (double click) does not move the edition further.
    again = client.post(f"{PREFIX}/{edition.id}/phases", data=data, follow_redirects=True)
    assert again.status_code == 200
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).status is EditionStatus.applications_open
    assert db.session.query(AuditEvent).filter_by(action="edition.phase").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"expected": "draft", "target": "stage1"},  # skip
        {"expected": "draft", "target": "draft"},
        {"expected": "draft"},  # incomplete
    ],
)
def test_phase_move_refusals(client, organizer, make, db, data):
    edition = make.edition(
        status=EditionStatus.draft, applications_close_at=dt.datetime(2027, 3, 1)
    )
    db.session.commit()
    response = client.post(f"{PREFIX}/{edition.id}/phases", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).status is EditionStatus.draft


def test_phase_move_with_a_bad_status_value_is_400(client, organizer, edition):
    response = client.post(
        f"{PREFIX}/{edition.id}/phases", data={"expected": "draft", "target": "nonsense"}
    )
    assert response.status_code == 400


def test_phase_move_with_missing_sheets_asks_to_confirm(client, organizer, make, make_sheet, db):
    edition = make.edition(status=EditionStatus.stage2)
    application = make.application(
        edition=edition, status=ApplicationStatus.qualified, office=make.office(name="Urząd X")
    )
    make.assignment(
        application=application, juror=make.juror(edition=edition, full_name="Ewa"), stage=2
    )
    db.session.commit()
    page = client.get(f"{PREFIX}/{edition.id}/phases").get_data(as_text=True)
    assert "Ewa" in page and "Urząd X" in page and 'name="confirm_missing"' in page
    data = {"expected": "stage2", "target": "chapter"}
    refused = client.post(f"{PREFIX}/{edition.id}/phases", data=data)
    assert refused.status_code == 200
    html = refused.get_data(as_text=True)
    assert "Ewa" in html and 'name="confirm_missing"' in html and "flash-error" in html
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).status is EditionStatus.stage2
    confirmed = client.post(f"{PREFIX}/{edition.id}/phases", data={**data, "confirm_missing": "y"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).status is EditionStatus.chapter


# ---------------------------------------------------------------- categories


def test_categories_page(client, organizer, make, db):
    edition = make.edition()
    edition.categories[0].allowed_office_types = ["county"]
    make.application(edition=edition)
    db.session.commit()
    html = client.get(f"{PREFIX}/{edition.id}/categories").get_data(as_text=True)
    assert edition.categories[0].name in html
    assert "Starostwo powiatowe" in html


def test_create_category(client, organizer, edition, db):
    page = client.get(f"{PREFIX}/{edition.id}/categories/new").get_data(as_text=True)
    assert 'type="checkbox"' in page and "<legend>" in page
    response = client.post(
        f"{PREFIX}/{edition.id}/categories/new",
        data={
            "name": "Urzędy gmin",
            "description": "",
            "allowed_office_types": ["municipal", "city"],
            "position": "2",
        },
    )
    assert response.status_code == 302
    category = db.session.query(Category).filter_by(name="Urzędy gmin").one()
    assert category.allowed_office_types == ["municipal", "city"]
    assert db.session.query(AuditEvent).filter_by(action="category.create").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "position": "1"},
        {"name": "X", "position": "1", "allowed_office_types": ["spaceship"]},
        {"name": "X", "position": "-1"},
    ],
)
def test_create_category_validation_errors(client, organizer, edition, db, data):
    response = client.post(f"{PREFIX}/{edition.id}/categories/new", data=data)
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.query(Category).count() == 1


def test_create_category_with_a_duplicate_name(client, organizer, edition, db):
    name = edition.categories[0].name
    response = client.post(
        f"{PREFIX}/{edition.id}/categories/new", data={"name": name, "position": "1"}
    )
    assert response.status_code == 200
    assert "flash-error" in response.get_data(as_text=True)
    assert db.session.query(Category).count() == 1


def test_edit_category(client, organizer, edition, db):
    category = edition.categories[0]
    page = client.get(f"{PREFIX}/{edition.id}/categories/{category.id}/edit")
    assert page.status_code == 200
    response = client.post(
        f"{PREFIX}/{edition.id}/categories/{category.id}/edit",
        data={"name": "Powiaty", "allowed_office_types": ["county"], "position": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    category = db.session.get(Category, category.id)
    assert (category.name, category.allowed_office_types) == ("Powiaty", ["county"])


def test_edit_category_validation_error(client, organizer, edition):
    category = edition.categories[0]
    response = client.post(
        f"{PREFIX}/{edition.id}/categories/{category.id}/edit", data={"name": "", "position": "1"}
    )
    assert response.status_code == 200


def test_delete_category(client, organizer, edition, db):
    category = edition.categories[0]
    response = client.post(f"{PREFIX}/{edition.id}/categories/{category.id}/delete")
    assert response.status_code == 302
    assert db.session.query(Category).count() == 0


def test_delete_category_in_use_is_refused_with_a_message(client, organizer, make, db):
    application = make.application()
    db.session.commit()
    edition, category = application.edition, application.category
    response = client.post(
        f"{PREFIX}/{edition.id}/categories/{category.id}/delete", follow_redirects=True
    )
    assert response.status_code == 200
    assert "nie może zostać usunięta" in response.get_data(as_text=True)
    assert db.session.get(Category, category.id) is not None


# ---------------------------------------------------------------- areas, criteria, questions


def test_criteria_page(client, organizer, edition):
    html = client.get(f"{PREFIX}/{edition.id}/criteria").get_data(as_text=True)
    area = edition.areas[0]
    assert area.name in html and area.criteria[0].name in html and area.questions[0].prompt in html


def test_area_create_edit_delete(client, organizer, edition, db):
    assert client.get(f"{PREFIX}/{edition.id}/areas/new").status_code == 200
    response = client.post(
        f"{PREFIX}/{edition.id}/areas/new",
        data={"name": "Komunikacja z otoczeniem", "description": "", "position": "2"},
    )
    assert response.status_code == 302
    area = db.session.query(Area).filter_by(name="Komunikacja z otoczeniem").one()
    assert client.get(f"{PREFIX}/{edition.id}/areas/{area.id}/edit").status_code == 200
    response = client.post(
        f"{PREFIX}/{edition.id}/areas/{area.id}/edit",
        data={"name": "Komunikacja", "position": "3"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Area, area.id).name == "Komunikacja"
    assert client.post(f"{PREFIX}/{edition.id}/areas/{area.id}/delete").status_code == 302
    assert db.session.get(Area, area.id) is None
    assert [
        e.action
        for e in db.session.query(AuditEvent)
        .filter(AuditEvent.action.like("area.%"))
        .order_by(AuditEvent.id)
    ] == ["area.create", "area.update", "area.delete"]


def test_area_validation_errors(client, organizer, edition, db):
    response = client.post(f"{PREFIX}/{edition.id}/areas/new", data={"name": "", "position": "1"})
    assert response.status_code == 200
    area = edition.areas[0]
    response = client.post(
        f"{PREFIX}/{edition.id}/areas/{area.id}/edit", data={"name": "X", "position": "abc"}
    )
    assert response.status_code == 200
    assert db.session.query(Area).count() == 1


def criterion_form(area, **kw):
    data = {
        "area_id": str(area.id),
        "stage": "1",
        "name": "Standard obsługi",
        "guidance": "Oceń dokumenty",
        "max_score": "20",
        "weight": "1.5",
        "position": "1",
    }
    data.update(kw)
    return data


def test_criterion_create_and_edit(client, organizer, edition, db):
    area = edition.areas[0]
    assert client.get(f"{PREFIX}/{edition.id}/criteria/new").status_code == 200
    response = client.post(f"{PREFIX}/{edition.id}/criteria/new", data=criterion_form(area))
    assert response.status_code == 302
    criterion = db.session.query(Criterion).filter_by(name="Standard obsługi").one()
    assert (criterion.max_score, criterion.weight) == (20, 1.5)
    assert (criterion.step, criterion.comment_rule) == (1.0, CommentRule.extremes)  # defaults
    assert client.get(f"{PREFIX}/{edition.id}/criteria/{criterion.id}/edit").status_code == 200
    response = client.post(
        f"{PREFIX}/{edition.id}/criteria/{criterion.id}/edit",
        data=criterion_form(area, max_score="30", stage="2", step="0.5", comment_rule="always"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    criterion = db.session.get(Criterion, criterion.id)
    assert (criterion.max_score, criterion.stage) == (30, 2)
    assert (criterion.step, criterion.comment_rule) == (0.5, CommentRule.always)
    page = client.get(f"{PREFIX}/{edition.id}/criteria/{criterion.id}/edit").text
    assert '<option selected value="always">' in page
    assert (
        client.post(
            f"{PREFIX}/{edition.id}/criteria/{criterion.id}/edit",
            data=criterion_form(area, step="0.3"),
        ).status_code
        == 200
    )  # not a choice: the form comes back with an error


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_score", "0"),
        ("max_score", "1001"),
        ("weight", "0"),
        ("weight", "-1"),
        ("stage", "3"),
        ("name", ""),
        ("area_id", "987654"),
    ],
)
def test_criterion_validation_errors(client, organizer, edition, db, field, value):
    area = edition.areas[0]
    response = client.post(
        f"{PREFIX}/{edition.id}/criteria/new", data=criterion_form(area, **{field: value})
    )
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.query(Criterion).count() == 2


def test_criterion_delete(client, organizer, edition, db):
    criterion = edition.areas[0].criteria[0]
    response = client.post(f"{PREFIX}/{edition.id}/criteria/{criterion.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Criterion, criterion.id) is None


def test_criterion_edit_refused_after_scoring_started(client, organizer, make, db):
    edition = make.edition(status=EditionStatus.stage1)
    criterion = edition.areas[0].criteria[0]
    db.session.commit()
    response = client.post(
        f"{PREFIX}/{edition.id}/criteria/{criterion.id}/edit",
        data=criterion_form(edition.areas[0], name="Zmienione", max_score="99"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "po rozpoczęciu oceniania" in html
    assert 'value="Zmienione"' in html  # the typed data stays in the form
    db.session.expire_all()
    assert db.session.get(Criterion, criterion.id).max_score == 10
    deleted = client.post(
        f"{PREFIX}/{edition.id}/criteria/{criterion.id}/delete", follow_redirects=True
    )
    assert "po rozpoczęciu oceniania" in deleted.get_data(as_text=True)
    assert db.session.get(Criterion, criterion.id) is not None
    page = client.get(f"{PREFIX}/{edition.id}/criteria").get_data(as_text=True)
    assert f"/criteria/{criterion.id}/edit" not in page


def test_new_criterion_without_areas_redirects(client, organizer, make, db):
    edition = make.edition(status=EditionStatus.draft, areas=0)
    db.session.commit()
    for kind in ("criteria", "questions"):
        response = client.get(f"{PREFIX}/{edition.id}/{kind}/new")
        assert response.status_code == 302


def question_form(area, **kw):
    data = {
        "area_id": str(area.id),
        "kind": "number",
        "prompt": "Ilu pracowników obsługuje klientów?",
        "help_text": "",
        "required": "y",
        "max_length": "",
        "min_value": "0",
        "max_value": "500",
        "position": "2",
    }
    data.update(kw)
    return data


def test_question_create_edit_delete(client, organizer, edition, db):
    area = edition.areas[0]
    assert client.get(f"{PREFIX}/{edition.id}/questions/new").status_code == 200
    response = client.post(f"{PREFIX}/{edition.id}/questions/new", data=question_form(area))
    assert response.status_code == 302
    question = db.session.query(Question).filter_by(max_value=500).one()
    assert question.required and question.min_value == 0
    assert client.get(f"{PREFIX}/{edition.id}/questions/{question.id}/edit").status_code == 200
    response = client.post(
        f"{PREFIX}/{edition.id}/questions/{question.id}/edit",
        data=question_form(area, kind="text", max_length="300", required=""),
    )
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert (question.max_length, question.min_value, question.required) == (300, None, False)
    response = client.post(f"{PREFIX}/{edition.id}/questions/{question.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Question, question.id) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("prompt", ""), ("kind", "essay"), ("max_value", "-5"), ("max_length", "0")],
)
def test_question_validation_errors(client, organizer, edition, db, field, value):
    area = edition.areas[0]
    response = client.post(
        f"{PREFIX}/{edition.id}/questions/new", data=question_form(area, **{field: value})
    )
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.query(Question).count() == 1


def test_question_edit_refused_once_an_application_is_submitted(client, organizer, make, db):
    edition = make.edition()
    make.application(edition=edition, status=ApplicationStatus.submitted)
    question = edition.areas[0].questions[0]
    db.session.commit()
    response = client.post(
        f"{PREFIX}/{edition.id}/questions/{question.id}/edit",
        data=question_form(edition.areas[0], kind="text", max_length="10"),
    )
    assert response.status_code == 200
    assert "Kwestionariusza nie można już zmienić" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, question.id).max_length == 2000


# ---------------------------------------------------------------- constant queries


def count_queries(db, client, path):
    import sqlalchemy as sa

    statements = []

    def count(*args, **kwargs):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("page", ["/", "/{e}/", "/{e}/categories", "/{e}/criteria", "/{e}/phases"])
def test_pages_use_a_constant_number_of_queries(client, organizer, make, db, page):
    def build(size):
        edition = make.edition(categories=size, areas=size, stage1_end=dt.date(2020, 1, 1))
        for category in edition.categories:
            make.application(edition=edition, category=category, status=ApplicationStatus.submitted)
        db.session.commit()
        return edition

    small = count_queries(db, client, PREFIX + page.format(e=build(1).id))
    large = count_queries(db, client, PREFIX + page.format(e=build(6).id))
    assert large == small


def test_results_settings_in_the_edition_form(client, organizer, db):
    response = client.post(
        PREFIX + "/new",
        data=edition_form(
            score_mode="raw",
            stage1_weight="30",
            stage2_weight="70",
            tie_rule="checklist,stage2",
            qualification_mode="threshold",
            qualification_value="65",
        ),
    )
    assert response.status_code == 302
    edition = db.session.query(Edition).filter_by(slug="pu-2027").one()
    assert (edition.score_mode.value, edition.stage1_weight, edition.stage2_weight) == (
        "raw",
        30.0,
        70.0,
    )
    assert edition.tie_rule == "checklist,stage2"
    assert (edition.qualification_mode.value, edition.qualification_value) == ("threshold", 65.0)
    page = client.get(f"{PREFIX}/{edition.id}/settings").text
    assert '<option selected value="checklist,stage2">' in page
    bad = client.post(
        f"{PREFIX}/{edition.id}/settings",
        data=edition_form(stage1_weight="50", stage2_weight="60"),
    )
    assert bad.status_code == 200 and "sumują się do 100" in bad.text
    forged = client.post(
        f"{PREFIX}/{edition.id}/settings", data=edition_form(tie_rule="stage2,coin")
    )
    assert forged.status_code == 200
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).stage1_weight == 30.0


def test_ranking_rules_are_fixed_once_stage_2_has_closed(client, organizer, db, make):
    edition = make.edition(status=EditionStatus.chapter)
    db.session.commit()
    data = edition_form(slug=edition.slug, stage1_weight="50", stage2_weight="50")
    response = client.post(f"{PREFIX}/{edition.id}/settings", data=data)
    assert "nie mogą się zmienić" in response.text
    db.session.expire_all()
    assert db.session.get(Edition, edition.id).stage1_weight == 40.0
    # Other settings still change (the gala's place, say).
    response = client.post(
        f"{PREFIX}/{edition.id}/settings",
        data=edition_form(slug=edition.slug, gala_place="Zamek Królewski"),
    )
    assert response.status_code == 302
