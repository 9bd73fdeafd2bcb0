"""The questionnaire against forged and hostile input (issue 16, items 5 and
6): the version it was built from must come back as a whole number (a
missing or forged one used to skip the concurrent-edit check), and answers
with NUL bytes or other control characters are refused in words."""

from __future__ import annotations

import pytest

from tests.offices.test_application import answers_of

HUGE = "99999999999999999999"


def _post(client, application, data):
    return client.post(f"/office/applications/{application.id}", data=data)


@pytest.mark.parametrize("version", [None, "", "abc", "1.5", HUGE, "0"])
def test_a_missing_or_forged_version_saves_nothing(
    client, draft, questionnaire, office_user, login_as, db, version
):
    login_as(office_user)
    q = questionnaire
    data = {f"q_{q.text.id}": "Nadpisanie"}
    if version is not None:
        data["version"] = version
    response = _post(client, draft, data)
    assert response.status_code == 409
    assert answers_of(db, draft) == {}
    html = response.get_data(as_text=True)
    assert "Nadpisanie" in html  # the typed answer is still in the form


def test_the_right_version_still_saves(client, draft, questionnaire, office_user, login_as, db):
    login_as(office_user)
    q = questionnaire
    response = _post(client, draft, {"version": str(draft.version), f"q_{q.text.id}": "Karta"})
    assert response.status_code == 302
    assert answers_of(db, draft)[q.text.id].text_value == "Karta"


@pytest.mark.parametrize("text", ["Karta\x00", "\x1b[2JKarta", "Kar\x0bta"])
def test_control_characters_in_an_answer_are_refused_in_words(
    client, draft, questionnaire, office_user, login_as, db, text
):
    login_as(office_user)
    q = questionnaire
    response = _post(client, draft, {"version": str(draft.version), f"q_{q.text.id}": text})
    assert response.status_code == 422
    assert "znaki sterujące" in response.get_data(as_text=True)
    assert answers_of(db, draft) == {}


def test_line_breaks_and_tabs_in_an_answer_are_kept(
    client, draft, questionnaire, office_user, login_as, db
):
    login_as(office_user)
    q = questionnaire
    response = _post(client, draft, {"version": str(draft.version), f"q_{q.text.id}": "A\tB\r\nC"})
    assert response.status_code == 302
    assert answers_of(db, draft)[q.text.id].text_value == "A\tB\nC"


def test_a_huge_number_answer_is_a_form_error(
    client, draft, questionnaire, office_user, login_as, db
):
    login_as(office_user)
    q = questionnaire
    response = _post(client, draft, {"version": str(draft.version), f"q_{q.number.id}": HUGE})
    assert response.status_code == 422
    assert answers_of(db, draft) == {}
