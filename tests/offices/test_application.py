"""Starting an application and filling in the questionnaire."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from app.editions.models import EditionStatus
from app.errors import LaurelError
from app.offices import services
from app.offices.models import Answer, Application, ApplicationStatus, OfficeType
from app.timeutil import utcnow


def answers_of(db, application):
    db.session.expire_all()
    return {
        a.question_id: a for a in db.session.query(Answer).filter_by(application_id=application.id)
    }


def test_dashboard_lists_open_editions_and_applications(client, questionnaire, login_as, make):
    user = login_as("office")
    closed = make.edition(status=EditionStatus.stage1, name="Edycja zamknięta")
    html = client.get("/office/").get_data(as_text=True)
    assert questionnaire.edition.name in html
    assert closed.name not in html
    assert f"/office/editions/{questionnaire.edition.id}/apply" in html
    make.application(edition=closed, office=user.office, status=ApplicationStatus.submitted)
    html = client.get("/office/").get_data(as_text=True)
    assert closed.name in html


def test_office_applies_once(client, questionnaire, login_as, db):
    user = login_as("office")
    edition = questionnaire.edition
    assert client.get(f"/office/editions/{edition.id}/apply").status_code == 200
    response = client.post(
        f"/office/editions/{edition.id}/apply", data={"category": edition.categories[0].id}
    )
    application = db.session.query(Application).one()
    assert response.headers["Location"].endswith(f"/office/applications/{application.id}")
    assert application.office_id == user.office_id and application.is_draft
    # A second attempt is refused and leads to the existing application.
    response = client.post(
        f"/office/editions/{edition.id}/apply", data={"category": edition.categories[0].id}
    )
    assert response.headers["Location"].endswith(f"/office/applications/{application.id}")
    assert db.session.query(Application).count() == 1


def test_category_must_admit_the_office_type(
    client, make, questionnaire, login_as, db, request_ctx
):
    edition = questionnaire.edition
    counties = make.category(edition=edition, name="Powiaty", allowed_office_types=["county"])
    login_as("office")  # a municipal office
    response = client.post(f"/office/editions/{edition.id}/apply", data={"category": counties.id})
    assert response.status_code == 200  # not a valid choice: the category is not offered
    assert db.session.query(Application).count() == 0
    office = make.office(office_type=OfficeType.municipal)
    user = make.office_user(office=office)
    with pytest.raises(LaurelError):
        services.create_application(edition, counties, actor=user)


def test_cannot_apply_to_a_closed_edition(client, make, login_as, db):
    edition = make.edition(applications_close_at=utcnow() - dt.timedelta(minutes=1))
    login_as("office")
    response = client.post(
        f"/office/editions/{edition.id}/apply", data={"category": edition.categories[0].id}
    )
    assert response.status_code == 302
    assert db.session.query(Application).count() == 0


def test_race_on_the_unique_key_becomes_a_message(
    questionnaire, make, db, monkeypatch, request_ctx
):
    user = make.office_user()
    edition = questionnaire.edition
    make.application(edition=edition, office=user.office)
    # Pretend the existence check ran before the other request committed.
    monkeypatch.setattr(services.db.session, "scalar", lambda *a, **k: None)
    with pytest.raises(LaurelError) as error:
        services.create_application(edition, edition.categories[0], actor=user)
    assert isinstance(error.value.__cause__, IntegrityError)


def test_questionnaire_has_a_section_per_area(client, draft, questionnaire, office_user, login_as):
    login_as(office_user)
    html = client.get(f"/office/applications/{draft.id}").get_data(as_text=True)
    assert "<legend>Standardy obsługi</legend>" in html
    assert "<legend>Komunikacja</legend>" in html
    assert 'maxlength="20"' in html
    assert 'type="radio"' in html and 'type="number"' in html and 'min="0"' in html


def save(client, application, **answers):
    data = {"version": str(answers.pop("version", application.version))}
    data.update(answers)
    return client.post(f"/office/applications/{application.id}", data=data)


def test_save_draft_stores_valid_answers_even_with_required_ones_empty(
    client, draft, questionnaire, office_user, login_as, db
):
    login_as(office_user)
    q = questionnaire
    response = save(client, draft, **{f"q_{q.text.id}": "Karta klienta"})
    assert response.status_code == 302
    saved = answers_of(db, draft)
    assert saved[q.text.id].text_value == "Karta klienta"
    assert q.yes_no.id not in saved
    # A later save keeps what it is not changing and adds the rest.
    db.session.refresh(draft)
    response = save(
        client,
        draft,
        **{f"q_{q.text.id}": "Karta klienta", f"q_{q.yes_no.id}": "yes", f"q_{q.number.id}": "12"},
    )
    assert response.status_code == 302
    saved = answers_of(db, draft)
    assert saved[q.yes_no.id].bool_value is True
    assert saved[q.number.id].number_value == 12
    # The saved answers are shown when the page is opened again.
    html = client.get(f"/office/applications/{draft.id}").get_data(as_text=True)
    assert "Karta klienta" in html
    assert 'value="12"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "x" * 21),
        ("number", "101"),
        ("number", "-1"),
        ("number", "dużo"),
        ("yes_no", "maybe"),
    ],
)
def test_a_validation_error_saves_nothing_and_keeps_what_was_typed(
    client, draft, questionnaire, office_user, login_as, db, field, value
):
    login_as(office_user)
    q = questionnaire
    data = {f"q_{q.text.id}": "Nowy opis", f"q_{q.number.id}": "7", f"q_{q.yes_no.id}": "no"}
    data[f"q_{getattr(q, field).id}"] = value
    response = save(client, draft, **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    for typed in data.values():
        if typed != "maybe":
            assert typed in html
    assert answers_of(db, draft) == {}
    # One error box (issue 18): the summary, linking to the field; a save says "save".
    assert html.count("data-error-summary") == 1 and "flash-error" not in html
    target = f"q_{getattr(q, field).id}" + ("-0" if field == "yes_no" else "")
    assert f'href="#{target}"' in html
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert "zapisz ponownie" in summary and "wyślij" not in summary.lower()


def test_clearing_an_answer_removes_it(client, draft, questionnaire, office_user, login_as, db):
    login_as(office_user)
    q = questionnaire
    save(client, draft, **{f"q_{q.text.id}": "Opis", f"q_{q.number.id}": "5"})
    db.session.refresh(draft)
    save(client, draft, **{f"q_{q.text.id}": "Opis", f"q_{q.number.id}": ""})
    saved = answers_of(db, draft)
    assert q.number.id not in saved and saved[q.text.id].text_value == "Opis"


def test_two_saves_from_stale_forms_conflict(
    client, draft, questionnaire, office_user, login_as, db
):
    login_as(office_user)
    q = questionnaire
    version = draft.version
    first = save(client, draft, version=version, **{f"q_{q.text.id}": "Pierwsza karta"})
    assert first.status_code == 302
    # The second tab was opened before the first save and still carries the old version.
    second = save(client, draft, version=version, **{f"q_{q.text.id}": "Druga karta"})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Druga karta" in html  # the user's typing is not lost
    assert "w międzyczasie" in html
    assert answers_of(db, draft)[q.text.id].text_value == "Pierwsza karta"


def test_another_office_can_neither_see_nor_change_an_application(
    client, draft, questionnaire, login_as, db
):
    login_as("office")
    q = questionnaire
    assert client.get(f"/office/applications/{draft.id}").status_code == 403
    assert save(client, draft, **{f"q_{q.text.id}": "Włamanie"}).status_code == 403
    assert client.get(f"/applications/{draft.id}").status_code == 403
    assert client.get(f"/office/applications/{draft.id}/submit").status_code == 403
    assert client.post(f"/office/applications/{draft.id}/submit").status_code == 403
    assert answers_of(db, draft) == {}


def test_missing_application_is_404(client, login_as):
    login_as("office")
    assert client.get("/office/applications/999").status_code == 404
    assert client.get("/applications/999").status_code == 404
    assert client.get("/office/editions/999/apply").status_code == 404


def test_submitted_application_cannot_be_edited(
    client, make, questionnaire, office_user, login_as, db, request_ctx
):
    application = make.application(
        edition=questionnaire.edition, office=office_user.office, status=ApplicationStatus.submitted
    )
    login_as(office_user)
    q = questionnaire
    response = client.get(f"/office/applications/{application.id}")
    assert response.headers["Location"].endswith(f"/applications/{application.id}")
    response = save(client, application, **{f"q_{q.text.id}": "Za późno"})
    assert response.status_code == 302
    assert answers_of(db, application) == {}
    with pytest.raises(LaurelError):
        services.save_answers(application, {q.text.id: "x"}, actor=office_user, version=None)


def test_saving_a_draft_is_audited_without_copying_the_answers(
    client, draft, questionnaire, office_user, login_as, db
):
    from app.audit.models import AuditEvent

    login_as(office_user)
    q = questionnaire
    assert save(client, draft, **{f"q_{q.text.id}": "Tajna treść"}).status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="application.draft_saved").one()
    assert event.object_id == draft.id and event.actor_id == office_user.id
    assert q.text.id in event.after["questions"]
    assert "Tajna treść" not in str(event.after)
