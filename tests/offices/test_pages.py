"""The application page shared by roles, and the organizer's list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.offices.models import Answer, ApplicationStatus


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("organizer", 200),
        ("assigned_juror", 200),
        ("unassigned_juror", 403),
        ("other_office", 403),
        ("anonymous", 302),
    ],
)
def test_application_detail_permissions(client, sign_in_as, draft, questionnaire, db, who, status):
    draft.answers.append(Answer(question=questionnaire.text, text_value="Tajna odpowiedź"))
    db.session.commit()
    sign_in_as(who, draft)
    response = client.get(f"/applications/{draft.id}")
    assert response.status_code == status
    if status == 200:
        html = response.get_data(as_text=True)
        assert "Tajna odpowiedź" in html
        assert "<h3>Standardy obsługi</h3>" in html
        assert ("/reopen" in html) is False  # a draft has nothing to reopen
    elif status == 302:
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/office/",
        "/office/editions/{edition}/apply",
        "/office/applications/{application}",
        "/office/applications/{application}/submit",
        "/applications/{application}",
        "/organizer/editions/{edition}/applications",
    ],
)
def test_anonymous_is_sent_to_login(client, draft, url):
    response = client.get(url.format(edition=draft.edition_id, application=draft.id))
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("juror", "/office/"),
        ("organizer", "/office/"),
        ("juror", "/office/applications/{application}"),
        ("office", "/organizer/editions/{edition}/applications"),
        ("juror", "/organizer/editions/{edition}/applications"),
    ],
)
def test_wrong_roles_get_403(client, draft, login_as, role, url):
    login_as(role)
    response = client.get(url.format(edition=draft.edition_id, application=draft.id))
    assert response.status_code == 403


def test_nav_shows_my_application_to_office_users(client, login_as):
    login_as("office")
    assert 'href="/office/"' in client.get("/").get_data(as_text=True)


@pytest.fixture
def many(make, db):
    edition = make.edition(categories=2)
    first, second = edition.categories
    for i in range(6):
        make.application(
            edition=edition,
            office=make.office(name=f"Urząd {i:02d}"),
            category=first if i % 2 else second,
            status=ApplicationStatus.submitted if i < 4 else ApplicationStatus.draft,
        )
    make.application(office=make.office(name="Urząd z innej edycji"))
    db.session.commit()
    return edition


def rows(html):
    return [line for line in html.split("<tr>") if "/applications/" in line and "Urząd" in line]


def test_organizer_list_filters_by_status_and_category(client, login_as, many):
    login_as("organizer")
    url = f"/organizer/editions/{many.id}/applications"
    html = client.get(url).get_data(as_text=True)
    assert len(rows(html)) == 6 and "innej edycji" not in html
    assert len(rows(client.get(url + "?status=submitted").get_data(as_text=True))) == 4
    assert len(rows(client.get(url + "?status=draft").get_data(as_text=True))) == 2
    category = many.categories[0].id
    html = client.get(f"{url}?status=submitted&category={category}").get_data(as_text=True)
    assert len(rows(html)) == 2  # submitted (i < 4) and odd i: 1, 3
    assert len(rows(client.get(url + "?status=nonsense").get_data(as_text=True))) == 6


def test_organizer_list_paginates_with_a_constant_number_of_queries(
    client, login_as, many, make, db, monkeypatch
):
    from app.offices import listing

    monkeypatch.setattr(listing, "PER_PAGE", 4)
    login_as("organizer")
    url = f"/organizer/editions/{many.id}/applications"
    statements = []

    def count(*args, **kwargs):
        statements.append(args[2])

    sa.event.listen(_db.engine, "before_cursor_execute", count)
    try:
        first = client.get(url).get_data(as_text=True)
        few = len(statements)
        for i in range(6):
            make.application(edition=many, office=make.office(name=f"Urząd dodatkowy {i}"))
        db.session.commit()
        statements.clear()
        client.get(url)
        more = len(statements)
        statements.clear()
        client.get(url)
        again = list(statements)
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", count)
    assert len(rows(first)) == 4
    assert "page=2" in first
    # The signed-in user, the edition, its categories (the filter), the counts
    # cache's token, the count and the page's rows, whatever the number of
    # applications (the identity map sometimes spares the user query)...
    assert few <= 6 and more <= 6, statements
    # ...and the same page again, nothing counted having changed: no count,
    # no rows (app/counts_cache.py).
    assert len(again) <= 4 and not any("ORDER BY office.name" in s for s in again), again
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert len(rows(second)) == 4


def test_organizer_list_of_missing_edition_is_404(client, login_as):
    login_as("organizer")
    assert client.get("/organizer/editions/999/applications").status_code == 404
