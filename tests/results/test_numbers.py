"""The rules of app/results/numbers.py on plain data, with hand-computed values."""

from __future__ import annotations

import math

import pytest

from app.results import numbers
from app.results.numbers import ChecklistTally, SheetTotal


def test_sheet_score_weighs_by_weight_and_maximum():
    # 8/10 at weight 1 and 10/20 at weight 2: (8 + 20) / (10 + 40) = 56 %.
    assert numbers.sheet_score(8 * 1 + 10 * 2, 10 * 1 + 20 * 2) == pytest.approx(56.0)
    assert numbers.sheet_score(0, 0) is None


def test_entry_score_is_the_mean_of_its_sheets():
    means = numbers.entry_means({("j1", "A"): 56.0, ("j2", "A"): 70.0, ("j1", "B"): 10.0})
    assert means == {"A": pytest.approx(63.0), "B": pytest.approx(10.0)}


def test_final_score_uses_the_stage_weights_and_needs_both_stages():
    assert numbers.final_score(50, 80, stage1_weight=40, stage2_weight=60) == pytest.approx(68.0)
    assert numbers.final_score(50, 80, stage1_weight=100, stage2_weight=0) == pytest.approx(50.0)
    assert numbers.final_score(50, None, stage1_weight=40, stage2_weight=60) is None


def test_normalisation_by_hand():
    # Juror H scores 60, 40, 20 (mean 40, population SD sqrt(800/3));
    # juror N scores 75, 70, 50 (mean 65, population SD sqrt(350/3)).
    # All six sheets: mean 52.5, population SD sqrt(2087.5/6).
    raw = {
        ("H", "A"): 60.0,
        ("H", "C"): 40.0,
        ("H", "D"): 20.0,
        ("N", "B"): 75.0,
        ("N", "C"): 70.0,
        ("N", "D"): 50.0,
    }
    fixed, skipped = numbers.normalise(raw, stage=1)
    stage_sd = math.sqrt(2087.5 / 6)
    assert skipped == []
    assert fixed[("H", "A")] == pytest.approx(52.5 + stage_sd * 20 / math.sqrt(800 / 3))
    assert fixed[("H", "C")] == pytest.approx(52.5)
    assert fixed[("N", "B")] == pytest.approx(52.5 + stage_sd * 10 / math.sqrt(350 / 3))
    assert fixed[("N", "D")] == pytest.approx(52.5 - stage_sd * 15 / math.sqrt(350 / 3))


def test_jurors_with_too_few_sheets_or_no_spread_pass_through():
    raw = {
        ("Z", "A"): 50.0,
        ("Z", "B"): 50.0,
        ("Z", "C"): 50.0,  # no spread
        ("T", "A"): 90.0,
        ("T", "D"): 10.0,  # two sheets
        ("N", "A"): 80.0,
        ("N", "B"): 60.0,
        ("N", "C"): 40.0,
    }
    fixed, skipped = numbers.normalise(raw, stage=2)
    assert {(s.juror_id, s.reason, s.sheets, s.stage) for s in skipped} == {
        ("Z", "no_spread", 3, 2),
        ("T", "too_few_sheets", 2, 2),
    }
    for key in [("Z", "A"), ("Z", "B"), ("Z", "C"), ("T", "A"), ("T", "D")]:
        assert fixed[key] == raw[key]
    assert fixed[("N", "B")] == pytest.approx(sum(raw.values()) / len(raw))


def test_checklist_result():
    # Visit 1: yes (1 of 1), scale 4 of 5; visit 2: no (0 of 1), scale 3 of 5:
    # 8 of 12 points. Minutes and text items are not in the tally.
    tally = ChecklistTally(yes=1, yes_no_answered=2, scale_points=7, scale_attainable=10)
    assert numbers.checklist_result(tally) == pytest.approx(100 * 8 / 12)
    assert numbers.checklist_result(ChecklistTally()) is None


def test_positions_competition_ranking_and_tie_chain():
    entries = ["U", "R", "P", "Q", "S", "T", "V", "X"]
    score = {"U": 90, "R": 70, "P": 70, "Q": 70, "S": 70, "T": 60, "V": None, "X": 75}
    checklist = {"R": 90, "P": 80, "Q": 80, "S": 80, "T": 100}
    stage1 = {"P": 60, "Q": 50, "S": 50.0000000001, "R": 10, "T": 99}
    category = {e: "k" for e in entries} | {"X": "other"}
    placed = numbers.place(
        entries,
        score=score,
        category=category,
        tie_breaks=[checklist, stage1],
        tie_names=["checklist", "stage1"],
    )
    assert placed["U"] == numbers.Placed(1, False, None)
    assert placed["R"] == numbers.Placed(2, False, "checklist")
    assert placed["P"] == numbers.Placed(3, False, "stage1")
    # 50 and 50.0000000001 are equal at 6 decimals: a tie that stays.
    assert placed["Q"] == placed["S"] == numbers.Placed(4, True, None)
    assert placed["T"] == numbers.Placed(6, False, None)
    assert placed["V"] == numbers.Placed(None, False, None)
    assert placed["X"] == numbers.Placed(1, False, None)  # positions per category


def test_missing_tie_break_value_loses_the_tie():
    placed = numbers.place(
        ["A", "B"],
        score={"A": 70, "B": 70},
        category={"A": 1, "B": 1},
        tie_breaks=[{"B": 0.0}],
        tie_names=["checklist"],
    )
    assert placed["B"].position == 1 and placed["A"].position == 2


@pytest.mark.parametrize(
    "rule, keys",
    [
        ("stage2,checklist,stage1", ("stage2", "checklist", "stage1")),
        (" stage1 ", ("stage1",)),
    ],
)
def test_tie_rule_parsing(rule, keys):
    assert numbers.parse_tie_rule(rule) == keys


@pytest.mark.parametrize("rule", ["", ",", "stage2,stage2", "stage3", "id"])
def test_tie_rule_refuses(rule):
    with pytest.raises(numbers.TieRuleError):
        numbers.parse_tie_rule(rule)


def test_stage_scores_from_sheet_totals():
    rows = [
        SheetTotal("j1", "A", 1, 28, 50),
        SheetTotal("j2", "A", 1, 35, 50),
        SheetTotal("j1", "A", 2, 9, 10),
    ]
    scores = numbers.stage_scores(rows, 1)
    assert scores.raw == {"A": pytest.approx(63.0)}
    assert {n.juror_id for n in scores.not_normalised} == {"j1", "j2"}
