"""The departure rule over plain data: positions and award ranks (laureate 2,
distinction 1, none 0)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.awards import rules
from app.awards.models import AwardKind

L, D = 2, 1
# Entries 1..5 at positions 1, 2, 2 (tied), 4, 5.
POSITIONS = {1: 1, 2: 2, 3: 2, 4: 4, 5: 5}


def test_award_ranks():
    assert rules.rank_of(AwardKind.laureate) == 2
    assert rules.rank_of(AwardKind.distinction) == 1
    assert rules.rank_of(AwardKind.special) == 0
    assert rules.rank_of(None) == 0


def test_following_the_ranking_does_not_depart():
    ranks = {1: L, 2: D, 3: D}
    assert rules.departing(POSITIONS, ranks) == set()
    assert not any(rules.departs(e, POSITIONS, ranks) for e in POSITIONS)


def test_several_laureates_in_ranking_order_do_not_depart():
    ranks = {1: L, 2: L, 3: L, 4: D}
    assert rules.departing(POSITIONS, ranks) == set()


def test_a_laureate_below_an_entry_without_award_departs():
    # Entry 4 is laureate while 1, 2 and 3 (ranked above) get nothing.
    ranks = {4: L}
    assert rules.departs(4, POSITIONS, ranks)
    assert sorted(rules.inverted_with(4, POSITIONS, ranks)) == [1, 2, 3]
    assert rules.departing(POSITIONS, ranks) == {1, 2, 3, 4}


def test_a_lower_award_to_a_better_ranked_entry_departs():
    # Entry 1 distinguished, entry 4 laureate: 1 got less than a worse entry.
    ranks = {1: D, 4: L}
    assert rules.departs(1, POSITIONS, ranks)
    assert rules.inverted_with(1, POSITIONS, ranks) == [4]
    assert rules.departs(4, POSITIONS, ranks)


def test_several_laureates_with_a_gap_depart():
    # 1 and 4 laureates, 2 and 3 (ranked between) nothing: 4 departs.
    ranks = {1: L, 4: L}
    assert not rules.departs(1, POSITIONS, ranks)
    assert rules.departs(4, POSITIONS, ranks)


def test_tied_entries_are_neither_above_nor_below_each_other():
    # 2 and 3 share position 2: one laureate, the other distinguished is no departure.
    ranks = {1: L, 2: L, 3: D}
    assert rules.departing(POSITIONS, ranks) == set()
    assert not rules.departs(3, POSITIONS, ranks)


def test_withdrawal_leaves_unexplained_awards_below():
    ranks = {1: L, 2: D, 4: D}
    reasons = {4: "Wyjątkowa obsługa osób z niepełnosprawnościami"}
    # Without 1's award, 2 and 4 (awarded, ranked below) sit above it; 4 has a reason.
    assert rules.unexplained_after_withdrawal(1, POSITIONS, ranks, reasons) == [2]
    # Withdrawing the last award leaves nothing below it.
    assert rules.unexplained_after_withdrawal(4, POSITIONS, ranks, reasons) == []
    assert rules.unexplained_after_withdrawal(99, POSITIONS, ranks, reasons) == []


@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=8),
    st.lists(st.sampled_from([0, 1, 2]), min_size=8, max_size=8),
)
def test_departing_agrees_with_the_pairwise_definition(positions, awards):
    positions = dict(enumerate(positions))
    ranks = {e: awards[e] for e in positions}
    expected = {e for e in positions if rules.inverted_with(e, positions, ranks)}
    assert rules.departing(positions, ranks) == expected
