"""The edition timeline an office sees after submitting (issue 18 item 3):
six steps with the edition's dates, "you are here" from the edition's phase
and the entry's status, and what happens next."""

from __future__ import annotations

import datetime as dt

import pytest

from app.editions.models import EditionStatus
from app.offices.models import ApplicationStatus
from app.offices.timeline import timeline

TODAY = dt.date(2027, 5, 1)
DATES = {
    "stage1_start": dt.date(2027, 4, 1),
    "stage1_end": dt.date(2027, 4, 30),
    "stage2_start": dt.date(2027, 5, 10),
    "stage2_end": dt.date(2027, 6, 10),
    "chapter_date": dt.date(2027, 6, 20),
    "results_date": dt.date(2027, 6, 25),
    "gala_date": dt.date(2027, 9, 15),
    "gala_place": "Zamek Królewski",
}
SUBMITTED, QUALIFIED = ApplicationStatus.submitted, ApplicationStatus.qualified
NOT_QUALIFIED, DRAFT = ApplicationStatus.not_qualified, ApplicationStatus.draft


@pytest.mark.parametrize(
    ("phase", "status", "current", "next_key"),
    [
        (EditionStatus.applications_open, DRAFT, "applications", "draft"),
        (EditionStatus.applications_open, SUBMITTED, "applications", "waiting"),
        (EditionStatus.stage1, SUBMITTED, "stage1", "stage1"),
        (EditionStatus.stage2, QUALIFIED, "stage2", "qualified"),
        (EditionStatus.stage2, NOT_QUALIFIED, "stage2", "not_qualified"),
        (EditionStatus.chapter, QUALIFIED, "chapter", "chapter"),
        (EditionStatus.results_published, QUALIFIED, "gala", "results"),
        (EditionStatus.archived, QUALIFIED, "", "over"),
    ],
)
def test_you_are_here(make, db, phase, status, current, next_key):
    edition = make.edition(status=phase, **DATES)
    application = make.application(edition=edition, status=status)
    tl = timeline(application, today=TODAY)
    assert [s.key for s in tl.steps] == [
        "applications",
        "stage1",
        "stage2",
        "chapter",
        "results",
        "gala",
    ]
    assert (tl.current, tl.next) == (current, next_key)
    states = [s.state for s in tl.steps]
    if current:
        here = [s.key for s in tl.steps].index(current)
        assert states[here] == "current" and states.count("current") == 1
        assert set(states[:here]) == {"done"} if here else True
        assert set(states[here + 1 :]) <= {"upcoming"}
    else:
        assert set(states) == {"done"}


def test_dates_come_from_the_edition(make, db):
    edition = make.edition(status=EditionStatus.stage2, **DATES)
    application = make.application(edition=edition, status=NOT_QUALIFIED)
    steps = {s.key: s for s in timeline(application, today=TODAY).steps}
    assert (steps["stage1"].start, steps["stage1"].end) == (
        DATES["stage1_start"],
        DATES["stage1_end"],
    )
    assert steps["applications"].end == edition.applications_close_at
    assert (steps["gala"].start, steps["gala"].place) == (DATES["gala_date"], "Zamek Królewski")
    # Stage 2 goes on without an entry that did not qualify.
    assert steps["stage2"].without_entry and not steps["stage1"].without_entry


def test_after_the_gala_the_results_step_is_current(make, db):
    edition = make.edition(status=EditionStatus.results_published, **DATES)
    application = make.application(edition=edition, status=QUALIFIED)
    assert timeline(application, today=dt.date(2027, 10, 1)).current == "results"


def test_office_sees_the_timeline_on_its_dashboard_and_application(client, make, login_as, db):
    edition = make.edition(status=EditionStatus.stage1, **DATES)
    user = login_as("office")
    application = make.application(edition=edition, office=user.office, status=SUBMITTED)
    db.session.commit()
    for url in ("/office/", f"/applications/{application.id}"):
        html = client.get(url).get_data(as_text=True)
        assert html.count('aria-current="step"') == 1
        assert "Etap I: ocena dokumentów" in html
        assert "1 kwietnia 2027 – 30 kwietnia 2027" in html
        assert "Jury ocenia złożone dokumenty" in html
        assert "15 września 2027, Zamek Królewski" in html
