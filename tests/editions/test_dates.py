"""The order of an edition's phase dates (issue 16, item 9): one rule, used
by the settings form and by the service."""

from __future__ import annotations

import datetime as dt

import pytest

from app.editions import dates, services
from app.editions.models import Edition
from app.errors import LaurelError
from tests.editions.test_views import PREFIX, edition_form

pytestmark = pytest.mark.usefixtures("request_ctx")

D = dt.date


def test_dates_in_order_with_gaps_and_shared_days_pass():
    values = {
        "applications_close_at": dt.datetime(2027, 3, 31, 13, 30),
        "stage1_start": D(2027, 3, 31),  # the day applications close
        "stage1_end": D(2027, 4, 30),
        "stage2_end": D(2027, 5, 31),  # stage 2 start not planned yet
        "results_date": D(2027, 6, 20),
        "gala_date": D(2027, 6, 20),  # results announced at the gala
    }
    assert dates.order_problems(values) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # stage 1 starting while applications are still open
        (
            {"applications_close_at": dt.datetime(2027, 3, 31, 13), "stage1_start": D(2027, 3, 1)},
            [("stage1_start", "applications_close_at")],
        ),
        # results before the chapter, with dates in between left empty
        (
            {"chapter_date": D(2027, 6, 1), "results_date": D(2027, 5, 1)},
            [("results_date", "chapter_date")],
        ),
        # stage 2 before stage 1 ends; the gala then still follows stage 1's end
        (
            {
                "stage1_end": D(2027, 5, 1),
                "stage2_start": D(2027, 4, 1),
                "gala_date": D(2027, 6, 1),
            },
            [("stage2_start", "stage1_end")],
        ),
    ],
)
def test_dates_out_of_order_name_the_later_and_the_earlier(values, expected):
    assert dates.order_problems(values) == expected


def test_closing_time_is_compared_as_a_warsaw_date():
    # 23:30 UTC on 31 March is already 1 April in Warsaw (summer time).
    values = {
        "applications_close_at": dt.datetime(2027, 3, 31, 23, 30),
        "stage1_start": D(2027, 3, 31),
    }
    assert dates.order_problems(values) == [("stage1_start", "applications_close_at")]
    assert dates.order_problems(values, utc=False) == []


def test_service_refuses_dates_out_of_order(make):
    edition = make.edition(stage1_start=D(2027, 4, 1))
    with pytest.raises(LaurelError, match="Stage 1 ends"):
        services.update_edition(edition, actor=make.organizer(), data={"stage1_end": D(2027, 3, 1)})
    assert edition.stage1_end is None


def test_service_refuses_an_implausible_year(make):
    edition = make.edition()
    with pytest.raises(LaurelError, match="year between"):
        services.update_edition(edition, actor=make.organizer(), data={"year": 1})
    with pytest.raises(LaurelError, match="year between"):
        services.copy_edition(edition, actor=make.organizer(), name="X", slug="x", year=99999)


@pytest.mark.usefixtures("organizer")
def test_form_shows_the_problem_at_the_later_date(client, db):
    response = client.post(
        PREFIX + "/new",
        data=edition_form(chapter_date="2027-06-10", results_date="2027-06-01"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        "Data „Ogłoszenie wyników” nie może być wcześniejsza niż data „Posiedzenie Kapituły”."
        in html
    )
    assert db.session.query(Edition).count() == 0


@pytest.mark.usefixtures("organizer")
def test_form_refuses_stage1_before_applications_close(client, db):
    response = client.post(
        PREFIX + "/new",
        data=edition_form(stage1_start="2027-03-01"),
    )
    assert (
        "Data „Początek etapu I” nie może być wcześniejsza niż data „Koniec przyjmowania zgłoszeń”."
        in response.get_data(as_text=True)
    )
    assert db.session.query(Edition).count() == 0
