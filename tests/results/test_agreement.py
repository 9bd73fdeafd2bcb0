"""The agreement rules of app/results/agreement.py on plain data, with
hand-computed values, and the loader on a real database."""

from __future__ import annotations

import math
import random
from dataclasses import astuple

import krippendorff
import pytest

from app.editions.models import EditionStatus
from app.jury.models import SheetStatus
from app.offices.models import ApplicationStatus
from app.results import agreement
from app.results.agreement import Alpha, Totals, alpha_from_totals, interval_alpha

NAN = float("nan")

# The krippendorff package's documented example (its docstring): three
# coders, fifteen units; interval alpha 0.810845.
DOCUMENTED = [
    [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
    [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
    [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
]


def units_of(matrix) -> list[list[float]]:
    """Raters × units (NaN: not rated) -> each unit's values."""
    return [[row[u] for row in matrix if not math.isnan(row[u])] for u in range(len(matrix[0]))]


# ---------------------------------------------------------------- alpha


def test_alpha_by_hand():
    # Two jurors, three entries: (1, 2), (3, 3), (5, 4). n = 6 values.
    # Within units: Σ m·ss/(m-1) = 2·0.5 + 0 + 2·0.5 = 2.
    # All six values 1, 2, 3, 3, 5, 4: mean 3, SS = 4+1+0+0+4+1 = 10.
    # alpha = 1 - (n-1)·2 / (n·10) = 1 - 10/60 = 5/6.
    result = interval_alpha([[1, 2], [3, 3], [5, 4]])
    assert result.value == pytest.approx(5 / 6)
    assert (result.units, result.values, result.reason) == (3, 6, None)
    assert result.band == "reliable"


def test_alpha_matches_the_packages_documented_example():
    assert round(interval_alpha(units_of(DOCUMENTED)).value, 6) == 0.810845
    assert krippendorff.alpha(reliability_data=DOCUMENTED, level_of_measurement="interval") == (
        pytest.approx(interval_alpha(units_of(DOCUMENTED)).value)
    )


def test_totals_add_up_over_units_and_give_the_same_alpha():
    units = [u for u in units_of(DOCUMENTED) if u]
    whole = Totals.of(units)
    parts = Totals.of(units[:6]) + Totals.of(units[6:])
    assert astuple(parts) == pytest.approx(astuple(whole))
    assert alpha_from_totals(parts).value == pytest.approx(0.8108448928)


def test_alpha_from_hand_totals():
    # The units (1, 2), (3, 3), (5, 4) of test_alpha_by_hand as the database
    # sums them: 3 units, 6 values, Σ m·ss/(m-1) = 2, Σv = 18, Σv² = 64.
    assert alpha_from_totals(Totals(3, 6, 2.0, 18.0, 64.0)).value == pytest.approx(5 / 6)
    assert alpha_from_totals(Totals()).reason == "too_few_ratings"
    assert alpha_from_totals(Totals(2, 4, 0.0, 280.0, 19600.0)).reason == "no_variance"


def test_alpha_equals_the_package_on_random_data():
    """Half-point scores from 2-5 jurors, some missing: the closed form gives
    the package's number, and no number exactly where the package has none."""
    rng = random.Random(20260513)
    compared = 0
    for _ in range(150):
        raters, units = rng.randint(2, 5), rng.randint(1, 12)
        matrix = [
            [NAN if rng.random() < 0.4 else rng.randint(0, 10) / 2 for _ in range(units)]
            for _ in range(raters)
        ]
        ours = interval_alpha(units_of(matrix))
        try:
            theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
        except ValueError:  # no unit with two values, or a single value in all
            theirs = NAN
        if ours.value is None:
            assert math.isnan(theirs)
        else:
            assert ours.value == pytest.approx(theirs, abs=1e-9)
            compared += 1
    assert compared > 100


def test_units_with_one_value_are_left_out():
    assert interval_alpha([[1, 2], [3, 3], [5, 4], [9]]) == interval_alpha([[1, 2], [3, 3], [5, 4]])


@pytest.mark.parametrize(
    ("units", "reason"),
    [
        ([], "too_few_ratings"),
        ([[70.0], [80.0], [90.0]], "too_few_ratings"),
        ([[60.0, 60.0], [60.0, 60.0, 60.0]], "no_variance"),
        # Agreement is perfect, but with nothing to tell apart it is not measured.
        ([[55.5, 55.5], [55.5], [90.0]], "no_variance"),
    ],
)
def test_degenerate_data_gives_no_number(units, reason):
    result = interval_alpha(units)
    assert result.value is None and result.reason == reason
    assert result.band == "no_data"


def test_disagreement_worse_than_chance_is_negative():
    # Each entry gets one high and one low score: the units differ inside,
    # not between each other.
    assert interval_alpha([[0, 10], [10, 0], [0, 10]]).value < 0


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (1.0, "reliable"),
        (0.8, "reliable"),
        (0.7996, "reliable"),  # shown as 0.800
        (0.7994, "tentative"),
        (0.667, "tentative"),
        (0.6664, "unreliable"),
        (-0.3, "unreliable"),
        (None, "no_data"),
    ],
)
def test_bands(value, band):
    assert Alpha(value).band == band


# ---------------------------------------------------------------- outliers


def test_an_outlier_is_compared_with_the_other_sheets_only():
    # Entry E: 70, 74 and 80, judged with a floor of 1 point. For the 80:
    # others 70, 74, mean 72, sample SD sqrt(8) = 2.83; 8 > 2·2.83, so it lies
    # 8/2.83 = 2.83 SDs away. For the 70: others 74, 80, mean 77, SD sqrt(18) =
    # 4.24; 7 < 8.49. For the 74: others 70, 80, mean 75, SD sqrt(50); 1 < 14.1.
    scores = {("a", "E"): 70.0, ("b", "E"): 74.0, ("c", "E"): 80.0}
    [found] = agreement.outliers(scores, stage=1, floor=1.0)
    assert (found.juror_id, found.entry_id, found.stage, found.others) == ("c", "E", 1, 2)
    assert found.others_mean == pytest.approx(72.0)
    assert found.others_sd == pytest.approx(math.sqrt(8))
    assert found.deviation == pytest.approx(8 / math.sqrt(8))


@pytest.mark.parametrize(
    ("value", "deviation"),
    [(75.0, None), (65.0, None), (75.5, 2.2), (64.0, -2.4), (70.0, None)],
)
def test_when_the_others_agree_exactly_the_sd_counts_as_the_floor(value, deviation):
    # Others 70 and 70: SD 0, counted as the floor (2.5 here), so the sheet
    # must be more than 5 points away: 75 and 65 are not (exactly 5), 75.5 is
    # (5.5/2.5 = 2.2 SDs).
    scores = {("a", "E"): 70.0, ("b", "E"): 70.0, ("c", "E"): value}
    found = [o for o in agreement.outliers(scores, stage=2, floor=2.5) if o.juror_id == "c"]
    if deviation is None:
        assert found == []
    else:
        assert found[0].deviation == pytest.approx(deviation)
        assert found[0].others_sd == 2.5


STAGE = {
    ("a", "E"): 70.0,
    ("b", "E"): 74.0,
    ("c", "E"): 90.0,
    ("a", "F"): 60.0,
    ("b", "F"): 60.0,
    ("c", "F"): 60.0,
    ("a", "G"): 50.0,
    ("b", "G"): 60.0,
    ("c", "G"): 70.0,
    ("a", "H"): 99.0,  # a single sheet: no spread to pool
}


def test_within_entry_sd_by_hand():
    # E: mean 78, squared deviations 64 + 16 + 144 = 224; F: 0; G: mean 60,
    # 100 + 0 + 100 = 200. Two degrees of freedom each: sqrt(424 / 6).
    assert agreement.within_entry_sd(STAGE) == pytest.approx(math.sqrt(424 / 6))
    assert agreement.within_entry_sd({("a", "E"): 50.0}) is None
    assert agreement.outlier_floor({("a", "E"): 50.0}) == agreement.MIN_SPREAD
    assert agreement.outlier_floor({("a", "E"): 50.0, ("b", "E"): 50.0}) == agreement.MIN_SPREAD


def test_by_default_the_floor_is_the_stages_usual_spread():
    # The floor is sqrt(424/6) = 8.41. G's 70 against 50 and 60 (SD 7.07) is
    # 15/8.41 = 1.78 SDs away: not an outlier (against its own two others it
    # would be 2.12). E's 90 against 70 and 74 (SD 2.83) is 18/8.41 = 2.14 away.
    floor = math.sqrt(424 / 6)
    [found] = agreement.outliers(STAGE, stage=1)
    assert (found.juror_id, found.entry_id) == ("c", "E")
    assert found.others_sd == pytest.approx(floor)
    assert found.deviation == pytest.approx(18 / floor)
    assert ("c", "G") in {
        (o.juror_id, o.entry_id) for o in agreement.outliers(STAGE, stage=1, floor=1.0)
    }


def test_an_entry_with_fewer_than_two_other_sheets_has_no_outliers():
    assert agreement.outliers({("a", "E"): 10.0, ("b", "E"): 95.0}, stage=1) == []


def test_most_deviant_first():
    scores = {
        ("a", "E"): 50.0,
        ("b", "E"): 50.0,
        ("c", "E"): 60.0,  # 10 / 2.5 = 4 SDs
        ("a", "F"): 50.0,
        ("b", "F"): 50.0,
        ("c", "F"): 20.0,  # -30 / 2.5 = -12 SDs
    }
    found = agreement.outliers(scores, stage=1, floor=2.5)
    assert [(o.entry_id, o.deviation) for o in found] == [("F", -12.0), ("E", 4.0)]


# ---------------------------------------------------------------- leniency


def test_leniency_by_hand():
    # All four sheets 80, 60, 40, 60: mean 60, population SD sqrt(800/4) = 14.14.
    # Juror A (80, 60) averages 70: z = 10/14.14 = +0.707; B (40, 60): -0.707.
    scores = {("A", 1): 80.0, ("A", 2): 60.0, ("B", 1): 40.0, ("B", 2): 60.0}
    first, second = agreement.leniency(scores, stage=1)
    assert (first.juror_id, first.sheets, first.mean_score) == ("A", 2, 70.0)
    assert first.mean_z == pytest.approx(1 / math.sqrt(2))
    assert (second.juror_id, second.mean_z) == ("B", pytest.approx(-1 / math.sqrt(2)))


def test_leniency_without_spread_has_no_z():
    [row] = agreement.leniency({("A", 1): 50.0, ("A", 2): 50.0}, stage=2)
    assert row.mean_z is None and row.mean_score == 50.0
    assert agreement.leniency({}, stage=1) == []


# ---------------------------------------------------------------- distributions


def test_distributions_raw_and_normalised():
    # J1: 20, 40, 60; J2: 40, 50, 60; K: 90 (one sheet, left raw).
    # The stage's seven sheets: mean 360/7, population variance
    # 21400/7 - (360/7)². Normalised, J1 and J2 both get the stage's mean and
    # SD: three evenly spread values lie at mean - SD·sqrt(3/2), mean,
    # mean + SD·sqrt(3/2).
    scores = {
        ("J1", "a"): 20.0,
        ("J1", "b"): 40.0,
        ("J1", "c"): 60.0,
        ("J2", "a"): 40.0,
        ("J2", "b"): 50.0,
        ("J2", "c"): 60.0,
        ("K", "a"): 90.0,
    }
    result = {d.juror_id: d for d in agreement.distributions(scores, stage=1)}
    assert (result["J1"].raw.low, result["J1"].raw.mean, result["J1"].raw.high) == (20, 40, 60)
    mean = 360 / 7
    half = math.sqrt(21400 / 7 - mean**2) * math.sqrt(3 / 2)
    for juror in ("J1", "J2"):
        normalised = result[juror].normalised
        assert normalised.mean == pytest.approx(mean)
        assert (normalised.low, normalised.high) == (
            pytest.approx(mean - half),
            pytest.approx(mean + half),
        )
        assert result[juror].normalised_reason is None
    assert result["K"].normalised_reason == "too_few_sheets"
    assert result["K"].normalised == result["K"].raw


# ---------------------------------------------------------------- the loader


@pytest.fixture
def jury(make, db):
    """Stage 1 of an edition with two categories and two 0..100 criteria of
    weight 1, so a sheet score is the mean of its two values."""

    class Jury:
        def __init__(self):
            self.edition = make.edition(status=EditionStatus.stage2, areas=0, categories=2)
            self.north, self.south = self.edition.categories
            area = make.area(edition=self.edition, name="Obsługa")
            self.c1 = make.criterion(
                area=area, stage=1, max_score=100, name="Standardy", position=0
            )
            self.c2 = make.criterion(
                area=area, stage=1, max_score=100, name="Komunikacja", position=1
            )
            self.jurors = [make.juror(edition=self.edition, full_name=f"Juror {n}") for n in "ABC"]

        def entry(self, name, category, values, status=ApplicationStatus.qualified, **kw):
            """values: per juror (c1, c2) or None for no sheet."""
            application = make.application(
                edition=self.edition,
                office=make.office(name=name),
                category=category,
                status=status,
            )
            for juror, pair in zip(self.jurors, values, strict=False):
                if pair is not None:
                    make.sheet(
                        application=application,
                        juror=juror,
                        values={self.c1: pair[0], self.c2: pair[1]},
                        **kw,
                    )
            return application

    return Jury()


def test_load_by_hand(jury, db):
    # North: two entries; sheet scores (mean of c1, c2) E1: 70, 74, 80; E2: 40, 40, 60.
    jury.entry("Urząd E1", jury.north, [(70, 70), (74, 74), (80, 80)])
    jury.entry("Urząd E2", jury.north, [(40, 40), (40, 40), (50, 70)])
    # South: one entry with one sheet, so no alpha there.
    jury.entry("Urząd S1", jury.south, [(90, 90)])
    # Neither a draft sheet nor a draft application counts.
    jury.entry("Urząd D", jury.north, [(0, 0)], status=ApplicationStatus.draft)
    draft = jury.entry("Urząd S2", jury.south, [None, (5, 5)], status=ApplicationStatus.qualified)
    draft.assignments[0].sheet.status = SheetStatus.draft
    db.session.flush()

    data = agreement.load(jury.edition, 1)

    north = interval_alpha([[70, 74, 80], [40, 40, 60]])
    assert [c.name for c in data.categories] == [jury.north.name, jury.south.name]
    assert data.categories[0].alpha.value == pytest.approx(north.value)
    assert (data.categories[0].entries, data.categories[0].sheets) == (2, 6)
    assert data.categories[1].alpha.reason == "too_few_ratings"
    assert data.sheets == 7
    # The whole stage: the same units (S1 has one sheet).
    assert data.overall.value == pytest.approx(north.value)

    standards, communication = data.criteria
    assert (standards.name, standards.area) == ("Standardy", "Obsługa")
    assert standards.by_category[jury.north.id].value == pytest.approx(
        interval_alpha([[70, 74, 80], [40, 40, 50]]).value
    )
    assert communication.overall.value == pytest.approx(
        interval_alpha([[70, 74, 80], [40, 40, 70]]).value
    )
    assert standards.by_category[jury.south.id].band == "no_data"

    # The floor: E1 has squared deviations 152/3 around 74.67, E2 800/3 around
    # 46.67; two degrees of freedom each: sqrt(952/3 / 4) = 8.91. E2's 60
    # against 40 and 40 is 20/8.91 = 2.24 SDs away; E1's 80 only 8/8.91.
    floor = math.sqrt(952 / 3 / 4)
    assert data.outlier_floor == pytest.approx(floor)
    [outlier] = data.outliers
    assert (outlier.juror, outlier.office, outlier.category) == (
        "Juror C",
        "Urząd E2",
        jury.north.name,
    )
    assert outlier.item.deviation == pytest.approx(20 / floor)
    # Means: C (80, 60) 70; A (70, 40, 90) 66.7; B (74, 40; the draft left out) 57.
    assert [(r.juror, r.item.sheets) for r in data.leniency] == [
        ("Juror C", 2),
        ("Juror A", 3),
        ("Juror B", 2),
    ]
    assert [d.juror for d in data.distributions] == ["Juror A", "Juror B", "Juror C"]


def test_load_an_empty_stage(jury):
    data = agreement.load(jury.edition, 2)
    assert data.sheets == 0 and data.overall.reason == "too_few_ratings"
    assert data.criteria == [] and data.outliers == [] and data.distributions == []
    with pytest.raises(ValueError):
        agreement.load(jury.edition, 3)
