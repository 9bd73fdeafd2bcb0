"""The dashboard's "what to do next" rule (issue 18 item 2): one step per
edition state, each with the page that moves the edition on."""

from __future__ import annotations

import datetime as dt

import pytest

from app.editions import dashboard as figures
from app.editions.models import EditionStatus
from app.editions.next_step import EditionFacts, edition_facts, next_step
from app.jury.models import MembershipStatus, SheetStatus
from app.offices.models import ApplicationStatus

NOW = dt.datetime(2027, 3, 1, 12, 0)
OPEN = {"opens_at": NOW - dt.timedelta(days=10), "closes_at": NOW + dt.timedelta(days=10)}
PREFIX = "/organizer/editions"


def facts(status, **kw):
    kw.setdefault("categories", 2)
    kw.setdefault("criteria", 5)
    kw.setdefault("closes_at", OPEN["closes_at"])
    return EditionFacts(edition_id=7, status=status, now=NOW, **kw)


S1, S2 = EditionStatus.stage1, EditionStatus.stage2
CASES = [
    # (facts, key, endpoint, extra args)
    (facts(EditionStatus.draft, categories=0), "add_category", "editions.categories", {}),
    (facts(EditionStatus.draft, criteria=0), "add_criteria", "editions.criteria", {}),
    (facts(EditionStatus.draft, closes_at=None), "set_dates", "editions.edit", {}),
    (facts(EditionStatus.draft), "open_applications", "editions.phases", {}),
    (
        facts(EditionStatus.applications_open, opens_at=NOW + dt.timedelta(days=1)),
        "opens_later",
        "jury.jurors",
        {},
    ),
    (
        facts(EditionStatus.applications_open, **OPEN, drafts=3),
        "no_submissions",
        "office_admin.index",
        {},
    ),
    (
        facts(EditionStatus.applications_open, **OPEN, submitted=4),
        "invite_jurors",
        "jury.jurors",
        {},
    ),
    (
        facts(EditionStatus.applications_open, **OPEN, submitted=4, jurors=3),
        "collecting",
        "offices.edition_applications",
        {},
    ),
    (
        facts(EditionStatus.applications_open, closes_at=NOW - dt.timedelta(hours=1)),
        "closed_empty",
        "editions.edit",
        {},
    ),
    (
        facts(EditionStatus.applications_open, closes_at=NOW, submitted=4, jurors=3),
        "start_stage1",
        "editions.phases",
        {},
    ),
    # The example: 4 submitted entries, 0 assignments.
    (facts(S1, submitted=4, jurors=3), "assign_stage1", "jury.assignments", {"stage": 1}),
    (facts(S1, submitted=4), "invite_jurors", "jury.jurors", {}),
    (
        facts(S1, submitted=4, jurors=3, assignments={1: 12}, sheets_in={1: 5}),
        "scoring_stage1",
        "sheets.overview",
        {"stage": 1},
    ),
    (
        facts(
            S1,
            submitted=4,
            jurors=3,
            assignments={1: 12},
            sheets_in={1: 5},
            overdue_jurors={1: 2, 2: 0},
        ),
        "remind_stage1",
        "sheets.overview",
        {"stage": 1},
    ),
    (
        facts(S1, submitted=4, jurors=3, assignments={1: 12}, sheets_in={1: 12}),
        "qualify",
        "results.qualification_page",
        {},
    ),
    (
        facts(S2, submitted=4, qualified=2, jurors=3, assignments={1: 12}, sheets_in={1: 12}),
        "assign_stage2",
        "jury.assignments",
        {"stage": 2},
    ),
    (
        facts(S2, qualified=2, jurors=3, assignments={2: 4}, sheets_in={2: 1}),
        "scoring_stage2",
        "sheets.overview",
        {"stage": 2},
    ),
    (
        facts(S2, qualified=2, jurors=3, assignments={2: 4}, sheets_in={2: 4}),
        "close_stage2",
        "editions.phases",
        {},
    ),
    (facts(EditionStatus.chapter, chapter_open_items=1), "chapter", "awards.overview", {}),
    (facts(EditionStatus.chapter), "publish", "editions.phases", {}),
    (facts(EditionStatus.results_published), "archive", "editions.phases", {}),
]


@pytest.mark.parametrize(
    ("state", "key", "endpoint", "args"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_state_names_its_next_step(state, key, endpoint, args, request_ctx, app):
    step = next_step(state)
    assert (step.key, step.endpoint, step.args) == (key, endpoint, {"edition_id": 7, **args})
    assert step.text and step.action
    assert step.endpoint in app.view_functions


def test_an_archived_edition_has_no_next_step(request_ctx):
    assert next_step(facts(EditionStatus.archived)) is None


def test_the_step_says_the_numbers(request_ctx):
    step = next_step(facts(S1, submitted=4, jurors=3))
    assert step.text == "4 entries to score in stage 1, 0 assignments."
    assert step.action == "Next: assign jurors"
    one = next_step(facts(S1, submitted=1, jurors=3))
    assert one.text == "1 entry to score in stage 1, 0 assignments."


def test_facts_are_read_from_the_edition(make, db, request_ctx):
    edition = make.edition(status=EditionStatus.stage1)
    for _ in range(4):
        make.application(edition=edition, status=ApplicationStatus.submitted)
    make.application(edition=edition)  # a draft
    make.juror(edition=edition)
    make.juror(edition=edition, status=MembershipStatus.invited)
    read = edition_facts(edition, figures.dashboard(edition))
    assert (read.submitted, read.drafts, read.jurors, read.categories) == (4, 1, 1, 1)
    assert read.criteria == 2 and read.assignments == {1: 0, 2: 0}
    assert next_step(read).key == "assign_stage1"


def test_dashboard_names_the_next_step_with_its_link(client, login_as, make, db):
    login_as("organizer")
    edition = make.edition(status=EditionStatus.stage1)
    entries = [
        make.application(edition=edition, status=ApplicationStatus.submitted) for _ in range(4)
    ]
    juror = make.juror(edition=edition)
    db.session.commit()
    html = client.get(f"{PREFIX}/{edition.id}/").get_data(as_text=True)
    assert 'data-step="assign_stage1"' in html
    assert "4 zgłoszenia do oceny w etapie 1, 0 przydziałów." in html
    assert f'href="/organizer/editions/{edition.id}/assignments?stage=1"' in html
    # Once every entry is assigned and scored, the step moves on to qualification.
    for entry in entries:
        make.sheet(
            assignment=make.assignment(application=entry, juror=juror),
            status=SheetStatus.submitted,
        )
    db.session.commit()
    html = client.get(f"{PREFIX}/{edition.id}/").get_data(as_text=True)
    assert 'data-step="qualify"' in html
    assert f'href="/organizer/editions/{edition.id}/qualification"' in html
