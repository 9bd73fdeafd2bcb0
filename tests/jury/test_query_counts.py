"""The scoring pages run a fixed number of SQL statements, whatever the number
of entries and criteria (bench/scoring.py measures them at national scale).

The numbers are pinned: a change that adds a query per row, or one more query
per page, shows here. If a change adds one on purpose, update the number and
say why in the commit message. Each audit event costs three statements on
both databases: lock and read the chain's head, INSERT the event, move the head."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.jury.models import ScoreSheet


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db, client):
    """count_queries(method, url, data=None) -> (response, statements).

    The session is committed and emptied first, so the request loads
    everything itself, as in production (the tests share one session)."""

    def run(method, url, data=None):
        db.session.commit()
        db.session.expunge_all()
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            response = client.open(url, method=method, data=data)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        return response, counter

    return run


# user, edition, membership, the counts cache's token, criteria count, one page
# of rows; the counts by status come from the counts cache, or one more query
# on the first view after a sheet or an assignment changed
ENTRIES_PAGE = 6
# user; assignment with its single rows and may_work joined, answers,
# documents, scores, site-visit issues; criteria with areas; questionnaire
# (areas with their questions, one query)
ENTRY_PAGE = 8
# user; assignment with may_work, issues, scores; criteria; UPDATE sheet,
# UPDATE scores (one executemany); audit: lock the head, INSERT, move the head
SAVE = 10
# user, edition, count, page of rows, status counts, late jurors
OVERVIEW = 6


@pytest.mark.parametrize("entries", [2, 12])
def test_jurors_entries_page(make, login_as, count_queries, entries):
    load = make.workload(entries=entries)
    url = f"/jury/editions/{load.edition.id}/entries?stage=1"
    login_as(load.juror)

    first, computed = count_queries("GET", url)
    response, queries = count_queries("GET", url)

    assert response.status_code == 200
    assert response.get_data(as_text=True).count("/assignments/") == entries
    assert computed.count == ENTRIES_PAGE + 1, computed.statements
    assert queries.count == ENTRIES_PAGE, queries.statements


@pytest.mark.parametrize("entries, criteria", [(2, 2), (12, 2), (2, 6)])
def test_entry_page_with_a_full_draft(make, login_as, count_queries, entries, criteria):
    load = make.workload(entries=entries, criteria=criteria)
    url = f"/assignments/{load.assignments[0].id}"
    login_as(load.juror)

    response, queries = count_queries("GET", url)

    assert response.status_code == 200
    assert response.get_data(as_text=True).count('name="value-') == criteria
    assert queries.count == ENTRY_PAGE, queries.statements


@pytest.mark.parametrize("entries, criteria", [(2, 2), (12, 2), (2, 6)])
def test_sheet_save(make, db, login_as, count_queries, entries, criteria):
    load = make.workload(entries=entries, criteria=criteria)
    assignment = load.assignments[0]
    sheet_id, url = assignment.sheet.id, f"/assignments/{assignment.id}"
    data = {"version": assignment.sheet.version, "save": "1", "general_comment": "Dobrze."}
    for c in load.criteria:
        data[f"value-{c.id}"] = "1"
        data[f"strengths-{c.id}"] = "Karta usług na stronie."
        data[f"improvements-{c.id}"] = "Czas oczekiwania."
    login_as(load.juror)

    response, queries = count_queries("POST", url, data)

    assert response.status_code == 302
    assert db.session.get(ScoreSheet, sheet_id).version == data["version"] + 1
    assert queries.count == SAVE, queries.statements


@pytest.mark.parametrize("entries", [2, 12])
def test_organizers_sheets_overview(make, login_as, count_queries, entries):
    load = make.workload(entries=entries)
    # A second juror on every entry: twice the rows.
    other = make.juror(edition=load.edition)
    for assignment in load.assignments:
        make.assignment(application=assignment.application, juror=other)
    url = f"/organizer/editions/{load.edition.id}/sheets?stage=1"
    login_as("organizer")

    response, queries = count_queries("GET", url)

    assert response.status_code == 200
    assert queries.count == OVERVIEW, queries.statements
