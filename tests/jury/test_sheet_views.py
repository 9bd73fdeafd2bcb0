"""The scoring pages: who may open them, saving and submitting through the
form, conflicts between two tabs, reopening and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.editions.models import EditionStatus
from app.jury.models import ScoreSheet, SheetStatus
from tests.jury.conftest import add_conflict


def sheet_form(scoring, version=0, action="save", **values):
    data = {"version": version, action: "1", "general_comment": ""}
    data.update(values)
    return data


@pytest.fixture
def roles(make, db, scoring):
    """Users for the permission matrix, by role name."""
    conflicted = make.juror(edition=scoring.edition)
    add_conflict(db, edition=scoring.edition, juror=conflicted, office=scoring.application.office)
    db.session.commit()
    return {
        "office": make.office_user(office=scoring.application.office),
        "juror_assigned": scoring.juror,
        "juror_other": make.juror(edition=scoring.edition),
        "juror_conflicted": conflicted,
        "organizer": make.organizer(),
    }


ROLES = ["anonymous", "office", "juror_assigned", "juror_other", "juror_conflicted", "organizer"]


def _urls(scoring, sheet, document=None):
    return {
        "entries": ("GET", f"/jury/editions/{scoring.edition.id}/entries"),
        "entry": ("GET", f"/assignments/{scoring.assignment.id}"),
        "save": ("POST", f"/assignments/{scoring.assignment.id}"),
        "overview": ("GET", f"/organizer/editions/{scoring.edition.id}/sheets"),
        "reopen": ("POST", f"/organizer/sheets/{sheet.id}/reopen"),
        "remind": ("POST", f"/organizer/editions/{scoring.edition.id}/sheets/remind"),
        "due": ("POST", f"/organizer/editions/{scoring.edition.id}/sheets/due"),
        "view_document": ("GET", f"/documents/{document.id if document else 0}/view"),
    }


# (route, role) -> expected status; 302 for anonymous is the login redirect.
EXPECTED = {
    "entries": [302, 403, 200, 200, 200, 403],
    "entry": [302, 403, 200, 403, 403, 200],
    "save": [302, 403, 302, 403, 403, 302],
    "overview": [302, 403, 403, 403, 403, 200],
    "reopen": [302, 403, 403, 403, 403, 302],
    "remind": [302, 403, 403, 403, 403, 302],
    "due": [302, 403, 403, 403, 403, 302],
    # The office itself may see its own evidence; a 404 would mean no file.
    "view_document": [302, 200, 200, 403, 403, 200],
}


@pytest.mark.parametrize("route", list(EXPECTED))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_permission_matrix(client, make, db, auth, scoring, roles, route, role_index):
    role = ROLES[role_index]
    sheet = make.sheet(assignment=scoring.assignment, fill=5)
    document = make.document(application=scoring.application) if route == "view_document" else None
    if route == "save":
        sheet.status = SheetStatus.draft
        sheet.submitted_at = None
    for user in roles.values():
        if user.is_juror and user is not scoring.juror:
            user.jury_memberships[0].conflicts_confirmed_at = scoring.juror.jury_memberships[
                0
            ].conflicts_confirmed_at
    db.session.commit()
    if role != "anonymous":
        auth.login(roles[role])
    method, url = _urls(scoring, sheet, document)[route]
    data = {}
    if route == "save":
        data = sheet_form(scoring, version=sheet.version, **{f"value-{scoring.c10.id}": "6"})
    elif route == "reopen":
        data = {"reason": "Popraw uzasadnienie"}
    elif route == "remind":
        data = {"stage": 1}
    elif route == "due":
        data = {"stage": 1, "juror_id": scoring.juror.id, "due": "2099-01-31"}
    response = client.open(url, method=method, data=data)
    expected = EXPECTED[route][role_index]
    assert response.status_code == expected, (route, role, response.status_code)
    if role == "anonymous":
        assert "/account/login" in response.headers["Location"]


def test_unconfirmed_declaration_goes_to_the_declaration_first(client, db, auth, scoring):
    scoring.juror.jury_memberships[0].conflicts_confirmed_at = None
    db.session.commit()
    auth.login(scoring.juror)
    for url in (
        f"/jury/editions/{scoring.edition.id}/entries",
        f"/assignments/{scoring.assignment.id}",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert f"/jury/editions/{scoring.edition.id}/conflicts" in response.headers["Location"]


def test_juror_scores_through_the_form(client, db, auth, scoring):
    auth.login(scoring.juror)
    page = client.get(f"/jury/editions/{scoring.edition.id}/entries")
    assert scoring.application.office.name in page.text
    url = f"/assignments/{scoring.assignment.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Karta usług" in page.text
    # Submit with a missing required comment: saved as a draft, errors shown, nothing lost.
    values = {
        f"value-{scoring.c10.id}": "9",
        f"strengths-{scoring.c10.id}": "",
        f"value-{scoring.c20.id}": "12,5",
        f"improvements-{scoring.c20.id}": "Dłuższe godziny otwarcia",
        "issue-0": "Sprawdzić czas oczekiwania",
    }
    response = client.post(url, data=sheet_form(scoring, action="submit_sheet", **values))
    assert response.status_code == 422
    assert "Dłuższe godziny otwarcia" in response.text and 'value="9"' in response.text
    assert f'href="#strengths-{scoring.c10.id}"' in response.text  # the error summary links
    sheet = db.session.scalars(sa.select(ScoreSheet)).one()
    assert sheet.status is SheetStatus.draft and sheet.version == 1
    values[f"strengths-{scoring.c10.id}"] = "Pełna karta usług w BIP"
    response = client.post(
        url, data=sheet_form(scoring, version=1, action="submit_sheet", **values)
    )
    assert response.status_code == 302
    db.session.expire_all()
    sheet = db.session.scalars(sa.select(ScoreSheet)).one()
    assert sheet.status is SheetStatus.submitted
    version = sheet.version
    assert [i.text for i in sheet.site_visit_issues] == ["Sprawdzić czas oczekiwania"]
    # Read-only afterwards.
    page = client.get(url)
    assert "Pełna karta usług w BIP" in page.text and 'name="save"' not in page.text
    assert client.post(url, data=sheet_form(scoring, version=version, **values)).status_code == 302
    db.session.expire_all()
    assert db.session.scalars(sa.select(ScoreSheet)).one().version == version


@pytest.mark.parametrize("bad", ["nan", "1e400", "-3", "11", "abc", "7\x00"])
def test_bad_values_keep_everything_typed(client, db, auth, scoring, bad):
    auth.login(scoring.juror)
    url = f"/assignments/{scoring.assignment.id}"
    values = {f"value-{scoring.c10.id}": bad, f"strengths-{scoring.c10.id}": "Uprzejma obsługa"}
    response = client.post(url, data=sheet_form(scoring, **values))
    assert response.status_code == 422
    assert "Uprzejma obsługa" in response.text
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 0


def test_two_tabs_the_second_sees_a_conflict(client, db, auth, scoring):
    auth.login(scoring.juror)
    url = f"/assignments/{scoring.assignment.id}"
    first = {f"value-{scoring.c10.id}": "4"}
    assert client.post(url, data=sheet_form(scoring, **first)).status_code == 302
    second = {f"value-{scoring.c10.id}": "7", f"strengths-{scoring.c10.id}": "Z drugiej karty"}
    response = client.post(url, data=sheet_form(scoring, version=0, **second))
    assert response.status_code == 409
    assert "Z drugiej karty" in response.text  # what this tab typed is still there
    assert "<strong>4</strong>" in response.text  # and what the other tab saved is shown
    db.session.expire_all()
    assert db.session.scalars(sa.select(ScoreSheet)).one().scores[0].value == 4.0
    # Saving again from the conflict page (it carries the new version) goes through.
    assert 'name="version" type="hidden" value="1"' in response.text
    assert client.post(url, data=sheet_form(scoring, version=1, **second)).status_code == 302


def test_organizer_reopens_and_reminds(client, db, make, auth, outbox, scoring):
    organizer = make.organizer()
    sheet = make.sheet(assignment=scoring.assignment, fill=5)
    late = make.juror(edition=scoring.edition, email="spozniony@example.org")
    make.assignment(application=scoring.application, juror=late)
    scoring.edition.stage1_end = dt.date(2020, 1, 1)
    db.session.commit()
    auth.login(organizer)
    page = client.get(f"/organizer/editions/{scoring.edition.id}/sheets?stage=1")
    assert page.status_code == 200 and "spozniony@example.org" in page.text
    client.post(f"/organizer/editions/{scoring.edition.id}/sheets/remind", data={"stage": 1})
    assert [m.to for m in outbox] == ["spozniony@example.org"]
    response = client.post(f"/organizer/sheets/{sheet.id}/reopen", data={"reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet.id).status is SheetStatus.submitted
    client.post(f"/organizer/sheets/{sheet.id}/reopen", data={"reason": "Uzupełnij"})
    db.session.expire_all()
    assert db.session.get(ScoreSheet, sheet.id).status is SheetStatus.draft
    assert outbox[-1].to == scoring.juror.email


def test_organizer_gives_a_late_juror_a_new_due_date(client, db, make, auth, outbox, scoring):
    organizer = make.organizer()
    late = make.juror(edition=scoring.edition, email="spozniony@example.org")
    late_assignment = make.assignment(application=scoring.application, juror=late)
    scoring.edition.stage1_end = dt.date(2020, 1, 1)
    db.session.commit()
    auth.login(organizer)
    url = f"/organizer/editions/{scoring.edition.id}/sheets/due"
    page = client.get(f"/organizer/editions/{scoring.edition.id}/sheets?stage=1")
    assert f'id="due-{late.id}"' in page.text
    # A date in the past is refused, and so is a date that is not a date.
    for bad in ("2020-02-01", "jutro"):
        response = client.post(
            url, data={"stage": 1, "juror_id": late.id, "due": bad}, follow_redirects=True
        )
        assert "flash-error" in response.text
    db.session.expire_all()
    assert db.session.get(type(late_assignment), late_assignment.id).due_date is None
    client.post(url, data={"stage": 1, "juror_id": late.id, "due": "2099-01-31"})
    db.session.expire_all()
    assert db.session.get(type(late_assignment), late_assignment.id).due_date == dt.date(
        2099, 1, 31
    )
    assert [m.to for m in outbox] == ["spozniony@example.org"]
    assert "2099-01-31" in outbox[0].body and "1 Twojej otwartej karty" in outbox[0].body
    page = client.get(f"/organizer/editions/{scoring.edition.id}/sheets?stage=1")
    assert "spozniony@example.org" not in page.text.split("Karty (")[0]
    # The stage closed: no more changes.
    scoring.edition.status = EditionStatus.stage2
    db.session.commit()
    response = client.post(
        url, data={"stage": 1, "juror_id": late.id, "due": "2099-02-28"}, follow_redirects=True
    )
    assert "flash-error" in response.text


def test_closed_stage_is_read_only(client, db, auth, scoring):
    scoring.edition.status = EditionStatus.stage2
    db.session.commit()
    auth.login(scoring.juror)
    page = client.get(f"/jury/editions/{scoring.edition.id}/entries?stage=1")
    assert page.status_code == 200
    url = f"/assignments/{scoring.assignment.id}"
    assert 'name="save"' not in client.get(url).text
    client.post(url, data=sheet_form(scoring, **{f"value-{scoring.c10.id}": "6"}))
    assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 0


def test_autosave_answers_in_json(client, db, auth, scoring):
    auth.login(scoring.juror)
    url = f"/assignments/{scoring.assignment.id}"
    headers = {"Accept": "application/json"}
    response = client.post(
        url, data=sheet_form(scoring, **{f"value-{scoring.c10.id}": "5"}), headers=headers
    )
    assert response.status_code == 200 and response.json["saved"] is True
    assert response.json["version"] == 1
    stale = client.post(
        url, data=sheet_form(scoring, **{f"value-{scoring.c10.id}": "6"}), headers=headers
    )
    assert stale.status_code == 409 and stale.json["conflict"] is True
    bad = client.post(
        url,
        data=sheet_form(scoring, version=1, **{f"value-{scoring.c10.id}": "x"}),
        headers=headers,
    )
    assert bad.status_code == 422 and f"value-{scoring.c10.id}" in bad.json["errors"]
    db.session.expire_all()
    assert db.session.scalars(sa.select(ScoreSheet)).one().scores[0].value == 5.0


def test_entries_page_filters_and_pages(client, db, make, auth, scoring):
    from app.jury import workspace

    for n in range(workspace.PER_PAGE + 3):
        office = make.office(name=f"Urząd Gminy {n:03d}")
        entry = make.application(
            edition=scoring.edition, office=office, status=scoring.application.status
        )
        assignment = make.assignment(application=entry, juror=scoring.juror)
        if n < 2:
            make.sheet(assignment=assignment, status=SheetStatus.draft)
    db.session.commit()
    auth.login(scoring.juror)
    url = f"/jury/editions/{scoring.edition.id}/entries"
    first = client.get(url)
    assert first.status_code == 200 and "Urząd Gminy 000" in first.text
    assert "Urząd Gminy 052" not in first.text and "Strona 1 z 2" in first.text
    assert "Urząd Gminy 052" in client.get(url + "?page=2").text
    drafts = client.get(url + "?status=draft").text
    assert "Urząd Gminy 001" in drafts and "Urząd Gminy 002" not in drafts
    assert client.get(url + "?status=bogus").status_code == 404
    assert client.get(url + "?page=99").status_code == 200  # an empty page, not an error
